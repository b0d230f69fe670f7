import { LedgerError } from './errors.js';
import type { LedgerLocation } from './location.js';
import { openSqliteLedger } from './sqlite-ledger.js';
import type { Ledger, LedgerOptions } from './types.js';

/** Opens the ledger at `location` with the backend its kind names. */
export async function openLedger(location: LedgerLocation, options: LedgerOptions): Promise<Ledger> {
  switch (location.kind) {
    case 'sqlite':
      return openSqliteLedger(location.file, options);
    case 'postgres':
      throw new LedgerError(
        `PostgreSQL ledgers (${location.display}) are not supported yet by this nlpearl-leads: give --ledger a ` +
          `file (or leave it unset for the default one)`,
        'LEDGER_UNSUPPORTED',
      );
  }
}
