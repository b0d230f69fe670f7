/** What the CLI touches of the outside world; tests pass their own, so the CLI runs in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Process signals for graceful stop; tests omit it. */
  readonly signals?: NodeJS.EventEmitter;
  /** Leaves at once (a second Ctrl-C); only the bin's is process.exit. */
  readonly exitNow?: (code: number) => never;
}
