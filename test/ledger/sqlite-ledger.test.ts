import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resolveLedgerLocation, type LedgerLocation } from '../../src/ledger/location.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../../src/ledger/sqlite-schema.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { describeLedger, leadInRun, startImport } from './ledger-suite.js';

const tempDir = useTempDir();

function sqliteAt(file: string): LedgerLocation {
  const result = resolveLedgerLocation({ flag: file, env: {} });
  if (!result.ok) throw new Error(result.issue);
  return result.location;
}

/**
 * Commits in a WAL file since it was last reset: frames of the current salt whose header holds the database
 * size, which only the last frame of a commit does (https://sqlite.org/fileformat.html#the_write_ahead_log).
 */
function commitsInWal(walFile: string): number {
  const wal = fs.readFileSync(walFile);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salts = wal.subarray(16, 24);
  let commits = 0;
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    if (!wal.subarray(offset + 8, offset + 16).equals(salts)) break;
    if (wal.readUInt32BE(offset + 4) !== 0) commits++;
  }
  return commits;
}

const open = (file: string) => openLedger(sqliteAt(file), { warn: () => {} });

describeLedger('sqlite', () => sqliteAt(path.join(tempDir(), 'state', 'ledger.sqlite')));

describe('ledger: the SQLite file', () => {
  it('is created readable by its owner only, in a folder made 0700, and its WAL file too', async () => {
    const folder = path.join(tempDir(), 'new', 'nlpearl-leads');
    const file = path.join(folder, 'ledger.sqlite');
    const ledger = await open(file);
    await ledger.markSending(leadInRun('a', await startImport(ledger)));
    const mode = (target: string) => fs.statSync(target).mode & 0o777;
    expect(mode(folder)).toBe(0o700);
    expect(mode(path.dirname(folder))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    await ledger.close();
  });

  it('leaves an existing folder with the mode its owner gave it', async () => {
    const folder = path.join(tempDir(), 'shared');
    fs.mkdirSync(folder, { mode: 0o755 });
    fs.chmodSync(folder, 0o755);
    await (await open(path.join(folder, 'ledger.sqlite'))).close();
    expect(fs.statSync(folder).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(folder, 'ledger.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('is in WAL mode at the schema version this code knows, readable with the sqlite3 command', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    const ledger = await open(file);
    const runId = await startImport(ledger);
    await ledger.markCreated(leadInRun('crm-1', runId), { leadId: 'lead-1', bodyHash: 'h' });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(
        db.prepare('SELECT outbound, key, state, lead_id, source, created_run FROM leads').all(),
      ).toEqual([
        {
          outbound: 'outbound-1',
          key: 'crm-1',
          state: 'created',
          lead_id: 'lead-1',
          source: '/data/leads.csv',
          created_run: runId,
        },
      ]);
    } finally {
      db.close();
    }
    await ledger.close();
  });

  it('commits the 32 writes of one turn in one transaction, not 32', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    const ledger = await open(file);
    const runId = await startImport(ledger);
    const reader = await open(file);
    const keys = (prefix: string) => Array.from({ length: 32 }, (_, index) => `${prefix}-${index}`);

    let before = commitsInWal(`${file}-wal`);
    const turn = Promise.all(keys('together').map((key) => ledger.markSending(leadInRun(key, runId))));
    expect(await reader.get('outbound-1', 'together-0')).toBeUndefined();
    await turn;
    expect(commitsInWal(`${file}-wal`) - before).toBe(1);

    before = commitsInWal(`${file}-wal`);
    for (const key of keys('apart')) await ledger.markSending(leadInRun(key, runId));
    expect(commitsInWal(`${file}-wal`) - before).toBe(32);
    await Promise.all([ledger.close(), reader.close()]);
  });

  it('brings a version 1 ledger to the newest version, keeping its runs (their results path unknown)', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    const { migrate } = await import('../../src/ledger/sqlite-schema.js');
    const db = new Database(file);
    try {
      expect(migrate(db, file, MIGRATIONS.slice(0, 1))).toBe(1);
      db.prepare(
        `INSERT INTO runs (command, outbound, started_at) VALUES ('import', 'o1', '2026-11-30T02:00:00.000Z')`,
      ).run();
    } finally {
      db.close();
    }
    const ledger = await open(file);
    try {
      expect(await ledger.getRun(1)).toMatchObject({ id: 1, outbound: 'o1', resultsPath: undefined });
      const id = await ledger.startRun({ command: 'import', outbound: 'o1', resultsPath: '/r.csv' });
      expect((await ledger.getRun(id))?.resultsPath).toBe('/r.csv');
      expect((await ledger.describe()).schemaVersion).toBe(SCHEMA_VERSION);
    } finally {
      await ledger.close();
    }
  });

  it('applies the migrations once, and each one only once, however often it is opened', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    await (await open(file)).close();
    const extra = { version: SCHEMA_VERSION + 1, description: 'test', sql: 'CREATE TABLE extra (x);' };
    const { migrate } = await import('../../src/ledger/sqlite-schema.js');
    const db = new Database(file);
    try {
      expect(migrate(db, file, [...MIGRATIONS, extra])).toBe(SCHEMA_VERSION + 1);
      expect(migrate(db, file, [...MIGRATIONS, extra])).toBe(SCHEMA_VERSION + 1);
      const tables = db
        .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'extra'`)
        .all();
      expect(tables).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('answers every example query of docs/ledger.md, each with rows, and has the documented application id', async () => {
    const docs = fs.readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
    const queries = [...docs.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(docs).toContain(`\`PRAGMA application_id\` is ${APPLICATION_ID}`);

    const file = path.join(tempDir(), 'ledger.sqlite');
    const ledger = await open(file);
    const outbound = '66a1f0c2e4b0a1b2c3d4e5f6';
    const night = (runId: number, key: string, phone: string) =>
      leadInRun(key, runId, { outbound, phone, source: '/data/leads.csv' });
    const night1 = await startImport(ledger, outbound, '/data/leads.csv');
    await ledger.markCreated(night(night1, 'crm-1', '+12125550100'), { leadId: 'lead-1', bodyHash: 'h' });
    await ledger.markCreated(night(night1, 'crm-2', '+12125550101'), { leadId: 'lead-2', bodyHash: 'h' });
    await ledger.finishRun(night1, { counts: { created: 2 }, exitStatus: 0 });
    const night2 = await startImport(ledger, outbound, '/data/leads.csv');
    await ledger.markSeen(night(night2, 'crm-1', '+12125550100'));
    await ledger.markSending(night(night2, 'crm-3', '+12125550102'));
    await ledger.acquireLock(outbound, { pid: process.pid, host: 'this-host', startedAt: new Date() });
    const db = new Database(file, { readonly: true });
    try {
      for (const query of queries) expect(db.prepare(query).all(), query).not.toEqual([]);
    } finally {
      db.close();
      await ledger.close();
    }
  });
});
