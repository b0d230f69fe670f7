import type Database from 'better-sqlite3';
import { LedgerError } from './errors.js';
import { latestVersion, refuseNewer, type Migration } from './schema-migrations.js';

/**
 * The SQLite ledger's schema, as a list of migrations. `PRAGMA user_version` holds the version a file is at;
 * `PRAGMA application_id` marks the file as a ledger, so that `--ledger` pointed at another program's database
 * is refused instead of filled with our tables. docs/ledger.md describes every table and column: keep it in
 * step. A migration is never edited once released: a change is a new migration at the end.
 */

/** "NLld" in ASCII. */
export const APPLICATION_ID = 0x4e4c6c64;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'outbounds, sources, runs, entries, locks, and the leads view',
    sql: `
      CREATE TABLE outbounds (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );
      CREATE TABLE sources (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        command     TEXT NOT NULL CHECK (command IN ('import', 'retry', 'undo', 'pull')),
        outbound    TEXT NOT NULL,
        source      TEXT,
        input_path  TEXT,
        input_size  INTEGER,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        counts      TEXT,
        exit_status INTEGER
      );
      CREATE INDEX runs_by_outbound ON runs (outbound, id);
      CREATE TABLE entries (
        outbound_id INTEGER NOT NULL,
        key         TEXT NOT NULL,
        key_kind    TEXT NOT NULL CHECK (key_kind IN ('externalId', 'phone')),
        phone       TEXT NOT NULL,
        lead_id     TEXT,
        body_hash   TEXT,
        state       TEXT NOT NULL
                    CHECK (state IN ('sending', 'created', 'updated', 'completed', 'removing', 'removed', 'pulled')),
        source_id   INTEGER,
        created_run INTEGER,
        first_run   INTEGER,
        last_run    INTEGER,
        PRIMARY KEY (outbound_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX entries_by_created_run ON entries (created_run) WHERE created_run IS NOT NULL;
      CREATE INDEX entries_by_source ON entries (outbound_id, source_id, last_run) WHERE created_run IS NOT NULL;
      CREATE TABLE locks (
        outbound     TEXT PRIMARY KEY,
        token        TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );
      CREATE VIEW leads AS
        SELECT o.name AS outbound, e.key, e.key_kind, e.phone, e.lead_id, e.state, s.name AS source,
               e.created_run, e.first_run, e.last_run, e.body_hash
        FROM entries e
        JOIN outbounds o ON o.id = e.outbound_id
        LEFT JOIN sources s ON s.id = e.source_id;
    `,
  },
  {
    version: 2,
    description: 'runs.results_path: the results file a run wrote, for undo',
    sql: `ALTER TABLE runs ADD COLUMN results_path TEXT;`,
  },
];

export const SCHEMA_VERSION = latestVersion(MIGRATIONS);

/**
 * Refuses, before anything is written to it, a database of another program (tables but not our application
 * id) and a ledger of a newer nlpearl-leads. Reads only: the file is left exactly as it was.
 */
export function checkLedgerFile(db: Database.Database, file: string, migrations = MIGRATIONS): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables.n > 0)) {
    throw new LedgerError(
      `${file} is a database of another program, not an nlpearl-leads ledger: it was left as it is. ` +
        `Point --ledger (or NLPEARL_LEDGER) at another file.`,
      'LEDGER_NOT_LEDGER',
    );
  }
  refuseNewer(db.pragma('user_version', { simple: true }) as number, latestVersion(migrations), file, 'file');
}

/**
 * Brings the file to the newest version this code knows, one transaction per migration. Each transaction
 * takes the write lock first and reads the version again, so two processes opening a new file at once apply
 * each migration once. Ends with a write (the version, unchanged), so a file that can be read but not written
 * is found now, before anything is sent, and not at the first row.
 * @returns the version the file is at.
 */
export function migrate(db: Database.Database, file: string, migrations = MIGRATIONS): number {
  checkLedgerFile(db, file, migrations);
  const latest = latestVersion(migrations);
  const version = () => db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    db.transaction(() => {
      const current = version();
      refuseNewer(current, latest, file, 'file');
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
  const final = version();
  db.pragma(`user_version = ${final}`);
  return final;
}
