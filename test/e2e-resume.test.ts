import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { phoneOf, repeated, writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const ADVICE =
  '--resume continues the same file only: for a fresh export every night, use the ledger (the default; see README) or --overwrite';

function importArgs(input: string, url: string, ...extra: string[]): string[] {
  return [
    'import',
    input,
    '--outbound',
    'sandbox-outbound',
    '--api-url',
    url,
    '--log-level',
    'warn',
    ...extra,
  ];
}

function readResults(file: string): Record<string, string>[] {
  return parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
}

/** The input's lines: the header first, then row r on line r + 1. */
function linesOf(file: string): string[] {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n');
}

function writeLines(file: string, lines: readonly string[]): void {
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function addLeads(box: Sandbox): number {
  return box.requests.filter((r) => r.method === 'PUT').length;
}

describe('--resume on the same file, and on a changed one', () => {
  it('continues a stopped run; refuses a changed export before any request; accepts a grown one', async () => {
    const box = (sandbox = await startSandbox({ faults: { revokeAfter: 40 } }));
    const dir = tempDir();
    const input = path.join(dir, 'leads.csv');
    const results = path.join(dir, 'leads.results.csv');
    writeLeadsCsv(input, 100);
    const env = { NLPEARL_API_TOKEN: box.token };

    const stopped = await runCli(importArgs(input, box.url, '--concurrency', '4'), env);
    expect(stopped.code).toBe(3);
    expect(box.leads.length).toBeGreaterThanOrEqual(40);
    expect(box.leads.length).toBeLessThan(100);

    box.setFaults({ revokeAfter: null as unknown as undefined });
    const resumed = await runCli(importArgs(input, box.url, '--resume'), env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const done = readResults(results);
    expect(done.map((r) => Number(r._row))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(done.filter((r) => r._status !== 'created')).toEqual([]);
    expect(box.leads).toHaveLength(100);
    expect(repeated(box.leads.map((l) => l.externalId))).toEqual([]);

    const original = linesOf(input);
    const recorded = fs.readFileSync(results);
    const changes: [string, string[], string][] = [
      [
        'a new row at the top',
        [original[0]!, `${phoneOf(0)},ext-0,Name 0`, ...original.slice(1)],
        'row 1 (line 2) is not the row it recorded',
      ],
      [
        'a row removed',
        original.filter((_, line) => line !== 50),
        'row 50 (line 51) is not the row it recorded',
      ],
      [
        'a cell edited',
        original.map((text, line) => (line === 70 ? text.replace('Name 70', 'Name Seventy') : text)),
        'row 70 (line 71) is not the row it recorded',
      ],
      ['the last row removed', original.slice(0, -1), 'row 100 is gone (the input ends at row 99, line 100)'],
    ];
    for (const [, lines, message] of changes) {
      writeLines(input, lines);
      const requests = box.requests.length;
      const refused = await runCli(importArgs(input, box.url, '--resume'), env);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toBe(
        `nlpearl-leads: the input ${input} has changed since ${results}: ${message}; ${ADVICE}\n`,
      );
      // Not even the pre-flight: the input is checked before the first request.
      expect(box.requests.length).toBe(requests);
      expect(fs.readFileSync(results).equals(recorded)).toBe(true);
    }

    // With a ledger too: --resume still means "the same file".
    writeLines(input, changes[2]![1]);
    const ledger = path.join(dir, 'ledger.sqlite');
    const requests = box.requests.length;
    const withLedger = await runCli(importArgs(input, box.url, '--resume'), {
      ...env,
      NLPEARL_LEDGER: ledger,
    });
    expect(withLedger.code).toBe(2);
    expect(withLedger.stderr).toMatch(/has changed since .*: row 70 \(line 71\) is not the row it recorded/);
    expect(box.requests.length).toBe(requests);

    writeLeadsCsv(input, 120);
    const sentBefore = addLeads(box);
    const grown = await runCli(importArgs(input, box.url, '--resume'), env);
    expect(grown.stderr).toBe('');
    expect(grown.code).toBe(0);
    expect(addLeads(box) - sentBefore).toBe(20);
    expect(grown.stdout).toMatch(/100 rows were already done by an earlier run/);
    expect(readResults(results).map((r) => Number(r._row))).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(box.leads).toHaveLength(120);
    expect(repeated(box.leads.map((l) => l.externalId))).toEqual([]);
  }, 60_000);
});

describe('--resume with the ledger', () => {
  it('counts the rows an earlier run finished as in the input: --absent deletes none of them', async () => {
    sandbox = await startSandbox();
    const dir = tempDir();
    const input = path.join(dir, 'leads.csv');
    writeLeadsCsv(input, 100);
    const env = { NLPEARL_API_TOKEN: sandbox.token, NLPEARL_LEDGER: path.join(dir, 'ledger.sqlite') };
    const first = await runCli(importArgs(input, sandbox.url, '--no-progress'), env);
    expect(first.code, first.stderr).toBe(0);
    // Every row is done in the results file: the resumed run sends nothing, and its leads are still tonight's.
    const resumed = await runCli(
      importArgs(
        input,
        sandbox.url,
        '--no-progress',
        '--resume',
        '--absent',
        'delete',
        '--max-absent',
        '100%',
      ),
      env,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sandbox.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(sandbox.leads).toHaveLength(100);
    expect(resumed.stdout).not.toMatch(/leads of earlier runs are not in this file/);
  }, 30_000);
});
