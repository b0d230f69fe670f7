import { NlpearlLeadsError } from '../errors.js';

/**
 * What stops a run because of its ledger. Every message names the ledger (its file, or its URL without the
 * password) and says what to do, so the CLI can print it as its one line.
 */
export type LedgerErrorCode =
  /** It cannot be opened or written: a read-only or missing folder, a full disk, an I/O error, busy too long. */
  | 'LEDGER_UNAVAILABLE'
  /** The file is not a database, or a damaged one. */
  | 'LEDGER_CORRUPT'
  /** A database of some other program: its tables are left alone. */
  | 'LEDGER_NOT_LEDGER'
  /** Written by a newer nlpearl-leads, whose schema this version does not know. */
  | 'LEDGER_NEWER_SCHEMA'
  /** Another run holds the outbound's lock (the message names it: pid, host, since when). */
  | 'LEDGER_LOCKED'
  /** Used after `close()`: a mistake of the caller's. */
  | 'LEDGER_CLOSED';

export class LedgerError extends NlpearlLeadsError {
  declare readonly code: LedgerErrorCode;

  constructor(message: string, code: LedgerErrorCode, options: { cause?: unknown } = {}) {
    super(message, code, options);
    this.name = 'LedgerError';
  }
}

/** A ledger used after `close()`: the same words from either backend. */
export function closedLedgerError(location: string): LedgerError {
  return new LedgerError(`the ledger ${location} is closed`, 'LEDGER_CLOSED');
}
