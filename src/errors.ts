import type { LedgerErrorCode } from './ledger/errors.js';

/**
 * Fatal problems: anything that stops a run before its first lead is sent. A bad or failed row is never one of
 * these; it becomes a result line instead, and a problem met after leads were sent ends the run as stopped
 * (its summary says why). Each class accepts only its own codes; the CLI maps codes to exit statuses.
 */

/** A flag, option or file the user gave us is wrong, or the input lacks a column that no flag named. */
export type UsageErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'RESULTS_EXISTS'
  | 'COLUMN_MISSING'
  /** `--resume` on an input that is not the one its results file was written for. */
  | 'INPUT_CHANGED';

/** The input (or a results file read back) cannot be read. */
export type InputErrorCode =
  'INPUT_UNREADABLE' | 'INPUT_NOT_CSV' | 'CSV_UNREADABLE_RECORD' | 'RESULTS_UNREADABLE';

/** The API refused the run as a whole. */
export type ApiErrorCode = 'CREDENTIALS_REJECTED' | 'OUTBOUND_NOT_FOUND' | 'PREFLIGHT_FAILED';

/** An output cannot be written: the results file (its folder, its permissions, a full disk). */
export type OutputErrorCode = 'RESULTS_UNWRITABLE';

export type ErrorCode = UsageErrorCode | InputErrorCode | ApiErrorCode | OutputErrorCode | LedgerErrorCode;

export class NlpearlLeadsError extends Error {
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NlpearlLeadsError';
    this.code = code;
  }
}

export class UsageError extends NlpearlLeadsError {
  declare readonly code: UsageErrorCode;
  constructor(message: string, code: UsageErrorCode = 'USAGE', options: { cause?: unknown } = {}) {
    super(message, code, options);
    this.name = 'UsageError';
  }
}

export class InputError extends NlpearlLeadsError {
  declare readonly code: InputErrorCode;
  /** The input line at fault, when one is. */
  readonly line: number | undefined;

  constructor(message: string, code: InputErrorCode, options: { cause?: unknown; line?: number } = {}) {
    super(message, code, options);
    this.name = 'InputError';
    this.line = options.line;
  }
}

export class ApiRejectedError extends NlpearlLeadsError {
  declare readonly code: ApiErrorCode;
  /** The HTTP status that said so, when one did. */
  readonly status: number | undefined;

  constructor(message: string, code: ApiErrorCode, options: { cause?: unknown; status?: number } = {}) {
    super(message, code, options);
    this.name = 'ApiRejectedError';
    this.status = options.status;
  }
}

export class OutputError extends NlpearlLeadsError {
  declare readonly code: OutputErrorCode;
  /** The file that could not be written. */
  readonly path: string;

  constructor(message: string, code: OutputErrorCode, options: { cause?: unknown; path: string }) {
    super(message, code, options);
    this.name = 'OutputError';
    this.path = options.path;
  }
}

/** One line for a file-system error: the file, and what the system said, without a stack. */
export function describeFsError(file: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    EIO: 'input/output error',
  };
  const reason =
    typeof code === 'string'
      ? (reasons[code] ?? code)
      : error instanceof Error
        ? error.message
        : String(error);
  return `${file}: ${reason}`;
}
