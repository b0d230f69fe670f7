/** An output the CLI writes to; `isTTY`, `columns` and `fd` are read when present (process.stdout has them). */
export type OutputStream = NodeJS.WritableStream & {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  readonly fd?: number | undefined;
};

/** What the CLI touches of the outside world; tests pass their own, so the CLI runs in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Process signals for graceful stop; tests omit it. */
  readonly signals?: NodeJS.EventEmitter;
  /** Leaves at once (a second Ctrl-C); only the bin's is process.exit. */
  readonly exitNow?: (code: number) => never;
}
