import {
  checkCreated,
  checkLeadInRun,
  checkPulled,
  checkRunId,
  checkSettableState,
  checkText,
  checkUpdated,
  type SettableState,
  unknownRunError,
} from './input-checks.js';
import { countsOf } from './row-records.js';
import { SqliteConnection } from './sqlite-connection.js';
import { describeSqlite } from './sqlite-describe.js';
import { importSqliteEntries, importSqliteRuns } from './sqlite-import.js';
import { SqliteLocks } from './sqlite-lock.js';
import { openSqliteFile } from './sqlite-open.js';
import { recordSqlitePulled } from './sqlite-pulled.js';
import { runRecord, SqliteNames } from './sqlite-rows.js';
import { prepareStatements, type EntryRow, type Statements } from './sqlite-statements.js';
import type {
  Ledger,
  LedgerDescription,
  LedgerEntry,
  LedgerLock,
  LedgerOptions,
  LeadInRun,
  LockHolder,
  PulledLead,
  PullResult,
  RunEnd,
  RunRecord,
  RunStart,
  StateCounts,
} from './types.js';

/** Opens the SQLite ledger in `file`, created when missing: see `openSqliteFile` for modes and durability. */
// eslint-disable-next-line @typescript-eslint/require-await -- async, so that an error rejects the promise
export async function openSqliteLedger(file: string, options: LedgerOptions): Promise<Ledger> {
  const { db, schemaVersion } = openSqliteFile(file);
  const sql = prepareStatements(db);
  const names = new SqliteNames(sql);
  return new SqliteLedger(
    new SqliteConnection(db, file, () => names.clear()),
    sql,
    names,
    schemaVersion,
    options,
  );
}

/** The ledger on one SQLite connection; the schema is in sqlite-schema.ts and docs/ledger.md. */
class SqliteLedger implements Ledger {
  readonly location: string;
  readonly #conn: SqliteConnection;
  readonly #sql: Statements;
  readonly #names: SqliteNames;
  readonly #schemaVersion: number;
  readonly #now: () => Date;
  readonly #locks: SqliteLocks;

