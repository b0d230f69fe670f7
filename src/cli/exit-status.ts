import { NlpearlLeadsError, type ErrorCode } from '../errors.js';

/**
 * The exit status of each fatal error. Every one is raised before a lead is sent (a problem met later ends the
 * run as stopped, exit 3, with its summary), so each means "nothing was sent: fix it and run again" — 2. A new
 * code must choose its status here.
 */
export const EXIT_STATUS = {
  USAGE: 2,
  CONFIG: 2,
  TOKEN_MISSING: 2,
  TOKEN_MALFORMED: 2,
  RESULTS_EXISTS: 2,
  COLUMN_MISSING: 2,
  INPUT_CHANGED: 2,
  INPUT_UNREADABLE: 2,
  INPUT_NOT_CSV: 2,
  CSV_UNREADABLE_RECORD: 2,
  RESULTS_UNREADABLE: 2,
  CREDENTIALS_REJECTED: 2,
  OUTBOUND_NOT_FOUND: 2,
  PREFLIGHT_FAILED: 2,
  RESULTS_UNWRITABLE: 2,
  LEDGER_UNAVAILABLE: 2,
  LEDGER_CORRUPT: 2,
  LEDGER_NOT_LEDGER: 2,
  LEDGER_NEWER_SCHEMA: 2,
  LEDGER_LOCKED: 2,
  LEDGER_CLOSED: 2,
} as const satisfies Record<ErrorCode, 2 | 3>;

/** An error that is not ours, a bug: the CLI says so in one line (the stack only with --log-level debug). */
const UNEXPECTED_STATUS = 1;

export function exitStatusOf(error: unknown): number {
  if (!(error instanceof NlpearlLeadsError)) return UNEXPECTED_STATUS;
  return EXIT_STATUS[error.code];
}
