const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopSignalsIo {
  /** Process signals; tests omit them. */
  readonly signals?: NodeJS.EventEmitter | undefined;
  /** Leaves at once (a second Ctrl-C). */
  readonly exitNow?: ((code: number) => never) | undefined;
  /** Tells the user, above the progress display at a terminal or as a log line in a job. Default: stderr. */
  readonly say?: ((text: string) => void) | undefined;
  readonly stderr?: NodeJS.WritableStream | undefined;
}

/**
 * First SIGINT/SIGTERM: a graceful stop (the run finishes what is in flight and writes every outcome).
 * Second: leave at once. The results file is written in whole lines, so even then it holds no broken one.
 */
export function handleStopSignals(
  io: StopSignalsIo,
  beforeExit: () => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const emitter = io.signals;
  const say = io.say ?? ((text: string) => io.stderr?.write(`nlpearl-leads: ${text}\n`));
  const onSignal = (name: string) => {
    if (!controller.signal.aborted) {
      say(`${name}: stopping after the requests in flight (send it again to quit now)`);
      controller.abort();
      return;
    }
    beforeExit();
    say(`${name} again: quitting now; run again with --resume`);
    io.exitNow?.(3);
  };
  for (const name of SIGNALS) emitter?.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) emitter?.off(name, onSignal);
    },
  };
}