  constructor(
    conn: SqliteConnection,
    sql: Statements,
    names: SqliteNames,
    schemaVersion: number,
    options: LedgerOptions,
  ) {
    this.location = conn.location;
    this.#conn = conn;
    this.#sql = sql;
    this.#names = names;
    this.#schemaVersion = schemaVersion;
    this.#now = options.now ?? (() => new Date());
    this.#locks = new SqliteLocks({
      location: conn.location,
      sql,
      write: (op) => conn.write(op),
      now: this.#now,
      options,
    });
  }

  async get(outbound: string, key: string): Promise<LedgerEntry | undefined> {
    return this.#conn.read(() => {
      const outboundId = this.#outboundId(outbound);
      const row = outboundId === undefined ? undefined : this.#sql.get.get(outboundId, key);
      return row === undefined ? undefined : this.#names.entry(row, outbound);
    });
  }

  async markSending(lead: LeadInRun): Promise<void> {
    checkLeadInRun(lead);
    return this.#conn.write(() => {
      this.#sql.markSending.run({
        ...this.#names.leadParams(lead, null, null),
        state: 'sending',
        createdRun: lead.runId,
      });
    });
  }

  async markCreated(
    lead: LeadInRun,
    outcome: { readonly leadId: string; readonly bodyHash: string },
  ): Promise<void> {
    checkCreated(lead, outcome);
    return this.#conn.write(() => {
      const params = this.#names.leadParams(lead, outcome.leadId, outcome.bodyHash);
      this.#sql.markCreated.run({ ...params, state: 'created', createdRun: lead.runId });
    });
  }

  async markUpdated(
    lead: LeadInRun,
    outcome: { readonly bodyHash: string; readonly leadId?: string },
  ): Promise<void> {
    checkUpdated(lead, outcome);
    return this.#conn.write(() => {
      const params = this.#names.leadParams(lead, outcome.leadId ?? null, outcome.bodyHash);
      this.#sql.markUpdated.run({ ...params, state: 'updated', createdRun: null });
    });
  }

  async markSeen(lead: LeadInRun): Promise<void> {
    checkLeadInRun(lead);
    return this.#conn.write(() => {
      const { outboundId, key, sourceId, runId } = this.#names.leadParams(lead, null, null);
      this.#sql.markSeen.run({ outboundId, key, sourceId, runId });
    });
  }

  async cancelSending(outbound: string, key: string): Promise<void> {
    return this.#conn.write(() => {
      const outboundId = this.#outboundId(outbound);
      if (outboundId !== undefined) this.#sql.cancelSending.run(outboundId, key);
    });
  }

  async setState(outbound: string, keys: readonly string[], state: SettableState): Promise<number> {
    checkSettableState(state);
    return this.#conn.write(
      this.#conn.atomic(() => {
        const outboundId = this.#outboundId(outbound);
        if (outboundId === undefined) return 0;
        let changed = 0;
        for (const key of keys) changed += this.#sql.setState.run({ state, outboundId, key }).changes;
        return changed;
      }),
    );
  }

  async count(outbound: string): Promise<StateCounts> {
    await this.#conn.drain();
    return this.#conn.read(() => {
      const outboundId = this.#outboundId(outbound);
      return countsOf(outboundId === undefined ? [] : this.#sql.count.all(outboundId));
    });
  }

  listAbsent(outbound: string, source: string, runId: number): AsyncIterable<LedgerEntry> {
    return this.#entries((after) => {
      checkRunId(runId);
      const outboundId = this.#outboundId(outbound);
      const sourceId = this.#names.id('source', source, false);
      if (outboundId === undefined || sourceId === undefined) return [];
      const afterRun = after?.last_run ?? -1;
      const afterKey = after?.key ?? '';
      return this.#sql.absentPage.all({ outboundId, sourceId, runId, afterRun, afterKey });
    });
  }

  async countAbsent(outbound: string, source: string, runId: number): Promise<number> {
    checkRunId(runId);
    await this.#conn.drain();
    return this.#conn.read(() => {
      const outboundId = this.#outboundId(outbound);
      const sourceId = this.#names.id('source', source, false);
      if (outboundId === undefined || sourceId === undefined) return 0;
      return this.#sql.countAbsent.get(outboundId, sourceId, runId)?.n ?? 0;
    });
  }

  async recordPulled(outbound: string, leads: readonly PulledLead[]): Promise<PullResult> {
    checkPulled(outbound, leads);
    return this.#conn.write(
      this.#conn.atomic(() => recordSqlitePulled(this.#sql, this.#names, outbound, leads)),
    );
  }

  createdBy(runId: number): AsyncIterable<LedgerEntry> {
    return this.#entries((after) => {
      checkRunId(runId);
      return this.#sql.createdByPage.all(runId, after?.outbound_id ?? -1, after?.key ?? '');
    });
  }

  exportEntries(outbound: string): AsyncIterable<LedgerEntry> {
    return this.#entries((after) => {
      const outboundId = this.#outboundId(outbound);
      return outboundId === undefined ? [] : this.#sql.exportPage.all(outboundId, after?.key ?? '');
    });
  }

  async forget(outbound: string): Promise<number> {
    return this.#conn.write(() => {
      const outboundId = this.#outboundId(outbound);
      return outboundId === undefined ? 0 : this.#sql.forget.run(outboundId).changes;
    });
  }

  async startRun(run: RunStart): Promise<number> {
    checkText('outbound', run.outbound);
    const startedAt = (run.startedAt ?? this.#now()).toISOString();
    const { command, outbound, source, inputPath, inputSize, resultsPath } = run;
    return this.#conn.write(() => {
      const info = this.#sql.startRun.run(
        command,
        outbound,
        source ?? null,
        inputPath ?? null,
        inputSize ?? null,
        resultsPath ?? null,
        startedAt,
      );
      return Number(info.lastInsertRowid);
    });
  }

  async finishRun(id: number, end: RunEnd): Promise<void> {
    checkRunId(id);
    const endedAt = (end.endedAt ?? this.#now()).toISOString();
    return this.#conn.write(() => {
      const info = this.#sql.finishRun.run(endedAt, JSON.stringify(end.counts), end.exitStatus, id);
      if (info.changes === 0) throw unknownRunError(this.location, id);
    });
  }

  async getRun(id: number): Promise<RunRecord | undefined> {
    await this.#conn.drain();
    return this.#conn.read(() => {
      const row = this.#sql.getRun.get(id);
      return row === undefined ? undefined : runRecord(row);
    });
  }

  async listRuns(filter: { readonly outbound?: string; readonly limit?: number } = {}): Promise<RunRecord[]> {
    await this.#conn.drain();
    const { outbound, limit = 20 } = filter;
    return this.#conn.read(() =>
      (outbound === undefined
        ? this.#sql.listRuns.all(limit)
        : this.#sql.listRunsOf.all(outbound, limit)
      ).map(runRecord),
    );
  }

  async acquireLock(outbound: string, holder: LockHolder): Promise<LedgerLock> {
    checkText('outbound', outbound);
    return this.#locks.acquire(outbound, holder);
  }

  async describe(): Promise<LedgerDescription> {
    await this.#conn.drain();
    return this.#conn.read(() =>
      describeSqlite(this.#sql, this.location, this.#schemaVersion, this.#locks.list()),
    );
  }

  async importRuns(runs: readonly RunRecord[]): Promise<number[]> {
    return this.#conn.write(this.#conn.atomic(() => importSqliteRuns(this.#sql, runs)));
  }

  async importEntries(entries: readonly LedgerEntry[]): Promise<number> {
    return this.#conn.write(this.#conn.atomic(() => importSqliteEntries(this.#sql, this.#names, entries)));
  }

  async close(): Promise<void> {
    await this.#locks.releaseAll();
    await this.#conn.close();
  }

  #entries(fetch: (after: EntryRow | undefined) => EntryRow[]): AsyncIterable<LedgerEntry> {
    const rows = this.#conn.pages(fetch, this.#sql.pageSize);
    const names = this.#names;
    return (async function* () {
      for await (const row of rows) yield names.entry(row);
    })();
  }

  #outboundId(outbound: string): number | undefined {
    return this.#names.id('outbound', outbound, false);
  }
}
