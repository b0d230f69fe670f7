import type { SqliteNames } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import type { LedgerEntry, RunRecord } from './types.js';

/**
 * `importRuns` of the SQLite ledger, inside the caller's transaction: the runs not there yet (by outbound,
 * command and start) are added in the order given, so their new ids grow as theirs did.
 */
export function importSqliteRuns(sql: Statements, runs: readonly RunRecord[]): number[] {
  return runs.map((run) => {
    const startedAt = run.startedAt.toISOString();
    const known = sql.findRun.get(run.outbound, run.command, startedAt)?.id;
    if (known !== null && known !== undefined) return known;
    const added = sql.importRun.run({
      command: run.command,
      outbound: run.outbound,
      source: run.source ?? null,
      input_path: run.inputPath ?? null,
      input_size: run.inputSize ?? null,
      results_path: run.resultsPath ?? null,
      started_at: startedAt,
      ended_at: run.endedAt?.toISOString() ?? null,
      counts: run.counts === undefined ? null : JSON.stringify(run.counts),
      exit_status: run.exitStatus ?? null,
    });
    return Number(added.lastInsertRowid);
  });
}

/** `importEntries` of the SQLite ledger, inside the caller's transaction. */
export function importSqliteEntries(
  sql: Statements,
  names: SqliteNames,
  entries: readonly LedgerEntry[],
): number {
  let written = 0;
  for (const entry of entries) {
    written += sql.importEntry.run({
      outbound_id: names.id('outbound', entry.outbound, true),
      key: entry.key,
      key_kind: entry.keyKind,
      phone: entry.phone,
      lead_id: entry.leadId ?? null,
      body_hash: entry.bodyHash ?? null,
      state: entry.state,
      source_id: entry.source === undefined ? null : names.id('source', entry.source, true),
      created_run: entry.createdRun ?? null,
      first_run: entry.firstRun ?? null,
      last_run: entry.lastRun ?? null,
    }).changes;
  }
  return written;
}
