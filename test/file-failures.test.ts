import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutputError } from '../src/errors.js';
import { importLeads } from '../src/pipeline/import-leads.js';
import { SANDBOX_OUTBOUND, SANDBOX_TOKEN, startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => {
  vi.restoreAllMocks();
  sandbox.reset();
});

/** stderr without the JSON log lines: what a person reads. */
const plain = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !line.startsWith('{'))
    .join('\n');
const addLeads = () => sandbox.requests.filter((request) => request.method === 'PUT').length;
const cli = (args: string[]) =>
  runCli(['import', ...args, '--outbound', SANDBOX_OUTBOUND, '--api-url', sandbox.url, '--no-progress'], {
    NLPEARL_API_TOKEN: SANDBOX_TOKEN,
  });

describe('a results file that cannot be written', () => {
  it('in a folder that does not exist: one line naming the file, exit 2, no lead sent', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 5);
    const results = path.join(tempDir(), 'missing', 'out.csv');
    const run = await cli([input, '--results', results]);
    expect(run.code).toBe(2);
    expect(plain(run.stderr)).toBe(`nlpearl-leads: cannot write the results file ${results}: no such file\n`);
    expect(addLeads()).toBe(0);
  });

  it('on a full disk (/dev/full) from its first line: exit 2, no lead sent', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 5);
    const run = await cli([input, '--results', '/dev/full', '--overwrite']);
    expect(run.code).toBe(2);
    expect(plain(run.stderr)).toBe(
      'nlpearl-leads: cannot write the results file /dev/full: no space left on the device\n',
    );
    expect(addLeads()).toBe(0);
  });

  it('when the disk fills mid-run: the run stops (exit 3), sends nothing it cannot journal, and says why', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 400);
    const results = path.join(tempDir(), 'leads.results.csv');
    const write = fs.writeSync.bind(fs);
    let writes = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation((...args: Parameters<typeof fs.writeSync>) => {
      if (args[0] !== 1 && args[0] !== 2 && (writes += 1) > 40) {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return write(...args);
    });
    const summary = await importLeads(
      {
        input,
        results,
        outbound: SANDBOX_OUTBOUND,
        token: SANDBOX_TOKEN,
        apiUrl: sandbox.url,
        concurrency: 4,
        ledger: false,
      },
      { logger: pino({ level: 'silent' }) },
    );
    vi.restoreAllMocks();
    expect(summary.exitCode).toBe(3);
    expect(summary.stopped).toEqual({
      code: 'RESULTS_UNWRITABLE',
      message: `cannot write the results file ${results}: no space left on the device`,
    });
    // Every lead the server made was journaled first: none of those sent is unknown to the results file.
    const created = sandbox.leads.length;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(400);
    expect(addLeads()).toBe(created);
    const journaled = fs
      .readFileSync(results, 'utf8')
      .split('\n')
      .filter((line) => /^\d+,(sending|created),/.test(line))
      .map((line) => line.split(',')[0]);
    expect(new Set(journaled).size).toBeGreaterThanOrEqual(created);
  });

  it('is an OutputError for a library caller when nothing was sent yet', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 3);
    const results = path.join(tempDir(), 'nowhere', 'r.csv');
    const run = importLeads(
      {
        input,
        results,
        outbound: SANDBOX_OUTBOUND,
        token: SANDBOX_TOKEN,
        apiUrl: sandbox.url,
        ledger: false,
      },
      { logger: pino({ level: 'silent' }) },
    );
    await expect(run).rejects.toBeInstanceOf(OutputError);
    await expect(run).rejects.toMatchObject({ code: 'RESULTS_UNWRITABLE', path: results });
  });
});

describe('an input deleted mid-run', () => {
  it('is read to its end (the open file outlives its name): every row created once, exit 0', async () => {
    sandbox.setFaults({ latencyMs: 5 });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 3_000, { notes: 200 });
    const results = path.join(tempDir(), 'r.csv');
    const removing = (async () => {
      while (sandbox.stats().created < 10) await new Promise((resolve) => setTimeout(resolve, 10));
      fs.rmSync(input);
    })();
    const run = await cli([input, '--results', results, '--concurrency', '16']);
    await removing;
    sandbox.setFaults({ latencyMs: 0 });
    const levels = run.stderr
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.every((level) => level <= 30)).toBe(true); // info at most: no warning, no error
    expect(run.code).toBe(0);
    expect(fs.existsSync(input)).toBe(false);
    expect(sandbox.leads).toHaveLength(3_000);
    expect(new Set(sandbox.leads.map((lead) => lead.externalId)).size).toBe(3_000);
  });
});
