import type { Tx } from './postgres-writes.js';
import type { LedgerEntry, RunRecord } from './types.js';

/**
 * `importRuns` of the PostgreSQL ledger, in the caller's transaction: the runs not there yet (by outbound,
 * command and start) are added in the order given, so their new ids grow as theirs did.
 */
export async function importPgRuns(tx: Tx, runs: readonly RunRecord[]): Promise<number[]> {
  if (runs.length === 0) return [];
  const input = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[],
    $7::timestamptz[], $8::jsonb[], $9::int[], $10::text[]) WITH ORDINALITY
    AS t(command, outbound, source, input_path, input_size, started_at, ended_at, counts, exit_status,
      results_path, i)`;
  const same = `r.outbound = t.outbound COLLATE "C" AND r.command = t.command AND r.started_at = t.started_at`;
  const values = [
    runs.map((run) => run.command),
    runs.map((run) => run.outbound),
    runs.map((run) => run.source ?? null),
    runs.map((run) => run.inputPath ?? null),
    runs.map((run) => run.inputSize ?? null),
    runs.map((run) => run.startedAt),
    runs.map((run) => run.endedAt ?? null),
    runs.map((run) => (run.counts === undefined ? null : JSON.stringify(run.counts))),
    runs.map((run) => run.exitStatus ?? null),
    runs.map((run) => run.resultsPath ?? null),
  ];
  await tx.query(
    `INSERT INTO runs (command, outbound, source, input_path, input_size, started_at, ended_at, counts, exit_status,
       results_path)
     SELECT command, outbound, source, input_path, input_size, started_at, ended_at, counts, exit_status,
       results_path
     FROM ${input} WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE ${same}) ORDER BY i`,
    values,
  );
  const ids = await tx.query<{ i: string; id: number }>(
    `SELECT DISTINCT ON (t.i) t.i, r.id FROM ${input} JOIN runs r ON ${same} ORDER BY t.i, r.id`,
    values,
  );
  const byIndex = new Map(ids.rows.map((row) => [Number(row.i) - 1, row.id]));
  return runs.map((run, index) => {
    const id = byIndex.get(index);
    if (id === undefined) throw new Error(`run ${run.id} was not imported`);
    return id;
  });
}

/** `importEntries` of the PostgreSQL ledger, in the caller's transaction: one statement for the lot. */
export async function importPgEntries(tx: Tx, entries: readonly LedgerEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const ids = new Map<string, number>();
  const idOf = async (table: 'outbounds' | 'sources', name: string) => {
    const cacheKey = `${table}\u0000${name}`;
    let id = ids.get(cacheKey);
    if (id === undefined) ids.set(cacheKey, (id = await tx.id(table, name)));
    return id;
  };
  const columns: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const entry of entries) {
    const row = [
      await idOf('outbounds', entry.outbound),
      entry.key,
      entry.keyKind,
      entry.phone,
      entry.leadId ?? null,
      entry.bodyHash ?? null,
      entry.state,
      entry.source === undefined ? null : await idOf('sources', entry.source),
      entry.createdRun ?? null,
      entry.firstRun ?? null,
      entry.lastRun ?? null,
    ];
    row.forEach((value, index) => columns[index]?.push(value));
  }
  const written = await tx.query(
    `INSERT INTO entries (outbound_id, key, key_kind, phone, lead_id, body_hash, state, source_id, created_run,
       first_run, last_run)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::int[], $9::int[], $10::int[], $11::int[])
     ON CONFLICT (outbound_id, key) DO NOTHING`,
    columns,
  );
  return written.rowCount ?? 0;
}
