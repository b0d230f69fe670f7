import type { CliIo } from './io.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * First SIGINT/SIGTERM: a graceful stop (the run finishes what is in flight and writes every outcome).
 * Second: leave at once. The results file is written in whole lines, so even then it holds no broken one.
 */
export function handleStopSignals(
  io: CliIo,
  beforeExit: () => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const emitter = io.signals;
  const onSignal = (name: string) => {
    if (!controller.signal.aborted) {
      io.stderr.write(
        `nlpearl-leads: ${name}: stopping after the requests in flight (send it again to quit now)\n`,
      );
      controller.abort();
      return;
    }
    beforeExit();
    io.stderr.write(`nlpearl-leads: ${name} again: quitting now; run again with --resume\n`);
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
