import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerLocation } from '../../src/ledger/location.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import type { PgConnection } from '../../src/ledger/postgres-connection.js';
import { createLookups } from '../../src/ledger/postgres-lookups.js';
import type { Ledger } from '../../src/ledger/types.js';
import { assertLedgerBuilt } from './built-ledger.js';
import { describeLedger, leadInRun, startImport } from './ledger-suite.js';
import { locationOf, newPostgresDatabase, postgresSocket } from './postgres-test-db.js';
import { killAfter } from './suite-durability.js';

const holder = (host = os.hostname()) => ({ pid: process.pid, host, startedAt: new Date() });

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error(`waited 5 s for ${what}`);
    await sleep(10);
  }
}

// Each test of the suite on a database of its own, in the cluster the test run started.
describe.skipIf(postgresSocket === undefined)('PostgreSQL', () => {
  describeLedger('postgres', async () => locationOf(await newPostgresDatabase(import.meta.filename)));

  describe('ledger: what PostgreSQL adds', () => {
    let location: LedgerLocation;
    let superuser: pg.Client;
    const opened: Ledger[] = [];
    const warnings: string[] = [];
    const open = async () => {
      const ledger = await openLedger(location, { warn: (message) => warnings.push(message) });
      opened.push(ledger);
      return ledger;
    };
    const nextXid = async () =>
      Number(
        (await superuser.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x'))
          .rows[0]?.x,
      );

    async function setUp() {
      const url = await newPostgresDatabase(import.meta.filename);
      location = locationOf(url);
      superuser = new pg.Client({
        host: postgresSocket,
        user: 'postgres',
        database: new URL(url).pathname.slice(1),
      });
      await superuser.connect();
      warnings.length = 0;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
      await superuser?.end();
    });

    it('a holder killed on another machine frees the lock at once, not two minutes later', async () => {
      await setUp();
      assertLedgerBuilt();
      const { signal, pid } = await killAfter(JSON.stringify(location), 'crash', 64, 'another-host');
      expect(signal).toBe('SIGKILL');
      const ledger = await open();
      // Its row is left, but no session holds its lock: it is no lock.
      expect((await ledger.describe()).locks).toEqual([]);
      const lock = await ledger.acquireLock('crash', holder());
      expect(lock.lost).toBe(false);
      expect(warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `^took over the lock of outbound crash .* from pid ${pid} on another-host, since .*: its connection to the ledger closed$`,
          ),
        ) as string,
      ]);
      expect((await ledger.describe()).locks.map((held) => held.host)).toEqual([os.hostname()]);
    }, 60_000);

    it('a holder whose session the server ended knows at once that it lost the lock', async () => {
      await setUp();
      const first = await open();
      const lock = await first.acquireLock('outbound-1', holder('host-a'));
      await superuser.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted`,
      );
      await until(() => lock.lost, 'the holder to learn it lost its lock');
      expect(warnings).toEqual([expect.stringContaining('the lock of outbound outbound-1') as string]);
      // Another run anywhere may take it now.
      const second = await open();
      await (await second.acquireLock('outbound-1', holder('host-b'))).release();
      await lock.release();
    });

    it('commits the 32 writes of one turn in one transaction, not 32', async () => {
      await setUp();
      const ledger = await open();
      const runId = await startImport(ledger);
      const keys = (prefix: string) => Array.from({ length: 32 }, (_, index) => `${prefix}-${index}`);
      await ledger.markSending(leadInRun('warm-up', runId));

      let before = await nextXid();
      await Promise.all(keys('together').map((key) => ledger.markSending(leadInRun(key, runId))));
      expect((await nextXid()) - before).toBe(1);

      before = await nextXid();
      for (const key of keys('apart')) await ledger.markSending(leadInRun(key, runId));
      expect((await nextXid()) - before).toBe(32);
      expect((await ledger.count('outbound-1')).sending).toBe(65);
    });
  });

  describe('ledger: lookups', () => {
    it('looks up the rows of one turn in one query (per outbound)', async () => {
      const queries: unknown[][] = [];
      const conn = {
        query: (_text: string, values: unknown[]) => {
          queries.push(values);
          return Promise.resolve([]);
        },
      } as unknown as PgConnection;
      const lookUp = createLookups(conn);
      const keys = Array.from({ length: 32 }, (_, index) => `row-${index}`);
      await Promise.all(keys.map((key) => lookUp({ outbound: 'o', key })));
      expect(queries).toEqual([['o', keys]]);
    });
  });
});
