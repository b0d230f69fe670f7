import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Sandbox, SandboxOptions } from '../src/sandbox/server.js';
import { fakeIo } from './helpers/cli-io.js';
import { phoneOf } from './helpers/leads-csv.js';
import { range, writeNight } from './helpers/nightly.js';
import { runCli, startCli } from './helpers/run-cli.js';
import { useSandbox } from './helpers/sandbox.js';
import { useTempDir } from './helpers/temp-dir.js';
import { openLedger } from '../src/ledger/open-ledger.js';
import { locationOf } from './ledger/postgres-test-db.js';
import { postgresBackend, SQLITE_BACKEND, type LedgerBackend } from './ledger/ledger-backends.js';

const OUTBOUND = 'sandbox-outbound';
const tempDir = useTempDir();
const start = useSandbox();

interface Setup {
  readonly box: Sandbox;
  readonly input: string;
  readonly ledger: string;
  readonly env: Record<string, string>;
}

/** A campaign, a ledger file, and an import of leads 1..rows into them (run 1). */
async function imported(
  rows: number,
  options: SandboxOptions = {},
  backend: LedgerBackend = SQLITE_BACKEND,
): Promise<Setup> {
  const box = await start(options);
  const dir = tempDir();
  const input = path.join(dir, 'leads.csv');
  const ledger = await backend.fresh(dir);
  writeNight(input, range(1, rows));
  const setup = { box, input, ledger, env: { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: ledger } };
  const run = await importNight(setup);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('(run 1)');
  return setup;
}

/** The import of the setup's input, as a nightly job runs it (the results file replaced). */
function importNight(setup: Setup) {
  const { box, input, env } = setup;
  const flags = ['--log-level', 'warn', '--no-progress', '--concurrency', '32', '--overwrite'];
  return runCli(['import', input, '--outbound', OUTBOUND, '--api-url', box.url, ...flags], env);
}

function undo(setup: Setup, ...args: string[]) {
  const flags = [
    '--outbound',
    OUTBOUND,
    '--api-url',
    setup.box.url,
    '--log-level',
    'warn',
    '--concurrency',
    '32',
  ];
  return runCli(['undo', ...args, ...flags], setup.env);
}

function resultStatuses(input: string): Record<string, number> {
  const rows = parse<Record<string, string>>(fs.readFileSync(input.replace(/\.csv$/, '.results.csv')), {
    columns: true,
  });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row._status ?? ''] = (counts[row._status ?? ''] ?? 0) + 1;
  return counts;
}

/** The ledger's states, as `ledger export` writes them. */
async function ledgerStates(setup: Setup): Promise<Record<string, number>> {
  const exported = await runCli(['ledger', 'export', '--outbound', OUTBOUND], setup.env);
  expect(exported.code, exported.stderr).toBe(0);
  const counts: Record<string, number> = {};
  for (const entry of parse<Record<string, string>>(exported.stdout, { columns: true }))
    counts[entry.state ?? ''] = (counts[entry.state ?? ''] ?? 0) + 1;
  return counts;
}

const deletes = (box: Sandbox) => box.requests.filter((r) => r.method === 'DELETE');

// The first acceptance point on each kind of ledger: undo knows only the ledger's interface.
for (const backend of [SQLITE_BACKEND, postgresBackend(import.meta.filename)]) {
  describe.skipIf(!backend.available)(`undo, with a ${backend.name} ledger`, () => {
    it('removes exactly the leads the run created: the campaign is back as it was; again, nothing is sent', async () => {
      const byHand = Array.from({ length: 20 }, (_, i) => ({
        phoneNumber: phoneOf(50_000 + i),
        externalId: `hand-${i}`,
      }));
      const setup = await imported(1_000, { initialLeads: byHand }, backend);
      const before = setup.box.leads.filter((lead) => lead.origin === 'platform').map((lead) => lead.id);
      expect(setup.box.leads).toHaveLength(1_020);

      const first = await undo(setup, '1', '--yes');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('1000 removed');
      expect(setup.box.leads.map((lead) => lead.id)).toEqual(before);
      expect(Object.values(setup.box.touches().leads).every((touch) => touch.deletes === 1)).toBe(true);
      expect(Object.keys(setup.box.touches().leads)).toHaveLength(1_000);
      expect(deletes(setup.box).length).toBe(20);
      expect(resultStatuses(setup.input)).toEqual({ removed: 1_000 });
      // The leads added by hand were pulled (the ledger had never seen the campaign), and stay untouched.
      expect(await ledgerStates(setup)).toEqual({ removed: 1_000, pulled: 20 });

      // By its results file this time: the same run, with nothing left to do, and not one request.
      const requests = setup.box.requests.length;
      const again = await undo(setup, setup.input.replace(/\.csv$/, '.results.csv'), '--yes');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('Nothing left to undo');
      expect(setup.box.requests.length).toBe(requests);

      const runs = await runCli(['ledger', 'runs', '--outbound', OUTBOUND], setup.env);
      expect(runs.stdout).toMatch(/\n\s+2\s+undo\s.*removed 1000\s+run 1\n/);
    }, 60_000);
  });
}

