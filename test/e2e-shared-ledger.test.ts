import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { range, shuffled, writeNight } from './helpers/nightly.js';
import { runCli, startCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';
import { newPostgresDatabase, postgresSocket } from './ledger/postgres-test-db.js';

/*
 * Issue 16's acceptance, end to end over real HTTP against the sandbox: one PostgreSQL ledger shared by
 * importers that stand for several machines (each its own working folder).
 */

const tempDir = useTempDir();
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const adds = (box: Sandbox) => box.requests.filter((r) => r.method === 'PUT' && /\/Lead$/i.test(r.path));

/** A machine's copy of tonight's export, in a working folder of its own; the runs name one source. */
function machine(name: string, leads = range(1, 2_000)): string {
  const folder = path.join(tempDir(), name);
  fs.mkdirSync(folder);
  const input = path.join(folder, 'leads.csv');
  writeNight(input, leads);
  return input;
}

function importArgs(box: Sandbox, input: string, ...extra: string[]): string[] {
  return [
    ...['import', input, '--outbound', 'sandbox-outbound', '--api-url', box.url, '--source', 'crm-nightly'],
    ...['--overwrite', '--no-progress', '--log-level', 'warn', ...extra],
  ];
}

describe.skipIf(postgresSocket === undefined)('one PostgreSQL ledger for several machines', () => {
  it('two importers started at the same moment, same outbound and file: one runs, the other exits 2 naming it', async () => {
    const box = (sandbox = await startSandbox({ faults: { latencyMs: 10 } }));
    const ledger = await newPostgresDatabase(import.meta.filename);
    const env = { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: ledger };
    const inputs = [machine('a'), machine('b')];
    const runs = await Promise.all(inputs.map((input) => runCli(importArgs(box, input), env)));
    expect(runs.map((run) => run.code).sort(), runs.map((run) => run.stderr).join('\n')).toEqual([0, 2]);
    const refused = runs.find((run) => run.code === 2)!;
    expect(refused.stderr).toMatch(
      new RegExp(
        `^nlpearl-leads: another run holds outbound sandbox-outbound in the ledger postgres://postgres@localhost/\\S+ ` +
          `\\(pid \\d+ on ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, last heartbeat .*\\): wait for it to finish`,
      ),
    );
    expect(box.leads).toHaveLength(2_000);
    expect(box.duplicates()).toEqual([]);
  }, 60_000);

  it('an importer killed with kill -9 part-way, then the same import from another machine: every lead once', async () => {
    const box = (sandbox = await startSandbox({ faults: { latencyMs: 10 } }));
    const ledger = await newPostgresDatabase(import.meta.filename);
    const env = { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: ledger };
    const first = startCli(importArgs(box, machine('a'), '--concurrency', '16'), env);
    while (box.stats().created < 700) {
      if (first.child.exitCode !== null) throw new Error(`the first import ended first: ${first.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.child.kill('SIGKILL');
    await first.done;
    expect(box.stats().created).toBeLessThan(2_000);
    const second = await runCli(importArgs(box, machine('b'), '--concurrency', '16'), env);
    expect(second.code).toBe(0);
    // It took over the lock of the process that died, and looked up the leads it left `sending`.
    expect(second.stderr).toContain('took over the lock of outbound sandbox-outbound');
    expect(box.leads).toHaveLength(2_000);
    expect(box.duplicates()).toEqual([]);
  }, 90_000);

  it('ledger copy from a SQLite file, then a night against PostgreSQL: nothing added twice', async () => {
    const box = (sandbox = await startSandbox());
    const file = path.join(tempDir(), 'ledger.sqlite');
    const input = machine('a', range(1, 1_000));
    const night1 = await runCli(importArgs(box, input), {
      NLPEARL_API_TOKEN: box.token,
      NLPEARL_LEDGER: file,
    });
    expect(night1.code).toBe(0);

    const url = await newPostgresDatabase(import.meta.filename);
    const copy = await runCli(['ledger', 'copy', '--from', file, '--to', url]);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    expect(copy.stdout).toMatch(
      /^Copied 1 runs and 1000 leads of 1 outbounds from the ledger \S+ledger.sqlite to postgres:/,
    );
    // Copying again changes nothing.
    const again = await runCli(['ledger', 'copy', '--from', file, '--to', url]);
    expect(again.stdout).toContain('Copied 1 runs and 0 leads of 1 outbounds');
    expect(again.stdout).toContain('1000 leads it already held were left as they were');

    // Night 2 on PostgreSQL: the same leads shuffled, 100 new; the ledger knows the campaign, so no pull either.
    writeNight(input, shuffled(range(1, 1_100)));
    box.requests.length = 0;
    const night2 = await runCli(importArgs(box, input), {
      NLPEARL_API_TOKEN: box.token,
      NLPEARL_LEDGER: url,
    });
    expect(night2.stderr).toBe('');
    expect(night2.code).toBe(0);
    expect(night2.stdout).toContain('100 created, 0 updated, 1000 unchanged');
    expect(night2.stdout).not.toContain('found in the campaign');
    expect(adds(box)).toHaveLength(100);
    expect(box.leads).toHaveLength(1_100);
    expect(box.duplicates()).toEqual([]);
  }, 60_000);
});
