import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { BIN, ROOT, runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

type LogLine = Record<string, unknown> & { level: number; msg: string; time: string };

/** Every line must be one JSON object: a job's log is read by a machine. */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
      return JSON.parse(line) as LogLine;
    });
}

function importArgs(input: string, ...extra: string[]): string[] {
  return ['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox!.url, ...extra];
}

describe('in a nightly job (no TTY)', () => {
  it('logs JSON lines only on stderr: progress every interval, then every count and the duration', async () => {
    sandbox = await startSandbox({ faults: { latencyMs: 10 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 400);
    const log = path.join(tempDir(), 'nightly.log');
    const run = await runCli(
      importArgs(input, '--concurrency', '2', '--progress-interval', '1', '--log-file', log),
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stderr);
    expect(lines.map((line) => line.msg).filter((msg) => msg !== 'progress')).toEqual([
      'mapping',
      'starting',
      'finished',
    ]);
    const progress = lines.filter((line) => line.msg === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({
      level: 30,
      rowsDone: expect.any(Number) as unknown,
      totalRows: 400,
      rowsPerSecond: expect.any(Number) as unknown,
      etaSeconds: expect.any(Number) as unknown,
      created: expect.any(Number) as unknown,
      failed: 0,
      invalid: 0,
      skipped: 0,
    });
    expect(lines.at(-1)).toMatchObject({
      msg: 'finished',
      command: 'import',
      exitCode: 0,
      rows: 400,
      created: 400,
      invalid: 0,
      failed: 0,
      skipped: 0,
      unknown: 0,
      alreadyDone: 0,
      durationMs: expect.any(Number) as unknown,
      resultsPath: path.join(tempDir(), 'leads.results.csv'),
    });
    expect(Date.parse(lines[0]!.time)).not.toBeNaN();
    // The log file holds the same lines, flushed before the process ended.
    expect(fs.readFileSync(log, 'utf8')).toBe(run.stderr);
    // stdout (a pipe of its own) keeps the plain summary for scripts.
    expect(run.stdout).toContain('400 created, 0 invalid, 0 failed, 0 skipped');
  });

  it('prints nothing but JSON lines when stdout and stderr are one file (2>&1)', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 5);
    sandbox.enqueue({ status: 400, body: { errors: { PhoneNumber: ['unreachable'] } } });
    const output = path.join(tempDir(), 'cron.log');
    const fd = fs.openSync(output, 'w');
    const child = spawn(process.execPath, [BIN, ...importArgs(input, '--concurrency', '1')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NLPEARL_API_TOKEN: sandbox.token, NLPEARL_LEDGER: 'off' },
      stdio: ['ignore', fd, fd],
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    fs.closeSync(fd);
    expect(code).toBe(1);
    const lines = jsonLines(fs.readFileSync(output, 'utf8'));
    expect(lines.at(-1)).toMatchObject({
      level: 40,
      msg: 'finished with rows not created',
      exitCode: 1,
      created: 4,
      failed: 1,
      retryCommand: expect.stringMatching(
        /^nlpearl-leads retry \S+leads\.results\.csv --outbound sandbox-outbound/,
      ) as unknown,
      // Where the failed row is; the API's text, which may quote the lead, is only in the results file.
      problems: [{ row: 1, line: 2, status: 'failed' }],
    });
  });

  it('writes why a run was refused to the log file, and prints no progress with --no-progress', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 3);
    const log = path.join(tempDir(), 'nightly.log');
    const run = await runCli(
      importArgs(input, '--log-file', log, '--no-progress', '--progress-interval', '1'),
      {
        NLPEARL_API_TOKEN: 'acct-revoked:sec-revoked',
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nlpearl-leads: credentials rejected by NLPearl \(HTTP 401\)/);
    const logged = jsonLines(fs.readFileSync(log, 'utf8'));
    expect(logged.at(-1)).toMatchObject({ level: 60, code: 'CREDENTIALS_REJECTED', exitCode: 2 });
    expect(logged.some((line) => line.msg === 'progress')).toBe(false);
  });

  it('prints the exact command that retries the failed rows, with the flags that shaped them', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'my leads.csv');
    fs.writeFileSync(input, 'Mobile,CRM,name\n(212) 555-0100,c-1,Ada\n(212) 555-0101,c-2,Grace\n');
    sandbox.enqueue({ status: 503 });
    const run = await runCli(
      importArgs(input, '--phone', 'Mobile', '--external-id', 'CRM', '--default-country', 'US').concat([
        '--retries',
        '0',
        '--concurrency',
        '1',
        '--log-level',
        'warn',
      ]),
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.code).toBe(1);
    const command = /^Retry the failed rows with: (.+)$/m.exec(run.stdout)?.[1];
    expect(command).toBe(
      `nlpearl-leads retry '${path.join(tempDir(), 'my leads.results.csv')}' --outbound sandbox-outbound --api-url ${sandbox.url} --phone Mobile --external-id CRM --default-country US --concurrency 1 --retries 0`,
    );
    // Run it as a shell would (single quotes only), and the failed row is created.
    const words = [...command!.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!);
    const retried = await runCli(words.slice(1), { NLPEARL_API_TOKEN: sandbox.token });
    expect(retried.code).toBe(0);
    expect(sandbox.leads.map((lead) => lead.phoneNumber).sort()).toEqual(['+12125550100', '+12125550101']);
  });
});

