import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/ledger/errors.js';
import { resolveLedgerLocation, type LedgerLocation } from '../../src/ledger/location.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ledgerErrorFrom } from '../../src/ledger/sqlite-errors.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { assertLedgerBuilt, letOthersReachCheckout, OPEN_CHILD } from './built-ledger.js';

const tempDir = useTempDir();
const NOBODY = 65_534;
const isRoot = process.getuid?.() === 0;

function location(flag: string): LedgerLocation {
  const result = resolveLedgerLocation({ flag, env: {} });
  if (!result.ok) throw new Error(result.issue);
  return result.location;
}

/** Opens the ledger and writes one lead; resolves to the LedgerError met, if any. */
async function attempt(file: string): Promise<LedgerError | undefined> {
  try {
    const ledger = await openLedger(location(file), { warn: () => {} });
    const runId = await ledger.startRun({ command: 'import', outbound: 'o', source: 's' });
    await ledger.markSending({ outbound: 'o', key: 'k', keyKind: 'phone', phone: 'k', source: 's', runId });
    await ledger.close();
    return undefined;
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
}

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
}

/**
 * `attempt` as a user without the right to write: `restrict` takes it away. Root may write whatever the modes
 * say, so as root the attempt runs in a child process as `nobody`, on files given to it first.
 */
