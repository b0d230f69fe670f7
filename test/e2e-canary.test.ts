import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { phoneOf, writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli, type CliRun } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';
import { startInTerminal, tmuxAvailable, type TerminalCli } from './helpers/tmux.js';

// `import --canary N` (issue 15), end to end: the built CLI against the sandbox over 127.0.0.1.

const tempDir = useTempDir();
let sandbox: Sandbox | undefined;
let terminal: TerminalCli | undefined;
afterEach(async () => {
  terminal?.close();
  terminal = undefined;
  await sandbox?.close();
  sandbox = undefined;
});

const ROWS = 60;

async function setUp(): Promise<{ box: Sandbox; input: string; dir: string }> {
  const box = (sandbox = await startSandbox());
  const dir = tempDir();
  const input = path.join(dir, 'leads.csv');
  writeLeadsCsv(input, ROWS);
  return { box, input, dir };
}

function importArgs(box: Sandbox, input: string, ...extra: string[]): string[] {
  return ['import', input, '--outbound', 'sandbox-outbound', '--api-url', box.url, ...extra];
}

const adds = (box: Sandbox) => box.requests.filter((r) => r.method === 'PUT' && /\/Lead$/i.test(r.path));

/** The printed command that continues, as arguments for the CLI (the test's paths need no quoting). */
function continueArgs(output: string): string[] {
  const line = /^Continue with: (nlpearl-leads .*)$/m.exec(output)?.[1];
  expect(line, output).toBeDefined();
  expect(line).not.toMatch(/['"]/);
  const [, ...args] = line!.trim().split(/\s+/);
  return args;
}

function resultRows(input: string): Record<string, string>[] {
  return parse<Record<string, string>>(fs.readFileSync(input.replace(/\.csv$/, '.results.csv')), {
    columns: true,
  });
}

function expectFirstRowsShown(output: string, count: number): void {
  expect(output).toContain(
    `Canary: the first ${count} rows sent, as the campaign now holds them (Get Lead):`,
  );
  for (let row = 1; row <= count; row += 1) {
    expect(output).toMatch(new RegExp(`row +${row} +created +leadId \\w+ +phone \\${phoneOf(row)} `));
    expect(output).toContain(`externalId ext-${row}`);
    expect(output).toContain(`callData firstName="Name ${row}"`);
  }
  expect(output).not.toContain(`externalId ext-${count + 1}`);
}

describe('import --canary off a terminal', () => {
  it('with the ledger: sends exactly 5 at concurrency 8, shows them, exits 0; the printed command sends the rest once', async () => {
    const { box, input, dir } = await setUp();
    const env = { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: path.join(dir, 'ledger.sqlite') };
    const canary: CliRun = await runCli(
      importArgs(box, input, '--canary', '5', '--concurrency', '8', '--log-level', 'warn'),
      env,
    );
    expect(canary.stderr).toBe('');
    expect(canary.code).toBe(0);
    expect(box.leads).toHaveLength(5);
    expect(adds(box)).toHaveLength(5);
    expectFirstRowsShown(canary.stdout, 5);
    expect(canary.stdout).toContain('Stopped: canary: 5 rows sent, the rest not yet');
    expect(resultRows(input).map((row) => row._status)).toEqual(Array(5).fill('created'));

    const args = continueArgs(canary.stdout);
    expect(args).not.toContain('--canary');
    expect(args.at(-1)).toBe('--overwrite');
    const rest = await runCli(args, env);
    expect(rest.stderr).toBe('');
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`${ROWS - 5} created, 0 updated, 5 unchanged, 0 invalid, 0 failed`);
    // Seen again, so not absent: the canary's leads are in the file the continuing run read.
    expect(rest.stdout).not.toContain('not in this file');
    expect(box.leads).toHaveLength(ROWS);
    expect(adds(box)).toHaveLength(ROWS);
    expect(box.duplicates()).toEqual([]);
  }, 30_000);

  it('without a ledger: the printed command continues the results file with --resume, the first 5 not sent again', async () => {
    const { box, input } = await setUp();
    const env = { NLPEARL_API_TOKEN: box.token };
    const canary = await runCli(importArgs(box, input, '--canary=5', '--log-level', 'trace'), env);
    expect(canary.code).toBe(0);
    expect(box.leads).toHaveLength(5);
    expectFirstRowsShown(canary.stdout, 5);
    // The shown leads are stdout's alone: the log carries no lead data, even at trace.
    for (const text of [phoneOf(1), 'ext-1', 'Name 1']) expect(canary.stderr).not.toContain(text);
    const args = continueArgs(canary.stdout);
    expect(args.join(' ')).not.toContain('canary');
    expect(args.at(-1)).toBe('--resume');
    const rest = await runCli(args, env);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain('5 rows were already done by an earlier run');
    expect(box.leads).toHaveLength(ROWS);
    expect(adds(box)).toHaveLength(ROWS);
    expect(box.duplicates()).toEqual([]);
    expect(resultRows(input).map((row) => row._status)).toEqual(Array(ROWS).fill('created'));
  }, 30_000);

  it('counts only rows that reach the API: rows the ledger finds unchanged give their place to the next', async () => {
    const { box, input, dir } = await setUp();
    const env = { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: path.join(dir, 'ledger.sqlite') };
    const first = path.join(dir, 'first.csv');
    writeLeadsCsv(first, 10);
    expect((await runCli(importArgs(box, first, '--log-level', 'warn'), env)).code).toBe(0);
    const canary = await runCli(importArgs(box, input, '--canary', '5', '--log-level', 'warn'), env);
    expect(canary.code).toBe(0);
    expect(canary.stdout).toContain('5 created, 0 updated, 10 unchanged');
    expect(box.leads).toHaveLength(15);
    expect(canary.stdout).toMatch(/row +11 +created/);
    expect(canary.stdout).toMatch(/row +15 +created/);
    expect(canary.stdout).not.toMatch(/row +(10|16) /);
  }, 30_000);

  it('refuses standard input and a dry run, exit 2, nothing sent', async () => {
    const { box, input } = await setUp();
    const env = { NLPEARL_API_TOKEN: box.token };
    const stdin = await runCli(
      importArgs(box, '-', '--results', `${input}.out.csv`, '--canary', '5'),
      env,
      fs.readFileSync(input, 'utf8'),
    );
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toBe(
      'nlpearl-leads: --canary needs a file: standard input cannot be read again to continue\n',
    );
    const dry = await runCli(importArgs(box, input, '--dry-run', '--canary', '5'), env);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toBe('nlpearl-leads: --canary sends rows, and a dry run sends none\n');
    expect(box.requests).toHaveLength(0);
  }, 30_000);
});

describe.skipIf(!tmuxAvailable())('import --canary at a terminal', () => {
  it('asks after the 5 rows; yes sends the rest in the same run', async () => {
    const { box, input, dir } = await setUp();
    const ledger = path.join(dir, 'ledger.sqlite');
    terminal = startInTerminal(dir, importArgs(box, input, '--canary', '5'), {
      NLPEARL_API_TOKEN: box.token,
      NLPEARL_LEDGER: ledger,
    });
    const asked = await terminal.waitFor('Send the remaining rows? [y/N]');
    expectFirstRowsShown(asked, 5);
    expect(box.leads).toHaveLength(5);
    terminal.keys('y', 'Enter');
    expect(await terminal.exited()).toBe(0);
    const screen = terminal.screen();
    expect(screen).toMatch(/created +60/);
    expect(screen).toContain('(run 1)');
    expect(screen).not.toContain('Continue with');
    expect(box.leads).toHaveLength(ROWS);
    expect(adds(box)).toHaveLength(ROWS);
    expect(box.duplicates()).toEqual([]);
    expect(resultRows(input).map((row) => row._status)).toEqual(Array(ROWS).fill('created'));
  }, 30_000);

  it('no stops with exit 0 and the command that continues; nothing more is sent', async () => {
    const { box, input, dir } = await setUp();
    terminal = startInTerminal(dir, importArgs(box, input, '--canary', '5'), {
      NLPEARL_API_TOKEN: box.token,
      NLPEARL_LEDGER: path.join(dir, 'ledger.sqlite'),
    });
    await terminal.waitFor('Send the remaining rows? [y/N]');
    terminal.keys('n', 'Enter');
    expect(await terminal.exited()).toBe(0);
    const screen = terminal.screen();
    expect(screen).toContain('Stopped: canary: 5 rows sent, the rest not yet');
    const args = continueArgs(screen);
    expect(args).not.toContain('--canary');
    expect(box.leads).toHaveLength(5);
    expect(adds(box)).toHaveLength(5);
  }, 30_000);
});