describe('a reader that goes away', () => {
  it('import | head: the run goes to its end, every row created, and no stack trace', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 300);
    const child = spawn(process.execPath, [BIN, ...importArgs(input)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NLPEARL_LEDGER: 'off', NLPEARL_API_TOKEN: sandbox.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader closes at once, as `head -0` would: every write to stdout then fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(code).toBe(0);
    expect(sandbox.leads).toHaveLength(300);
  });
});

describe('usage', () => {
  const version = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;

  it('prints the version of package.json', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    ['import', 'nlpearl-leads import leads.csv --outbound 66a1f0c2e4b0 --resume'],
    ['validate', 'nlpearl-leads validate leads.csv --default-country US'],
    ['retry', 'nlpearl-leads retry leads.results.csv --outbound 66a1f0c2e4b0'],
    ['sandbox', 'nlpearl-leads sandbox --port 8080 --latency 20'],
    ['timezones', 'nlpearl-leads timezones | grep -i berlin'],
  ])('explains %s with real examples', async (command, example) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain(example);
  });

  it('generates a completion script that completes commands and flags', async () => {
    const script = await runCli(['completion']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('###-begin-nlpearl-leads-completions-###');
    const flags = await runCli(['--get-yargs-completions', 'nlpearl-leads', 'import', '--re']);
    expect(flags.stdout.split('\n')).toEqual(expect.arrayContaining(['--resume', '--results', '--retries']));
    const commands = await runCli(['--get-yargs-completions', 'nlpearl-leads', '']);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['import', 'validate', 'retry']));
  });

  it.each([
    [['import', 'a.csv', '--bogus'], /^nlpearl-leads: Unknown argument: bogus\n/],
    [['import', 'a.csv', '--concurrency', 'many'], /^nlpearl-leads: --concurrency expects a number\n$/],
    [['import', 'a.csv', '--progress-interval', '0'], /^nlpearl-leads: --progress-interval expects seconds/],
    [['import', 'a.csv', '--token', 'acct:sec'], /^nlpearl-leads: Unknown argument: token\n/],
    [
      ['import', 'a.csv', '--outbound', 'o-1', '--api-url', 'http://api.example.com'],
      /^nlpearl-leads: --api-url must use https/,
    ],
  ])('exits 2 for %j', async (args, message) => {
    const run = await runCli(args, { NLPEARL_API_TOKEN: 'acct-a:sec-a' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