async function attemptRestricted(file: string, restrict: () => void): Promise<Outcome> {
  if (!isRoot) {
    restrict();
    const error = await attempt(file);
    return error === undefined ? { ok: true } : { ok: false, code: error.code, message: error.message };
  }
  assertLedgerBuilt();
  fs.chownSync(tempDir(), NOBODY, NOBODY);
  for (const entry of fs.readdirSync(tempDir(), { recursive: true, encoding: 'utf8' })) {
    fs.chownSync(path.join(tempDir(), entry), NOBODY, NOBODY);
  }
  restrict();
  // nobody loads dist/ and node_modules/ from the checkout, which may sit in a folder only root may enter.
  const restore = letOthersReachCheckout();
  let child: SpawnSyncReturns<string>;
  try {
    child = spawnSync(process.execPath, [OPEN_CHILD, JSON.stringify(location(file))], {
      uid: NOBODY,
      gid: NOBODY,
      encoding: 'utf8',
    });
  } finally {
    restore();
  }
  if (child.status !== 0 || child.stdout === '') {
    throw new Error(
      `the ledger could not be opened as nobody (exit ${String(child.status)}): ${child.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return JSON.parse(child.stdout) as Outcome;
}

describe('ledger: a SQLite file that cannot serve', () => {
  it('a file that is not a database: LEDGER_CORRUPT, naming the file and what to do; the file is left alone', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    const garbage = Buffer.from('these are not the bytes of a SQLite database\n'.repeat(200));
    fs.writeFileSync(file, garbage);
    const error = await attempt(file);
    expect(error?.code).toBe('LEDGER_CORRUPT');
    expect(error?.message).toBe(
      `the ledger ${file} is damaged or not a database (file is not a database). Move it aside (mv "${file}" ` +
        `"${file}.broken"): the next run then pulls the campaign's leads again, so none is added twice; or point ` +
        `--ledger (or NLPEARL_LEDGER) at another file.`,
    );
    expect(fs.readFileSync(file)).toEqual(garbage);
  });

  it("another program's database: LEDGER_NOT_LEDGER, and none of our tables is added to it", async () => {
    const file = path.join(tempDir(), 'app.db');
    const db = new Database(file);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const error = await attempt(file);
    expect(error?.code).toBe('LEDGER_NOT_LEDGER');
    expect(error?.message).toBe(
      `${file} is a database of another program, not an nlpearl-leads ledger: it was left as it is. Point ` +
        `--ledger (or NLPEARL_LEDGER) at another file.`,
    );
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all()).toEqual([
      { name: 'customers' },
    ]);
    check.close();
  });

  it('a ledger of a newer nlpearl-leads: LEDGER_NEWER_SCHEMA, saying to upgrade', async () => {
    const file = path.join(tempDir(), 'ledger.sqlite');
    expect(await attempt(file)).toBeUndefined();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const error = await attempt(file);
    expect(error?.code).toBe('LEDGER_NEWER_SCHEMA');
    expect(error?.message).toMatch(
      new RegExp(
        `^the ledger ${file} has schema version 99, newer than this nlpearl-leads knows \\(\\d+\\): a newer nlpearl-leads wrote it\\. Upgrade nlpearl-leads \\(npm install -g nlpearl-leads@latest\\)`,
      ),
    );
  });

  it('a folder in the way of the file (a path through a regular file): LEDGER_UNAVAILABLE', async () => {
    fs.writeFileSync(path.join(tempDir(), 'not-a-folder'), '');
    const file = path.join(tempDir(), 'not-a-folder', 'ledger.sqlite');
    const error = await attempt(file);
    expect(error?.code).toBe('LEDGER_UNAVAILABLE');
    expect(error?.message).toBe(
      `cannot open the ledger ${file}. Check that it is a file in a folder you can write, or point --ledger (or ` +
        `NLPEARL_LEDGER) at another file`,
    );
  });

  describe('without the right to write', () => {
    it('an existing ledger in a read-only folder', async () => {
      const folder = path.join(tempDir(), 'state');
      const file = path.join(folder, 'ledger.sqlite');
      expect(await attempt(file)).toBeUndefined();
      const result = await attemptRestricted(file, () => fs.chmodSync(folder, 0o500));
      fs.chmodSync(folder, 0o700);
      expect(result).toEqual({
        ok: false,
        code: 'LEDGER_UNAVAILABLE',
        message: `cannot write the ledger ${file}: its folder is read-only. Make the folder writable, or point --ledger (or NLPEARL_LEDGER) at another file`,
      });
    });

    it('a read-only ledger file', async () => {
      const file = path.join(tempDir(), 'ledger.sqlite');
      expect(await attempt(file)).toBeUndefined();
      const result = await attemptRestricted(file, () => fs.chmodSync(file, 0o400));
      expect(result).toEqual({
        ok: false,
        code: 'LEDGER_UNAVAILABLE',
        message: `cannot write the ledger ${file}: permission denied. Make it and its folder writable, or point --ledger (or NLPEARL_LEDGER) at another file`,
      });
    });

    it('a new ledger in a folder it cannot write', async () => {
      const folder = path.join(tempDir(), 'locked');
      fs.mkdirSync(folder);
      const file = path.join(folder, 'ledger.sqlite');
      const result = await attemptRestricted(file, () => fs.chmodSync(folder, 0o500));
      fs.chmodSync(folder, 0o700);
      expect(result).toMatchObject({ ok: false, code: 'LEDGER_UNAVAILABLE' });
      expect(result.message).toContain(`cannot write the ledger ${file}: permission denied`);
    });
  });
});

describe('ledger: the SQLite driver', () => {
  it('a native module missing or built for another Node.js: LEDGER_UNAVAILABLE, saying how to rebuild it', () => {
    const missing = new Error(
      'Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/…',
    );
    const otherNode = Object.assign(new Error('was compiled against a different Node.js version'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    for (const cause of [missing, otherNode]) {
      const error = ledgerErrorFrom(cause, '/state/ledger.sqlite') as LedgerError;
      expect(error.code).toBe('LEDGER_UNAVAILABLE');
      expect(error.cause).toBe(cause);
      expect(error.message).toBe(
        `cannot open the ledger /state/ledger.sqlite: the SQLite driver (better-sqlite3) is not built for this ` +
          `Node.js ${process.version}. Run \`npm rebuild better-sqlite3\` where nlpearl-leads is installed (npm 11 ` +
          `needs \`npm approve-scripts better-sqlite3\` first), or run without a ledger (--no-ledger)`,
      );
    }
  });

  it('an error that is none of its own is given back as it is', () => {
    const bug = Object.assign(new Error('near "SELEC": syntax error'), { code: 'SQLITE_ERROR' });
    expect(ledgerErrorFrom(bug, '/state/ledger.sqlite')).toBe(bug);
  });
});
