import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LedgerError } from './errors.js';
import { ledgerErrorFrom } from './sqlite-errors.js';
import { checkLedgerFile, migrate } from './sqlite-schema.js';

/** How long a write waits for another connection's transaction before the ledger is reported busy. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating when missing) a ledger file, ready for use: schema current, WAL, checked writable.
 *
 * The file holds every lead's phone number, so a new one is created readable by its owner only (0600; SQLite
 * gives its -wal and -shm files the same mode) in a folder made 0700 when it has to be created. An existing
 * file or folder keeps the mode its owner gave it.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is in the OS's hands when it returns, so it survives the
 * process crashing or being killed (`kill -9`): that is what the tool promises, as its results journal does.
 * A power cut or a kernel crash may lose the last commits (WAL is synced at checkpoints, not at each commit);
 * synchronous=FULL would close that at the cost of an fsync per batch.
 */
export function openSqliteFile(file: string): { db: Database.Database; schemaVersion: number } {
  createFile(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    checkLedgerFile(db, file);
    const journal = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (journal !== 'wal') {
      // SQLite keeps its old journal where WAL cannot work (no shared memory, as on some network file systems).
      throw new LedgerError(
        `the ledger ${file} cannot use SQLite's WAL journal on its file system (it got "${journal}"): put it on a ` +
          `local disk, or point --ledger (or NLPEARL_LEDGER) at another file`,
        'LEDGER_UNAVAILABLE',
      );
    }
    db.pragma('synchronous = NORMAL');
    const schemaVersion = migrate(db, file);
    return { db, schemaVersion };
  } catch (error) {
    db?.close();
    throw ledgerErrorFrom(error, file);
  }
}

function createFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw ledgerErrorFrom(error, file);
  }
  try {
    // An empty file is an empty SQLite database; creating it here is what fixes its mode.
    fs.closeSync(
      fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ledgerErrorFrom(error, file);
  }
}
