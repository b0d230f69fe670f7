import type { PgConnection } from './postgres-connection.js';
import { ENTRY_COLUMNS, entryOf, type PgEntryRow } from './postgres-rows.js';
import type { LedgerEntry } from './types.js';
import { createWriteBatcher, type Settled } from './write-batch.js';

interface Lookup {
  readonly outbound: string;
  readonly key: string;
}

/**
 * `get` for every row of a run: the rows in flight are looked up concurrently, so the lookups of one
 * event-loop turn (and those that arrive while the last query is out) become one query. The write batcher's
 * turn-gathering serves reads as well: a lookup's "commit" is its share of that query.
 */
export function createLookups(conn: PgConnection): (lookup: Lookup) => Promise<LedgerEntry | undefined> {
  const batcher = createWriteBatcher<Lookup, LedgerEntry | undefined>(async (lookups) => {
    const rows = await conn.query<PgEntryRow & { i: string }>(
      `SELECT t.i, ${ENTRY_COLUMNS}
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(outbound, key, i)
       JOIN outbounds o ON o.name = t.outbound
       JOIN entries e ON e.outbound_id = o.id AND e.key = t.key
       LEFT JOIN sources s ON s.id = e.source_id`,
      [lookups.map((lookup) => lookup.outbound), lookups.map((lookup) => lookup.key)],
    );
    const found = new Map(rows.map((row) => [Number(row.i) - 1, row]));
    return lookups.map((_, index): Settled<LedgerEntry | undefined> => {
      const row = found.get(index);
      return { ok: true, value: row === undefined ? undefined : entryOf(row) };
    });
  });
  return (lookup) => batcher.add(lookup);
}
