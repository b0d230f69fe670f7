import type { PgConnection } from './postgres-connection.js';
import { ENTRIES, ENTRY_COLUMNS, entryOf, type PgEntryRow } from './postgres-rows.js';
import type { LedgerEntry } from './types.js';
import { createWriteBatcher, type Settled } from './write-batch.js';

interface Lookup {
  readonly outbound: string;
  readonly key: string;
}

/**
 * `get` for every row of a run: the rows in flight are looked up concurrently, so the lookups of one
 * event-loop turn (and those that arrive while the last query is out) become one query per outbound (one, in
 * a run). The write batcher's turn-gathering serves reads as well: a lookup's "commit" is its share of that
 * query. `key = ANY($2)` is what the primary key serves whatever the planner's statistics say; a join with
 * the unnested keys is not, while a new ledger's table has none yet.
 */
export function createLookups(conn: PgConnection): (lookup: Lookup) => Promise<LedgerEntry | undefined> {
  const batcher = createWriteBatcher<Lookup, LedgerEntry | undefined>(async (lookups) => {
    const found = new Map<string, LedgerEntry>();
    const byOutbound = new Map<string, Set<string>>();
    for (const { outbound, key } of lookups) {
      const keys = byOutbound.get(outbound) ?? new Set<string>();
      byOutbound.set(outbound, keys.add(key));
    }
    for (const [outbound, keys] of byOutbound) {
      const rows = await conn.query<PgEntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRIES} WHERE o.name = $1 AND e.key = ANY($2::text[])`,
        [outbound, [...keys]],
      );
      for (const row of rows) found.set(`${outbound}\u0000${row.key}`, entryOf(row));
    }
    return lookups.map((lookup): Settled<LedgerEntry | undefined> => ({
      ok: true,
      value: found.get(`${lookup.outbound}\u0000${lookup.key}`),
    }));
  });
  return (lookup) => batcher.add(lookup);
}
