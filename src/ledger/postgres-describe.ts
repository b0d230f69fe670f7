import type { PgConnection } from './postgres-connection.js';
import { heldLockOf, runOf, type PgLockRow, type PgRunRow } from './postgres-rows.js';
import { LOCK_CLASS } from './postgres-schema.js';
import { countsOf } from './row-records.js';
import type { EntryState, LedgerDescription } from './types.js';

/** Only rows whose advisory lock is held: a row left by a holder that died is no lock. */
const LIVE_LOCKS = `SELECT l.* FROM locks l JOIN outbounds o ON o.name = l.outbound
  WHERE EXISTS (SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted AND p.objsubid = 2
    AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND p.classid = $1::int::oid AND p.objid = o.id::oid)
  ORDER BY l.outbound`;

/** `describe` of the PostgreSQL ledger: every outbound with its counts, the recent runs, the locks held. */
export async function describePg(conn: PgConnection, schemaVersion: number): Promise<LedgerDescription> {
  const counts = await conn.query<{ outbound: string; state: EntryState | null; n: number }>(
    `SELECT o.name AS outbound, e.state, count(e.key)::int AS n
     FROM outbounds o LEFT JOIN entries e ON e.outbound_id = o.id GROUP BY o.name, e.state ORDER BY o.name`,
  );
  const names = [...new Set(counts.map((row) => row.outbound))];
  const runs = await conn.query<PgRunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT 10');
  const locks = await conn.query<PgLockRow>(LIVE_LOCKS, [LOCK_CLASS]);
  return {
    location: conn.location,
    schemaVersion,
    outbounds: names.map((outbound) => ({
      outbound,
      counts: countsOf(
        counts.flatMap(({ outbound: name, state, n }) => (name === outbound && state ? [{ state, n }] : [])),
      ),
    })),
    recentRuns: runs.map(runOf),
    locks: locks.map(heldLockOf),
  };
}