describe('undo a run', () => {
  it('keeps the 300 leads called since unless --include-called; --dry-run says so and changes nothing', async () => {
    const setup = await imported(1_000);
    const called = setup.box.setLeadStatus({ count: 300, outboundId: OUTBOUND }, 100);
    expect(called).toHaveLength(300);

    const resultsFile = setup.input.replace(/\.csv$/, '.results.csv');
    const before = fs.readFileSync(resultsFile);
    const dry = await undo(setup, '1', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(fs.readFileSync(resultsFile).equals(before)).toBe(true);
    expect(dry.stdout).toContain('700 would be removed');
    expect(dry.stdout).toContain('300 called already, kept (--include-called removes them): Success 300');
    expect(deletes(setup.box)).toEqual([]);
    expect(await ledgerStates(setup)).toEqual({ created: 1_000 });

    const first = await undo(setup, '1', '--yes');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('700 removed');
    expect(first.stdout).toContain(`    ${called[0]}  Success`);
    expect(setup.box.leads.map((lead) => lead.id).sort()).toEqual([...called].sort());
    expect(resultStatuses(setup.input)).toEqual({ removed: 700, created: 300 });

    const all = await undo(setup, '1', '--yes', '--include-called');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('300 removed');
    expect(setup.box.leads).toEqual([]);
    expect(resultStatuses(setup.input)).toEqual({ removed: 1_000 });
    expect(Object.values(setup.box.touches().leads).every((touch) => touch.deletes === 1)).toBe(true);
  }, 60_000);

  it('kill -9 during an undo of 5,000 leads, then undo again: each removed once, no Delete for a lead twice', async () => {
    const setup = await imported(5_000);
    setup.box.setFaults({ latencyMs: 2 });
    const args = [
      'undo',
      '1',
      '--outbound',
      OUTBOUND,
      '--api-url',
      setup.box.url,
      '--yes',
      '--log-level',
      'warn',
    ];
    const first = startCli(args, setup.env);
    while (setup.box.removed.length < 1_500) {
      if (first.child.exitCode !== null) throw new Error(`the first undo ended first: ${first.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.child.kill('SIGKILL');
    await first.done;
    expect(setup.box.leads.length).toBeGreaterThan(0);

    const again = await runCli(args, setup.env);
    expect(again.code, again.stderr).toBe(0);
    expect(setup.box.leads).toEqual([]);
    expect(setup.box.removed).toHaveLength(5_000);
    const touched = Object.values(setup.box.touches().leads);
    expect(touched).toHaveLength(5_000);
    expect(touched.filter((touch) => touch.deletes !== 1)).toEqual([]);
    expect(resultStatuses(setup.input)).toEqual({ removed: 5_000 });
    expect(await ledgerStates(setup)).toEqual({ removed: 5_000 });
  }, 90_000);

  it('undoing a night removes only the leads it created, and lists those it only updated, untouched', async () => {
    const setup = await imported(20);
    // Night 2: leads 1–5 changed (Update Lead), 21–30 new (run 2).
    writeNight(setup.input, [...range(1, 5).map(({ n }) => ({ n, plan: 'gold' })), ...range(6, 30)]);
    const night2 = await importNight(setup);
    expect(night2.code, night2.stderr).toBe(0);
    expect(night2.stdout).toContain('(run 2)');
    const updatedIds = setup.box.leads.slice(0, 5).map((lead) => lead.id);
    // Both nights wrote leads.results.csv: the file alone does not say which to undo.
    const sent = setup.box.requests.length;
    const byFile = await undo(setup, setup.input.replace(/\.csv$/, '.results.csv'), '--yes');
    expect(byFile.code).toBe(2);
    expect(byFile.stderr).toMatch(
      /^nlpearl-leads: 2 runs wrote .*leads\.results\.csv \(runs 2, 1, newest first\): give the run id/,
    );
    expect(setup.box.requests.length).toBe(sent);

    const run = await undo(setup, '2', '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('10 leads created by this run');
    expect(run.stdout).toContain('5 leads it only updated (added by an earlier run): not touched');
    for (const [index, id] of updatedIds.entries())
      expect(run.stdout).toContain(`    ${id}  row ${index + 1}  updated`);
    expect(run.stdout).toContain('10 removed');
    expect(setup.box.leads.map((lead) => lead.externalId)).toEqual(range(1, 20).map(({ n }) => `ext-${n}`));
    expect(updatedIds.map((id) => setup.box.touches().leads[id]?.deletes ?? 0)).toEqual([0, 0, 0, 0, 0]);
    expect(resultStatuses(setup.input)).toEqual({ updated: 5, unchanged: 15, removed: 10 });
  }, 60_000);

  it('judges again the leads a stopped undo left removing: one called since stays, and is created again', async () => {
    const setup = await imported(10);
    const ids = setup.box.leads.map((lead) => lead.id);
    // As a stopped undo leaves them: four leads `removing`, two of them called since, one on a call now.
    const ledger = await openLedger(locationOf(setup.ledger), { warn: () => {} });
    await ledger.setState(OUTBOUND, ['ext-1', 'ext-2', 'ext-3', 'ext-4'], 'removing');
    await ledger.close();
    setup.box.setLeadStatus({ leadIds: [ids[0]!, ids[1]!] }, 100);
    setup.box.setLeadStatus({ leadIds: [ids[2]!] }, 40);

    const run = await undo(setup, '1', '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('4 were being removed when an undo stopped: checked first');
    expect(run.stdout).toContain('7 removed');
    expect(run.stdout).toContain('2 called already, kept (--include-called removes them): Success 2');
    expect(run.stdout).toContain('1 queued for a call or on one now, kept: undo again later: OnCall 1');
    expect(setup.box.leads.map((lead) => lead.id)).toEqual(ids.slice(0, 3));
    expect(await ledgerStates(setup)).toEqual({ created: 3, removed: 7 });
  }, 60_000);

  it('asks at a terminal and removes on yes; off a terminal, needs --yes and sends nothing without it', async () => {
    const setup = await imported(30);
    const refused = await undo(setup, '1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'nlpearl-leads: undo removes leads from the campaign and asks first, which needs a terminal: pass --yes (or --dry-run to see what it would do)\n',
    );
    const sent = setup.box.requests.length;

    const no = fakeIo({ tty: true, stdin: 'n\n', env: setup.env });
    Object.assign(no.io.stdin, { isTTY: true });
    expect(await main(['undo', '1', '--outbound', OUTBOUND, '--api-url', setup.box.url], no.io)).toBe(0);
    expect(no.stderr.text).toContain(`Remove them from outbound ${OUTBOUND}? [y/N] `);
    expect(no.stderr.text).toContain('nothing was removed');
    expect(setup.box.requests.length).toBe(sent);

    const yes = fakeIo({ tty: true, stdin: 'y\n', env: setup.env });
    Object.assign(yes.io.stdin, { isTTY: true });
    expect(await main(['undo', '1', '--outbound', OUTBOUND, '--api-url', setup.box.url], yes.io)).toBe(0);
    expect(yes.stdout.text).toContain('30 leads created by this run');
    expect(yes.stdout.text).toContain('30 removed');
    expect(setup.box.leads).toEqual([]);
  }, 60_000);

  it('refuses in one line, sending nothing: an unknown run, another outbound, a file no run wrote, no ledger', async () => {
    const setup = await imported(10);
    const sent = setup.box.requests.length;
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['7', '--yes'],
        setup.env,
        /^nlpearl-leads: the ledger .* has no run 7: nlpearl-leads ledger runs --outbound sandbox-outbound lists them\n$/,
      ],
      [
        ['1', '--yes', '--outbound', 'other'],
        setup.env,
        /^nlpearl-leads: run 1 sent to outbound sandbox-outbound, not other: check --outbound\n$/,
      ],
      [
        [setup.input, '--yes'],
        setup.env,
        /^nlpearl-leads: no run of outbound sandbox-outbound in the ledger .* wrote .*leads\.csv: give the run id instead/,
      ],
      [
        ['nowhere.csv', '--yes'],
        setup.env,
        /^nlpearl-leads: undo takes a run id \(nlpearl-leads ledger runs lists them\) or a results file: nowhere\.csv is neither\n$/,
      ],
      [
        ['1', '--yes'],
        { ...setup.env, NLPEARL_LEDGER: path.join(tempDir(), 'none.sqlite') },
        /^nlpearl-leads: no ledger at .*none\.sqlite \(from NLPEARL_LEDGER\)\n$/,
      ],
    ];
    for (const [args, env, message] of cases) {
      // A flag given twice takes its last value: a case's own --outbound wins.
      const run = await runCli(['undo', '--outbound', OUTBOUND, '--api-url', setup.box.url, ...args], env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(setup.box.requests.length).toBe(sent);
  }, 60_000);
});
