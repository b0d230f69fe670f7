import type Database from 'better-sqlite3';
import type { EntryColumns, RunColumns } from './row-records.js';
import type { EntryState, KeyKind, RunCommand } from './types.js';

/** An `entries` row as SQLite returns it: outbound and source by id. */
export interface EntryRow extends EntryColumns {
  outbound_id: number;
  source_id: number | null;
}

/** A `runs` row as SQLite returns it: times as ISO text, counts as JSON text. */
export interface RunRow extends RunColumns {
  input_size: number | null;
  started_at: string;
  ended_at: string | null;
  counts: string | null;
}

export interface LockRow {
  outbound: string;
  token: string;
  pid: number;
  host: string;
  started_at: string;
  heartbeat_at: string;
}

/** The values a per-row write binds. */
export interface LeadParams {
  outboundId: number;
  key: string;
  keyKind: KeyKind;
  phone: string;
  sourceId: number;
  runId: number;
  leadId: string | null;
  bodyHash: string | null;
}

/** The part of better-sqlite3's statement the ledger uses (its own type cannot be named in declarations). */
export interface Statement<P extends unknown[], R> {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

const ENTRY = `outbound_id, key, key_kind, phone, lead_id, body_hash, state, source_id, created_run, first_run, last_run`;
const INSERT = `INSERT INTO entries (${ENTRY}) VALUES
  (@outboundId, @key, @keyKind, @phone, @leadId, @bodyHash, @state, @sourceId, @createdRun, @runId, @runId)`;
/** Every write of a row seen in a run: who it is, which source fed it last, and when. */
const SEEN = `key_kind = excluded.key_kind, phone = excluded.phone, source_id = excluded.source_id,
  first_run = coalesce(entries.first_run, excluded.first_run), last_run = excluded.last_run`;
const PAGE = 500;

/** Every statement the SQLite ledger runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[], R = unknown>(sql: string): Statement<P, R> => db.prepare<P, R>(sql);
  return {
    pageSize: PAGE,
    outboundId: prepare<[string], { id: number }>('SELECT id FROM outbounds WHERE name = ?'),
    outboundName: prepare<[number], { name: string }>('SELECT name FROM outbounds WHERE id = ?'),
    outbounds: prepare<[], { id: number; name: string }>('SELECT id, name FROM outbounds ORDER BY name'),
    addOutbound: prepare<[string]>('INSERT OR IGNORE INTO outbounds (name) VALUES (?)'),
    sourceId: prepare<[string], { id: number }>('SELECT id FROM sources WHERE name = ?'),
    sourceName: prepare<[number], { name: string }>('SELECT name FROM sources WHERE id = ?'),
    addSource: prepare<[string]>('INSERT OR IGNORE INTO sources (name) VALUES (?)'),

    get: prepare<[number, string], EntryRow>(
      `SELECT ${ENTRY} FROM entries WHERE outbound_id = ? AND key = ?`,
    ),
    markSending: prepare<[LeadParams & { state: EntryState; createdRun: number }]>(
      // A lead belongs to the run that first set out to add it: a run that finishes a crashed run's add keeps
      // that run's (undo takes back what a run set out to add); a removed lead added again is the new run's.
      `${INSERT} ON CONFLICT (outbound_id, key) DO UPDATE SET state = 'sending', lead_id = NULL, body_hash = NULL,
         created_run = CASE WHEN entries.state = 'removed' THEN excluded.created_run
                            ELSE coalesce(entries.created_run, excluded.created_run) END, ${SEEN}`,
    ),
    markCreated: prepare<[LeadParams & { state: EntryState; createdRun: number }]>(
      `${INSERT} ON CONFLICT (outbound_id, key) DO UPDATE SET state = 'created', lead_id = excluded.lead_id,
         body_hash = excluded.body_hash, created_run = coalesce(entries.created_run, excluded.created_run), ${SEEN}`,
    ),
    markUpdated: prepare<[LeadParams & { state: EntryState; createdRun: null }]>(
      `${INSERT} ON CONFLICT (outbound_id, key) DO UPDATE SET state = 'updated',
         lead_id = coalesce(excluded.lead_id, entries.lead_id), body_hash = excluded.body_hash, ${SEEN}`,
    ),
    markSeen: prepare<[{ outboundId: number; key: string; sourceId: number; runId: number }]>(
      `UPDATE entries SET source_id = @sourceId, first_run = coalesce(first_run, @runId), last_run = @runId
       WHERE outbound_id = @outboundId AND key = @key`,
    ),
    cancelSending: prepare<[number, string]>(
      `DELETE FROM entries WHERE outbound_id = ? AND key = ? AND state = 'sending'`,
    ),
    setState: prepare<[{ state: EntryState; outboundId: number; key: string }]>(
      'UPDATE entries SET state = @state WHERE outbound_id = @outboundId AND key = @key AND state <> @state',
    ),
    addPulled: prepare<[number, string, KeyKind, string, string]>(
      `INSERT INTO entries (outbound_id, key, key_kind, phone, lead_id, state) VALUES (?, ?, ?, ?, ?, 'pulled')`,
    ),
    fillLeadId: prepare<[string, number, string]>(
      'UPDATE entries SET lead_id = ? WHERE outbound_id = ? AND key = ? AND lead_id IS NULL',
    ),
    restoreRemoved: prepare<[number, string]>(
      `UPDATE entries SET state = 'created' WHERE outbound_id = ? AND key = ? AND state = 'removed'`,
    ),
    replaceRemoved: prepare<[string, number, string]>(
      `UPDATE entries SET state = 'pulled', lead_id = ?, body_hash = NULL, created_run = NULL
       WHERE outbound_id = ? AND key = ? AND state = 'removed'`,
    ),
    count: prepare<[number], { state: EntryState; n: number }>(
      'SELECT state, count(*) AS n FROM entries WHERE outbound_id = ? GROUP BY state',
    ),
    countAll: prepare<[], { outbound_id: number; state: EntryState; n: number }>(
      'SELECT outbound_id, state, count(*) AS n FROM entries GROUP BY outbound_id, state',
    ),
    absentPage: prepare<
      [{ outboundId: number; sourceId: number; runId: number; afterRun: number; afterKey: string }],
      EntryRow
    >(
      `SELECT ${ENTRY} FROM entries
       WHERE outbound_id = @outboundId AND source_id = @sourceId AND created_run IS NOT NULL
         AND last_run < @runId AND state IN ('created', 'updated') AND (last_run, key) > (@afterRun, @afterKey)
       ORDER BY last_run, key LIMIT ${PAGE}`,
    ),
    countAbsent: prepare<[number, number, number], { n: number }>(
      `SELECT count(*) AS n FROM entries
       WHERE outbound_id = ? AND source_id = ? AND created_run IS NOT NULL AND last_run < ?
         AND state IN ('created', 'updated')`,
    ),
    createdByPage: prepare<[number, number, string], EntryRow>(
      `SELECT ${ENTRY} FROM entries WHERE created_run = ? AND (outbound_id, key) > (?, ?)
       ORDER BY outbound_id, key LIMIT ${PAGE}`,
    ),
    exportPage: prepare<[number, string], EntryRow>(
      `SELECT ${ENTRY} FROM entries WHERE outbound_id = ? AND key > ? ORDER BY key LIMIT ${PAGE}`,
    ),
    forget: prepare<[number]>('DELETE FROM entries WHERE outbound_id = ?'),
    importEntry: prepare<[EntryRow]>(
      `INSERT INTO entries (${ENTRY}) VALUES (@outbound_id, @key, @key_kind, @phone, @lead_id, @body_hash, @state,
         @source_id, @created_run, @first_run, @last_run) ON CONFLICT (outbound_id, key) DO NOTHING`,
    ),

    startRun: prepare<
      [RunCommand, string, string | null, string | null, number | null, string | null, string]
    >(
      `INSERT INTO runs (command, outbound, source, input_path, input_size, results_path, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    finishRun: prepare<[string, string, number, number]>(
      'UPDATE runs SET ended_at = ?, counts = ?, exit_status = ? WHERE id = ?',
    ),
    importRun: prepare<[Omit<RunRow, 'id'>]>(
      `INSERT INTO runs (command, outbound, source, input_path, input_size, results_path, started_at, ended_at,
         counts, exit_status)
       VALUES (@command, @outbound, @source, @input_path, @input_size, @results_path, @started_at, @ended_at,
         @counts, @exit_status)`,
    ),
    findRun: prepare<[string, string, string], { id: number | null }>(
      'SELECT min(id) AS id FROM runs WHERE outbound = ? AND command = ? AND started_at = ?',
    ),
    getRun: prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?'),
    listRuns: prepare<[number], RunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT ?'),
    listRunsOf: prepare<[string, number], RunRow>(
      'SELECT * FROM runs WHERE outbound = ? ORDER BY id DESC LIMIT ?',
    ),

    getLock: prepare<[string], LockRow>('SELECT * FROM locks WHERE outbound = ?'),
    locks: prepare<[], LockRow>('SELECT * FROM locks ORDER BY outbound'),
    putLock: prepare<[LockRow]>(
      `INSERT OR REPLACE INTO locks (outbound, token, pid, host, started_at, heartbeat_at)
       VALUES (@outbound, @token, @pid, @host, @started_at, @heartbeat_at)`,
    ),
    heartbeat: prepare<[string, string, string]>(
      'UPDATE locks SET heartbeat_at = ? WHERE outbound = ? AND token = ?',
    ),
    releaseLock: prepare<[string, string]>('DELETE FROM locks WHERE outbound = ? AND token = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
