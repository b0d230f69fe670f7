import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { openLedger } from '../src/ledger/open-ledger.js';
import { startSandbox, type Faults } from '../src/sandbox/server.js';
import { fakeIo } from './helpers/cli-io.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli } from './helpers/run-cli.js';
import { locationOf, newPostgresDatabase, postgresSocket } from './ledger/postgres-test-db.js';

/*
 * The password of a PostgreSQL ledger never appears in any output, log or results file (issue 16), as
 * secrets.test.ts proves for the API token: every kind of failure, with the URL from each source, at
 * --log-level trace with --log-file, and every output searched for it, as typed and percent-encoded.
 */

const PASSWORD = 'Pg%LEAK@CHECK-7e6d5c';
const WRONG = 'Pg%WRONG@CHECK-1a2b3c';
const FORMS = [PASSWORD, encodeURIComponent(PASSWORD), WRONG, encodeURIComponent(WRONG)];

type Source = '--ledger' | 'NLPEARL_LEDGER' | 'ledger in --config';
const SOURCES: Source[] = ['--ledger', 'NLPEARL_LEDGER', 'ledger in --config'];

interface Scenario {
  /** The ledger's URL for this scenario, given the one of a database whose role has PASSWORD. */
  readonly url?: (good: string) => Promise<string> | string;
  readonly faults?: Partial<Faults>;
  readonly args?: readonly string[];
  /** Holds the outbound's lock in this process meanwhile. */
  readonly locked?: boolean;
  readonly exitCode: number;
  /** Proof that the failure really happened, in stderr or the results file. */
  readonly happened: RegExp;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const SCENARIOS: Record<string, Scenario> = {
  'a wrong password': {
    url: (good) => good.replace(encodeURIComponent(PASSWORD), encodeURIComponent(WRONG)),
    exitCode: 2,
    happened: /refused its credentials \(wrong password\)/,
  },
  'an unreachable server': {
    url: async () =>
      `postgres://nightly:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await closedPort()}/leads`,
    exitCode: 2,
    happened: /cannot reach the PostgreSQL server of the ledger postgres:\/\/nightly:\*\*\*@127\.0\.0\.1/,
  },
  'a database that does not exist': {
    url: (good) => good.replace(/\/(\w+)\?/, '/no_such_db?'),
    exitCode: 2,
    happened: /does not exist\. Create it/,
  },
  'the outbound locked by another run': { locked: true, exitCode: 2, happened: /another run holds outbound/ },
  'rows failing (503), with the retry command printed': {
    faults: { rate5xx: 1 },
    args: ['--retries', '1'],
    exitCode: 1,
    happened: /HTTP 503/,
  },
  'the key revoked mid-run, with the resume command printed': {
    faults: { revokeAfter: 2 },
    exitCode: 3,
    happened: /HTTP 401: credentials rejected/,
  },
};

/** Runs one failure with the ledger's URL from `source`, in-process or as the built binary; every output. */
async function leakRun(name: string, source: Source, where: 'in-process' | 'binary', folders: string[]) {
  const scenario = SCENARIOS[name]!;
  const good = await newPostgresDatabase(import.meta.filename, { password: PASSWORD });
  const url = scenario.url === undefined ? good : await scenario.url(good);
  const sandbox = await startSandbox({ faults: scenario.faults });
  const holder =
    scenario.locked === true ? await openLedger(locationOf(good), { warn: () => {} }) : undefined;
  try {
    await holder?.acquireLock('sandbox-outbound', {
      pid: process.pid,
      host: os.hostname(),
      startedAt: new Date(),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-pg-leak-'));
    folders.push(dir);
    const input = path.join(dir, 'leads.csv');
    writeLeadsCsv(input, 4);
    const log = path.join(dir, 'run.log');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ledger: url }));
    const args = [
      ...['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--concurrency', '2'],
      ...['--log-level', 'trace', '--log-file', log, ...(scenario.args ?? [])],
      ...(source === '--ledger' ? ['--ledger', url] : []),
      ...(source === 'ledger in --config' ? ['--config', path.join(dir, 'config.json')] : []),
    ];
    const env: Record<string, string> = {
      NLPEARL_API_TOKEN: sandbox.token,
      // Unset (empty), so that the config file's value counts.
      NLPEARL_LEDGER: source === 'NLPEARL_LEDGER' ? url : '',
    };
    let run: { code: number | null; stdout: string; stderr: string };
    if (where === 'binary') run = await runCli(args, env);
    else {
      const { io, stdout, stderr } = fakeIo({ env });
      run = { code: await main(args, io), stdout: stdout.text, stderr: stderr.text };
    }
    const resultsFile = path.join(dir, 'leads.results.csv');
    const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
    const logText = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    return { ...run, results, log: logText, scenario, display: locationOf(url).display };
  } finally {
    await holder?.close();
    await sandbox.close();
  }
}

function expectNoLeak(run: Awaited<ReturnType<typeof leakRun>>): void {
  expect(run.code, run.stderr).toBe(run.scenario.exitCode);
  expect(`${run.stderr}\n${run.results}`).toMatch(run.scenario.happened);
  // The run used the ledger, and named it without its password.
  expect(`${run.stdout}${run.stderr}${run.log}`).toContain(run.display);
  const outputs = {
    stdout: run.stdout,
    stderr: run.stderr,
    'log file': run.log,
    'results file': run.results,
  };
  for (const [output, text] of Object.entries(outputs)) {
    for (const form of FORMS) expect(text.includes(form), `${form} in ${output}`).toBe(false);
  }
}

describe.skipIf(postgresSocket === undefined)('the password of a PostgreSQL ledger never leaks', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  it.each(Object.keys(SCENARIOS).flatMap((name) => SOURCES.map((source) => [name, source] as const)))(
    '%s, URL from %s, at --log-level trace with --log-file',
    async (name, source) => expectNoLeak(await leakRun(name, source, 'in-process', folders)),
    20_000,
  );

  it.each([
    ['a wrong password', '--ledger'],
    ['rows failing (503), with the retry command printed', '--ledger'],
  ] as const)('%s, URL from %s: the built binary, its real stdout and stderr', async (name, source) =>
    expectNoLeak(await leakRun(name, source, 'binary', folders)),
  );

  it('ledger copy and ledger show name it without the password', async () => {
    const good = await newPostgresDatabase(import.meta.filename, { password: PASSWORD });
    const bad = good.replace(encodeURIComponent(PASSWORD), encodeURIComponent(WRONG));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-pg-leak-')), 'l.sqlite');
    folders.push(path.dirname(file));
    await (await openLedger(locationOf(file), { warn: () => {} })).close();
    const refused = await runCli(['ledger', 'copy', '--from', file, '--to', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused its credentials (wrong password)');
    const copied = await runCli(['ledger', 'copy', '--from', file, '--to', good]);
    expect(copied.code).toBe(0);
    const shown = await runCli(['ledger', 'show', '--ledger', good]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(locationOf(good).display);
    for (const run of [refused, copied, shown])
      for (const form of FORMS) expect(`${run.stdout}${run.stderr}`).not.toContain(form);
  });
});
