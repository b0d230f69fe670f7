import type { PgConnection } from './postgres-connection.js';
import { entryOf, type PgEntryRow } from './postgres-rows.js';
import type { LedgerEntry } from './types.js';
import { createWriteBatcher, type Settled } from './write-batch.js';

interface Lookup {
  readonly outbound: string;
  readonly key: string;
}

type EntryColumns = Omit<PgEntryRow, 'outbound' | 'source'> & { source_id: number | null };

/**
 * `get` for every row of a run: the rows in flight are looked up concurrently, so the lookups of one
 * event-loop turn (and those that arrive while the last query is out) become one query per outbound (one, in
 * a run). The write batcher's turn-gathering serves reads as well: a lookup's "commit" is its share of that
 * query. It reads `entries` alone, by the ids of its outbound and sources (cached: those rows are never
 * deleted), as a join of three tables costs the server more to plan than to run; `key = ANY($2)` is what the
 * primary key serves whatever the planner's statistics say, while a new ledger's table has none yet. Not a
 * prepared statement: its generic plan, made while the table was nearly empty, would scan it whole ever after.
 */
export function createLookups(conn: PgConnection): (lookup: Lookup) => Promise<LedgerEntry | undefined> {
  const names = conn.names;
  const idOf = async (table: 'outbounds' | 'sources', name: string) => {
    const cached = names.cached(table, name);
    if (cached !== undefined) return cached;
    const rows = await conn.query<{ id: number }>(`SELECT id FROM ${table} WHERE name = $1`, [name]);
    if (rows[0] !== undefined) names.remember(table, new Map([[name, rows[0].id]]));
    return rows[0]?.id;
  };
  const sourceNames = async (ids: readonly number[]) => {
    const missing = [...new Set(ids)].filter((id) => names.cachedName('sources', id) === undefined);
    if (missing.length === 0) return;
    const rows = await conn.query<{ id: number; name: string }>(
      'SELECT id, name FROM sources WHERE id = ANY($1::int[])',
      [missing],
    );
    names.remember('sources', new Map(rows.map((row) => [row.name, row.id])));
  };

  const batcher = createWriteBatcher<Lookup, LedgerEntry | undefined>(async (lookups) => {
    const found = new Map<string, LedgerEntry>();
    const byOutbound = new Map<string, Set<string>>();
    for (const { outbound, key } of lookups) {
      const keys = byOutbound.get(outbound) ?? new Set<string>();
      byOutbound.set(outbound, keys.add(key));
    }
    for (const [outbound, keys] of byOutbound) {
      const outboundId = await idOf('outbounds', outbound);
      if (outboundId === undefined) continue;
      const rows = await conn.query<EntryColumns>(
        `SELECT outbound_id, key, key_kind, phone, lead_id, body_hash, state, source_id, created_run, first_run,
           last_run FROM entries WHERE outbound_id = $1 AND key = ANY($2::text[])`,
        [outboundId, [...keys]],
      );
      await sourceNames(rows.flatMap((row) => (row.source_id === null ? [] : [row.source_id])));
      for (const { source_id: sourceId, ...row } of rows) {
        const source = sourceId === null ? null : (names.cachedName('sources', sourceId) ?? `#${sourceId}`);
        found.set(`${outbound}\u0000${row.key}`, entryOf({ ...row, outbound, source }));
      }
    }
    return lookups.map((lookup): Settled<LedgerEntry | undefined> => ({
      ok: true,
      value: found.get(`${lookup.outbound}\u0000${lookup.key}`),
    }));
  });
  return (lookup) => batcher.add(lookup);
}
