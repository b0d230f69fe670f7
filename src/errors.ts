/**
 * Fatal problems: anything that stops a whole run. A bad or failed row is never one of these; it becomes a
 * result line instead. The CLI maps `exitCode` to the process exit status and prints `message` as one line.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'INPUT_UNREADABLE'
  | 'INPUT_NOT_CSV'
  | 'CSV_UNREADABLE_RECORD'
  | 'COLUMN_MISSING'
  | 'RESULTS_EXISTS'
  | 'RESULTS_UNREADABLE'
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'CREDENTIALS_REJECTED'
  | 'OUTBOUND_NOT_FOUND'
  | 'PREFLIGHT_FAILED'
  | 'ABORTED';

/** 2: nothing was sent (usage, configuration, input). 3: the run stopped part-way. */
export type FatalExitCode = 2 | 3;

export class NlpearlLeadsError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: FatalExitCode;

  constructor(message: string, code: ErrorCode, options: { cause?: unknown; exitCode?: FatalExitCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NlpearlLeadsError';
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** A flag, option or file the user gave us is wrong; nothing has been sent. */
export class UsageError extends NlpearlLeadsError {
  constructor(message: string, code: ErrorCode = 'USAGE', options: { cause?: unknown } = {}) {
    super(message, code, { ...options, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** The input file cannot be read (missing, not CSV, or broken past what the parser can step over). */
export class InputError extends NlpearlLeadsError {
  readonly line: number | undefined;

  constructor(message: string, code: ErrorCode, options: { cause?: unknown; line?: number } = {}) {
    super(message, code, { cause: options.cause, exitCode: 2 });
    this.name = 'InputError';
    this.line = options.line;
  }
}

/** The API refused the run as a whole (credentials, unknown outbound). */
export class ApiRejectedError extends NlpearlLeadsError {
  readonly status: number | undefined;

  constructor(
    message: string,
    code: 'CREDENTIALS_REJECTED' | 'OUTBOUND_NOT_FOUND' | 'PREFLIGHT_FAILED',
    options: { cause?: unknown; status?: number; exitCode?: FatalExitCode } = {},
  ) {
    super(message, code, { cause: options.cause, exitCode: options.exitCode ?? 2 });
    this.name = 'ApiRejectedError';
    this.status = options.status;
  }
}
