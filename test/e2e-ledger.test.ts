import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/sandbox/server.js';
import { phoneOf } from './helpers/leads-csv.js';
import { range, shuffled, writeNight } from './helpers/nightly.js';
import { runCli, startCli } from './helpers/run-cli.js';
import { useSandbox } from './helpers/sandbox.js';
import { useTempDir } from './helpers/temp-dir.js';
import { postgresBackend, SQLITE_BACKEND } from './ledger/ledger-backends.js';

const tempDir = useTempDir();
const start = useSandbox();

/** One night's import with the ledger at `ledger`. */
function night(box: Sandbox, input: string, ledger: string, ...extra: string[]) {
  const args = [
    'import',
    input,
    '--outbound',
    'sandbox-outbound',
    '--api-url',
    box.url,
    '--log-level',
    'warn',
  ];
  return runCli([...args, '--overwrite', '--no-progress', ...extra], {
    NLPEARL_API_TOKEN: box.token,
    NLPEARL_LEDGER: ledger,
  });
}

function results(input: string): Record<string, string>[] {
  const file = input.replace(/\.csv$/, '.results.csv');
  return parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
}

const statusCounts = (rows: Record<string, string>[]) =>
  rows.reduce<Record<string, number>>((counts, row) => {
    const status = row._status ?? '';
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

const adds = (box: Sandbox) => box.requests.filter((r) => r.method === 'PUT' && /\/Lead$/i.test(r.path));
const updates = (box: Sandbox) =>
  box.requests.filter((r) => r.method === 'PUT' && /\/Lead\/[^/]+$/i.test(r.path));

// Every test on each kind of ledger (issue 16: the same acceptance with a PostgreSQL ledger).
for (const backend of [SQLITE_BACKEND, postgresBackend(import.meta.filename)]) {
  describe.skipIf(!backend.available)(`with a ${backend.name} ledger`, () => {
    describe('the lead ledger, night after night', () => {
      it('night 2 of a shuffled export: new leads created, changed ones updated once, the rest unchanged, the absent told', async () => {
        const box = await start();
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 3_000));
        const first = await night(box, input, ledger);
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(box.leads).toHaveLength(3_000);

        // Night 2: 1–200 gone, 201–300 on another plan, 3001–3300 new, in another order.
        const leads = [...range(201, 300).map(({ n }) => ({ n, plan: 'gold' })), ...range(301, 3_300)];
        writeNight(input, shuffled(leads));
        box.requests.length = 0;
        const second = await night(box, input, ledger);
        expect(second.stderr).toBe('');
        expect(second.code).toBe(0);
        expect(statusCounts(results(input))).toEqual({ created: 300, updated: 100, unchanged: 2_700 });
        expect(second.stdout).toContain(
          '300 created, 100 updated, 2700 unchanged, 0 invalid, 0 failed, 0 skipped',
        );
        expect(second.stdout).toContain('200 leads of earlier runs are not in this file');
        expect(adds(box)).toHaveLength(300);
        const updated = updates(box);
        expect(updated).toHaveLength(100);
        expect(new Set(updated.map((r) => r.path)).size).toBe(100);
        expect(
          updated.every((r) => (r.body as { callData?: { plan?: string } }).callData?.plan === 'gold'),
        ).toBe(true);
        expect(box.leads).toHaveLength(3_300);
        expect(box.duplicates()).toEqual([]);
        const gold = box.leads.filter((lead) => lead.callData?.plan === 'gold');
        expect(gold).toHaveLength(100);
      }, 90_000);

      it('validate --outbound tells what a night would do, against the ledger, and sends nothing', async () => {
        const box = await start();
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 100));
        expect((await night(box, input, ledger)).code).toBe(0);
        writeNight(input, [...range(1, 10).map(({ n }) => ({ n, plan: 'gold' })), ...range(11, 105)]);
        box.requests.length = 0;
        const check = await runCli(['validate', input, '--outbound', 'sandbox-outbound', '--overwrite'], {
          NLPEARL_LEDGER: ledger,
        });
        expect(check.code).toBe(0);
        expect(check.stdout).toContain('Would create 5, update 10, leave 90 unchanged');
        expect(box.requests).toHaveLength(0);
      }, 60_000);

      it('a file without externalIds imported twice: the second run sends no Add Lead', async () => {
        const box = await start();
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 500), { externalIds: false });
        expect((await night(box, input, ledger)).code).toBe(0);
        box.requests.length = 0;
        writeNight(input, shuffled(range(1, 500)), { externalIds: false });
        const again = await night(box, input, ledger);
        expect(again.code).toBe(0);
        expect(adds(box)).toHaveLength(0);
        expect(statusCounts(results(input))).toEqual({ unchanged: 500 });
      }, 60_000);

      it('50 leads already in the campaign before the first night, empty ledger: they are not added again', async () => {
        const box = await start({
          initialLeads: range(1, 50).map(({ n }) => ({ phoneNumber: phoneOf(n), externalId: `ext-${n}` })),
        });
        const dir = tempDir();
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 400));
        const run = await night(box, input, await backend.fresh(dir));
        expect(run.code).toBe(0);
        expect(adds(box)).toHaveLength(350);
        expect(box.leads).toHaveLength(400);
        expect(box.duplicates()).toEqual([]);
        expect(statusCounts(results(input))).toEqual({ created: 350, unchanged: 50 });
      }, 60_000);

      it('the ledger deleted, the same night again: no lead added, the campaign pulled in pages of at most 100', async () => {
        const box = await start({ searchPageCap: 100 });
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 1_000));
        expect((await night(box, input, ledger)).code).toBe(0);
        await backend.lose(ledger);
        box.requests.length = 0;
        const again = await night(box, input, ledger);
        expect(again.code).toBe(0);
        expect(adds(box)).toHaveLength(0);
        expect(box.leads).toHaveLength(1_000);
        const searches = box.requests.filter((r) => r.method === 'POST');
        expect(searches.length).toBeGreaterThanOrEqual(10); // the pre-flight, then 10 pages of 100
        expect(again.stdout).toContain('1000 leads found in the campaign were recorded first');
      }, 60_000);

      it('kill -9 during a night of 2,000 new leads, then the same command: every lead once on the server', async () => {
        const box = await start({ faults: { latencyMs: 10 } });
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        writeNight(input, range(1, 2_000));
        const args = [
          'import',
          input,
          '--outbound',
          'sandbox-outbound',
          '--api-url',
          box.url,
          '--concurrency',
          '16',
        ];
        const env = { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: ledger };
        const first = startCli([...args, '--log-level', 'warn'], env);
        while (box.stats().created < 700) {
          if (first.child.exitCode !== null) throw new Error(`the first run ended first: ${first.stderr()}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        first.child.kill('SIGKILL');
        await first.done;
        const created = box.stats().created;
        expect(created).toBeLessThan(2_000);
        const again = await runCli([...args, '--log-level', 'warn', '--resume'], env);
        expect(again.code).toBe(0);
        expect(box.leads).toHaveLength(2_000);
        expect(box.duplicates()).toEqual([]);
      }, 90_000);

      it('two runs at once on one ledger and outbound: one exits 2 naming the other; nobody added twice', async () => {
        const box = await start({ faults: { latencyMs: 10 } });
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const inputs = ['a.csv', 'b.csv'].map((name) => path.join(dir, name));
        for (const input of inputs) writeNight(input, range(1, 2_000));
        const runs = await Promise.all(inputs.map((input) => night(box, input, ledger)));
        const codes = runs.map((run) => run.code).sort();
        expect(codes).toEqual([0, 2]);
        const refused = runs.find((run) => run.code === 2)!;
        expect(refused.stderr).toMatch(/^nlpearl-leads: .*(pid \d+|process \d+).*\n$/m);
        expect(box.leads).toHaveLength(2_000);
        expect(box.duplicates()).toEqual([]);
      }, 60_000);
    });

    describe('leads absent from tonight’s export', () => {
      async function twoNights(extra: string[], gone: number) {
        const box = await start();
        const dir = tempDir();
        const ledger = await backend.fresh(dir);
        const input = path.join(dir, 'leads.csv');
        // A lead added by hand: never touched by --absent, whatever the file says.
        box.addLeads([{ phoneNumber: phoneOf(9_999), externalId: 'by-hand' }]);
        writeNight(input, range(1, 1_000));
        expect((await night(box, input, ledger)).code).toBe(0);
        writeNight(input, range(gone + 1, 1_000));
        box.requests.length = 0;
        return { box, run: await night(box, input, ledger, ...extra) };
      }

      it('--absent complete sets exactly the absent leads this tool created to Completed', async () => {
        const { box, run } = await twoNights(['--absent', 'complete'], 60);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('60 leads of earlier runs are not in this file: 60 completed');
        const completed = box.leads.filter((lead) => lead.status === 130);
        expect(completed.map((lead) => lead.externalId).sort()).toEqual(
          range(1, 60)
            .map(({ n }) => `ext-${n}`)
            .sort(),
        );
      }, 60_000);

      it('--absent delete removes exactly them', async () => {
        const { box, run } = await twoNights(['--absent', 'delete'], 60);
        expect(run.code).toBe(0);
        expect(box.leads).toHaveLength(1_000 - 60 + 1);
        expect(box.removed.map((lead) => lead.externalId).sort()).toEqual(
          range(1, 60)
            .map(({ n }) => `ext-${n}`)
            .sort(),
        );
        expect(box.leads.some((lead) => lead.externalId === 'by-hand')).toBe(true);
      }, 60_000);

      it('the 10% guard refuses to touch more than a tenth of the known leads, and changes nothing', async () => {
        const { box, run } = await twoNights(['--absent', 'delete'], 300);
        expect(run.code).toBe(2);
        expect(run.stdout).toContain(
          '300 leads of earlier runs are not in this file: not touched: 300 absent leads is more than 10%',
        );
        expect(box.removed).toHaveLength(0);
        expect(box.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
      }, 60_000);
    });
  });
}
