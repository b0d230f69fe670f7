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
import { PgConnection } from './postgres-connection.js';
import { ledgerErrorFromPg } from './postgres-errors.js';
import { importPgEntries, importPgRuns } from './postgres-import.js';
import { PgLocks } from './postgres-lock.js';
import { describePg } from './postgres-describe.js';
import { createLookups } from './postgres-lookups.js';
import { recordPgPulled } from './postgres-pulled.js';
import { ENTRIES, ENTRY_COLUMNS, entryOf, runOf, type PgEntryRow, type PgRunRow } from './postgres-rows.js';
import { migratePg } from './postgres-schema.js';
import type { PgWrite, Tx } from './postgres-writes.js';
import { countsOf } from './row-records.js';
import type {
  EntryState,
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

/**
 * Opens the PostgreSQL ledger at `url` (`display`: the URL without its password, for every message): checks
 * that the server answers, and creates or migrates the schema, before anything is sent.
 */
export async function openPostgresLedger(
  url: string,
  display: string,
  options: LedgerOptions,
): Promise<Ledger> {
  const conn = new PgConnection(url, display);
  try {
    const schemaVersion = await conn.withClient((client) => migratePg(client, display));
    return new PostgresLedger(conn, schemaVersion, options);
  } catch (error) {
    await conn.close();
    throw ledgerErrorFromPg(error, display);
  }
}

const PAGE = 500;
/** The ledger in a PostgreSQL schema of its own; the tables are in postgres-schema.ts and docs/ledger.md. */
class PostgresLedger implements Ledger {
  readonly location: string;
  readonly #conn: PgConnection;
  readonly #schemaVersion: number;
  readonly #now: () => Date;
  readonly #locks: PgLocks;
  readonly #lookUp: ReturnType<typeof createLookups>;

  constructor(conn: PgConnection, schemaVersion: number, options: LedgerOptions) {
    this.location = conn.location;
    this.#conn = conn;
    this.#schemaVersion = schemaVersion;
    this.#now = options.now ?? (() => new Date());
    this.#lookUp = createLookups(conn);
    this.#locks = new PgLocks({
      location: conn.location,
      outboundId: (outbound) => this.#tx((tx) => tx.id('outbounds', outbound)),
      connect: () => conn.dedicatedClient(),
      now: this.#now,
      options,
    });
  }

  async get(outbound: string, key: string): Promise<LedgerEntry | undefined> {
    if (this.#closed()) throw this.#conn.closedError();
    return this.#lookUp({ outbound, key });
  }

  async markSending(lead: LeadInRun): Promise<void> {
    checkLeadInRun(lead);
    return this.#write({ kind: 'sending', lead });
  }

  async markCreated(
    lead: LeadInRun,
    outcome: { readonly leadId: string; readonly bodyHash: string },
  ): Promise<void> {
    checkCreated(lead, outcome);
    return this.#write({ kind: 'created', lead, ...outcome });
  }

  async markUpdated(
    lead: LeadInRun,
    outcome: { readonly bodyHash: string; readonly leadId?: string },
  ): Promise<void> {
    checkUpdated(lead, outcome);
    return this.#write({ kind: 'updated', lead, leadId: outcome.leadId ?? null, bodyHash: outcome.bodyHash });
  }

  async markSeen(lead: LeadInRun): Promise<void> {
    checkLeadInRun(lead);
    return this.#write({ kind: 'seen', lead });
  }

  async cancelSending(outbound: string, key: string): Promise<void> {
    return this.#write({ kind: 'cancel', outbound, key });
  }

  async setState(outbound: string, keys: readonly string[], state: SettableState): Promise<number> {
    checkSettableState(state);
    return this.#tx(async (tx) => {
      const changed = await tx.query(
        `UPDATE entries e SET state = $1 FROM outbounds o
         WHERE o.name = $2 AND e.outbound_id = o.id AND e.key = ANY($3::text[]) AND e.state <> $1`,
        [state, outbound, [...keys]],
      );
      return changed.rowCount ?? 0;
    });
  }

  async count(outbound: string): Promise<StateCounts> {
    await this.#conn.drain();
    const rows = await this.#conn.query<{ state: EntryState; n: number }>(
      `SELECT e.state, count(*)::int AS n FROM entries e JOIN outbounds o ON o.id = e.outbound_id
       WHERE o.name = $1 GROUP BY e.state`,
      [outbound],
    );
    return countsOf(rows);
  }

  listAbsent(outbound: string, source: string, runId: number): AsyncIterable<LedgerEntry> {
    return this.#entries((after) => {
      checkRunId(runId);
      return this.#conn.query<PgEntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRIES}
         WHERE o.name = $1 AND s.name = $2 AND e.created_run IS NOT NULL AND e.last_run < $3
           AND e.state IN ('created', 'updated') AND (e.last_run, e.key) > ($4, $5)
         ORDER BY e.last_run, e.key LIMIT ${PAGE}`,
        [outbound, source, runId, after?.last_run ?? -1, after?.key ?? ''],
      );
    });
  }

  async countAbsent(outbound: string, source: string, runId: number): Promise<number> {
    checkRunId(runId);
    await this.#conn.drain();
    const rows = await this.#conn.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ENTRIES}
       WHERE o.name = $1 AND s.name = $2 AND e.created_run IS NOT NULL AND e.last_run < $3
         AND e.state IN ('created', 'updated')`,
      [outbound, source, runId],
    );
    return rows[0]?.n ?? 0;
  }

  async recordPulled(outbound: string, leads: readonly PulledLead[]): Promise<PullResult> {
    checkPulled(outbound, leads);
    return this.#tx((tx) => recordPgPulled(tx, outbound, leads));
  }

  createdBy(runId: number): AsyncIterable<LedgerEntry> {
    return this.#entries((after) => {
      checkRunId(runId);
      return this.#conn.query<PgEntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRIES} WHERE e.created_run = $1 AND (e.outbound_id, e.key) > ($2, $3)
         ORDER BY e.outbound_id, e.key LIMIT ${PAGE}`,
        [runId, after?.outbound_id ?? -1, after?.key ?? ''],
      );
    });
  }

  exportEntries(outbound: string): AsyncIterable<LedgerEntry> {
    return this.#entries((after) =>
      this.#conn.query<PgEntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRIES} WHERE o.name = $1 AND e.key > $2 ORDER BY e.key LIMIT ${PAGE}`,
        [outbound, after?.key ?? ''],
      ),
    );
  }

  async forget(outbound: string): Promise<number> {
    return this.#tx(async (tx) => {
      const forgotten = await tx.query(
        'DELETE FROM entries e USING outbounds o WHERE o.name = $1 AND e.outbound_id = o.id',
        [outbound],
      );
      return forgotten.rowCount ?? 0;
    });
  }

  async startRun(run: RunStart): Promise<number> {
    checkText('outbound', run.outbound);
    const startedAt = run.startedAt ?? this.#now();
    const { command, outbound, source, inputPath, inputSize, resultsPath } = run;
    return this.#tx(async (tx) => {
      const started = await tx.query<{ id: number }>(
        `INSERT INTO runs (command, outbound, source, input_path, input_size, results_path, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          command,
          outbound,
          source ?? null,
          inputPath ?? null,
          inputSize ?? null,
          resultsPath ?? null,
          startedAt,
        ],
      );
      const id = started.rows[0]?.id;
      if (id === undefined) throw new Error(`the ledger ${this.location} gave the new run no id`);
      return id;
    });
  }

  async finishRun(id: number, end: RunEnd): Promise<void> {
    checkRunId(id);
    const endedAt = end.endedAt ?? this.#now();
    return this.#tx(async (tx) => {
      const finished = await tx.query(
        'UPDATE runs SET ended_at = $1, counts = $2, exit_status = $3 WHERE id = $4',
        [endedAt, JSON.stringify(end.counts), end.exitStatus, id],
      );
      if (finished.rowCount === 0) throw unknownRunError(this.location, id);
    });
  }

  async getRun(id: number): Promise<RunRecord | undefined> {
    await this.#conn.drain();
    const rows = await this.#conn.query<PgRunRow>('SELECT * FROM runs WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : runOf(rows[0]);
  }

  async listRuns(filter: { readonly outbound?: string; readonly limit?: number } = {}): Promise<RunRecord[]> {
    await this.#conn.drain();
    const { outbound, limit = 20 } = filter;
    const rows = await this.#conn.query<PgRunRow>(
      'SELECT * FROM runs WHERE $1::text IS NULL OR outbound = $1 ORDER BY id DESC LIMIT $2',
      [outbound ?? null, limit],
    );
    return rows.map(runOf);
  }

  async acquireLock(outbound: string, holder: LockHolder): Promise<LedgerLock> {
    checkText('outbound', outbound);
    if (this.#closed()) throw this.#conn.closedError();
    return this.#locks.acquire(outbound, holder);
  }

  async describe(): Promise<LedgerDescription> {
    await this.#conn.drain();
    return describePg(this.#conn, this.#schemaVersion);
  }

  async importRuns(runs: readonly RunRecord[]): Promise<number[]> {
    return this.#tx((tx) => importPgRuns(tx, runs));
  }

  async importEntries(entries: readonly LedgerEntry[]): Promise<number> {
    return this.#tx((tx) => importPgEntries(tx, entries));
  }

  async close(): Promise<void> {
    await this.#locks.releaseAll();
    await this.#conn.close();
  }

  #closed(): boolean {
    return this.#conn.isClosed;
  }

  #write(write: PgWrite): Promise<void> {
    return this.#conn.write<void>(write);
  }

  #tx<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#conn.write<T>({ kind: 'tx', run });
  }

  #entries(fetch: (after: PgEntryRow | undefined) => Promise<PgEntryRow[]>): AsyncIterable<LedgerEntry> {
    const rows = this.#conn.pages(fetch, PAGE);
    return (async function* () {
      for await (const row of rows) yield entryOf(row);
    })();
  }
}
