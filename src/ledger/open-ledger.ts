import type { LedgerLocation } from './location.js';
import type { Ledger, LedgerOptions } from './types.js';

/**
 * Opens the ledger at `location` with the backend its kind names. Each backend loads when it is used, so a
 * run on one never loads the other's driver (better-sqlite3's native module, pg).
 */
export async function openLedger(location: LedgerLocation, options: LedgerOptions): Promise<Ledger> {
  switch (location.kind) {
    case 'sqlite': {
      const { openSqliteLedger } = await import('./sqlite-ledger.js');
      return openSqliteLedger(location.file, options);
    }
    case 'postgres': {
      const { openPostgresLedger } = await import('./postgres-ledger.js');
      return openPostgresLedger(location.url, location.display, options);
    }
  }
}
