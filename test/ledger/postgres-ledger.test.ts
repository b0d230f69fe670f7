import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerLocation } from '../../src/ledger/location.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import type { PgConnection } from '../../src/ledger/postgres-connection.js';
import { createLookups } from '../../src/ledger/postgres-lookups.js';
import { PgNames } from '../../src/ledger/postgres-writes.js';
import type { Ledger } from '../../src/ledger/types.js';
import { assertLedgerBuilt } from './built-ledger.js';
import { describeLedger, leadInRun, startImport } from './ledger-suite.js';
import { adminClient, locationOf, newPostgresDatabase, postgresSocket } from './postgres-test-db.js';
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
        // Only this test's database: the cluster serves every test file at once.
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
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
      // The transactions that wrote them: a row's xmin is the id of the one that wrote it last.
      const transactions = async (prefix: string) =>
        Number(
          (
            await superuser.query<{ n: string }>(
              `SELECT count(DISTINCT xmin::text) AS n FROM nlpearl_leads.entries WHERE key LIKE $1`,
              [`${prefix}-%`],
            )
          ).rows[0]?.n,
        );
      await Promise.all(keys('together').map((key) => ledger.markSending(leadInRun(key, runId))));
      expect(await transactions('together')).toBe(1);
      for (const key of keys('apart')) await ledger.markSending(leadInRun(key, runId));
      expect(await transactions('apart')).toBe(32);
    });
  });

  describe('ledger: the PostgreSQL schema in docs/ledger.md', () => {
    it('answers every example query, each with rows: its own, and the SQLite ones that read no JSON or date', async () => {
      const docs = fs.readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
      const own = [...docs.matchAll(/```postgresql\n([\s\S]*?)```/g)].map((match) => match[1]!);
      const shared = [...docs.matchAll(/```sql\n([\s\S]*?)```/g)]
        .map((match) => match[1]!)
        .filter((query) => !/json_extract|date\(/.test(query));
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(shared.length).toBeGreaterThanOrEqual(8);

      const url = await newPostgresDatabase(import.meta.filename);
      const ledger = await openLedger(locationOf(url), { warn: () => undefined });
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
      await ledger.acquireLock(outbound, holder());
      const client = await adminClient(url);
      try {
        await client.query('SET search_path = nlpearl_leads');
        for (const query of [...own, ...shared])
          expect((await client.query(query)).rows, query).not.toEqual([]);
      } finally {
        await client.end();
        await ledger.close();
      }
    });
  });

  describe('ledger: lookups', () => {
    it('looks up the rows of one turn in one query (per outbound)', async () => {
      const queries: unknown[][] = [];
      const names = new PgNames();
      names.remember('outbounds', new Map([['o', 7]]));
      const conn = {
        names,
        query: (_text: string, values: unknown[]) => {
          queries.push(values);
          return Promise.resolve([]);
        },
      } as unknown as PgConnection;
      const lookUp = createLookups(conn);
      const keys = Array.from({ length: 32 }, (_, index) => `row-${index}`);
      await Promise.all(keys.map((key) => lookUp({ outbound: 'o', key })));
      expect(queries).toEqual([[7, keys]]);
    });
  });
});
