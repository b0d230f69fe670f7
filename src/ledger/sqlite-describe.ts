import { countsOf } from './row-records.js';
import { runRecord } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import type { HeldLock, LedgerDescription } from './types.js';

/** `describe` of the SQLite ledger, in a read: every outbound with its counts, the recent runs, the locks. */
export function describeSqlite(
  sql: Statements,
  location: string,
  schemaVersion: number,
  locks: HeldLock[],
): LedgerDescription {
  const counts = sql.countAll.all();
  return {
    location,
    schemaVersion,
    outbounds: sql.outbounds.all().map(({ id, name }) => ({
      outbound: name,
      counts: countsOf(counts.filter((row) => row.outbound_id === id)),
    })),
    recentRuns: sql.listRuns.all(10).map(runRecord),
    locks,
  };
}
