import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { repeated, writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli, startCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function readResults(file: string): Record<string, string>[] {
  return parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
}

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

/** Every row of the results file, once, in order, with the given status. */
function expectAll(results: Record<string, string>[], rows: number, status: string): void {
  expect(results.map((r) => Number(r._row))).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  expect(results.filter((r) => r._status !== status)).toEqual([]);
}

describe('answers without a leadId (issue: a 2xx without one added the lead twice)', () => {
  it.each([
    ['with externalIds', true, 2_000],
    ['without externalIds (looked up by phone)', false, 1_000],
  ] as const)(
    '%s: a fifth answered {"leadId": null}, a tenth as text/plain, 2 in 100 dropped after creating: each row created once',
    async (_, externalIds, rows) => {
      sandbox = await startSandbox({
        seed: 7,
        faults: { rateNoLeadId: 0.2, rateTextPlain: 0.1, rateCreateThenDrop: 0.02 },
      });
      const input = path.join(tempDir(), 'leads.csv');
      writeLeadsCsv(input, rows, { externalIds });
      const run = await runCli(importArgs(input, sandbox.url, '--timeout', '2', '--concurrency', '16'), {
        NLPEARL_API_TOKEN: sandbox.token,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
      expectAll(results, rows, 'created');
      expect(sandbox.leads).toHaveLength(rows);
      expect(sandbox.duplicates()).toEqual([]);
      const idOf = new Map(sandbox.leads.map((lead) => [lead.phoneNumber, lead.id]));
      expect(results.filter((r) => r._leadId === '' || idOf.get(r.phone ?? '') !== r._leadId)).toEqual([]);
      const adds = sandbox.requests.filter((request) => request.method === 'PUT');
      // The faults really happened, and no row was sent again after one of them.
      expect(adds.length).toBe(rows);
      const stats = sandbox.stats();
      expect(stats.byStatus['200']).toBeGreaterThan(rows);
    },
    60_000,
  );
});

describe('faults during a run', () => {
  it('ends with every row created exactly once through 503s, 429s, drops, lost answers and hangs', async () => {
    sandbox = await startSandbox({
      seed: 42,
      faults: {
        rate5xx: 0.1,
        rate429: 0.05,
        retryAfter: '1',
        rateDrop: 0.02,
        rateCreateThenDrop: 0.02,
        rateTextPlain: 0.1,
        rateHang: 0.005,
      },
    });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 5_000);
    // About one attempt in five fails here: with the default 5 retries, one row in ~18,000 would fail six
    // times running, so a 5,000-row run would end with a failed row one time in four. 10 makes that 1 in 10⁴.
    const run = await runCli(
      importArgs(input, sandbox.url, '--timeout', '2', '--concurrency', '48', '--retries', '10'),
      {
        NLPEARL_API_TOKEN: sandbox.token,
      },
    );
    const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
    expect(results.filter((r) => r._status !== 'created')).toEqual([]);
    expect(run.code).toBe(0);
    expectAll(results, 5_000, 'created');
    expect(sandbox.leads).toHaveLength(5_000);
    expect(repeated(sandbox.leads.map((l) => l.externalId))).toEqual([]);
    const idOf = new Map(sandbox.leads.map((l) => [l.externalId, l.id]));
    expect(results.filter((r) => idOf.get(`ext-${r._row}`) !== r._leadId)).toEqual([]);
    const stats = sandbox.stats();
    // The faults really happened: a run that met none would prove nothing.
    expect(stats.byStatus['503']).toBeGreaterThan(300);
    expect(stats.byStatus['429']).toBeGreaterThan(100);
  }, 150_000);

  it('--rate: the server never sees more than n requests in a second, pre-flight and retries included', async () => {
    sandbox = await startSandbox({ seed: 7, faults: { rate5xx: 0.15 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 150);
    const run = await runCli(importArgs(input, sandbox.url, '--rate', '40', '--concurrency', '16'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(0);
    expect(sandbox.leads).toHaveLength(150);
    const arrivals = sandbox.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(arrivals.length).toBeGreaterThan(165); // the pre-flight and ~25 retries of 503s went through it too
    let busiest = 0;
    for (let i = 0, j = 0; i < arrivals.length; i += 1) {
      while (j < arrivals.length && arrivals[j]! < arrivals[i]! + 1000) j += 1;
      busiest = Math.max(busiest, j - i);
    }
    expect(busiest).toBeLessThanOrEqual(40);
    expect(busiest).toBeGreaterThanOrEqual(30); // paced near the cap, not far below it
  }, 60_000);

  it('stops within seconds when the key is revoked, then --resume creates the rest once', async () => {
    sandbox = await startSandbox({ faults: { revokeAfter: 300, latencyMs: 5 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 1_500);
    const started = Date.now();
    const run = await runCli(importArgs(input, sandbox.url, '--concurrency', '8'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/NLPearl rejected the credentials mid-run \(HTTP 401/);
    const puts = sandbox.requests.filter((r) => r.method === 'PUT');
    const first401 = puts.findIndex((r) => r.status === 401);
    expect(first401).toBe(300);
    expect(puts.length - first401).toBeLessThanOrEqual(8);
    const lastPut = puts.at(-1)!.at;
    expect(lastPut - puts[first401]!.at).toBeLessThan(2_000);
    expect(Date.now() - started).toBeLessThan(15_000);

    sandbox.setFaults({ revokeAfter: null as unknown as undefined });
    const resumed = await runCli([...importArgs(input, sandbox.url), '--resume'], {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(resumed.code).toBe(0);
    expectAll(readResults(path.join(path.dirname(input), 'leads.results.csv')), 1_500, 'created');
    expect(sandbox.leads).toHaveLength(1_500);
    expect(repeated(sandbox.leads.map((l) => l.externalId))).toEqual([]);
  }, 60_000);

  it('fails every row when the API answers 503 to everything; retry then creates each once', async () => {
    sandbox = await startSandbox({ faults: { rate5xx: 1 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 60);
    const results = path.join(path.dirname(input), 'leads.results.csv');
    const run = await runCli(importArgs(input, sandbox.url, '--retries', '1'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(1);
    expectAll(readResults(results), 60, 'failed');
    expect(readResults(results)[0]).toMatchObject({
      _error: 'HTTP 503: Service Unavailable',
      _attempts: '2',
    });
    expect(run.stdout).toContain(
      `Retry the failed rows with: nlpearl-leads retry ${results} --outbound sandbox-outbound`,
    );

    sandbox.setFaults({ rate5xx: 0 });
    const retried = await runCli(
      ['retry', results, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--log-level', 'warn'],
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    expectAll(readResults(results), 60, 'created');
    expect(sandbox.leads).toHaveLength(60);
    expect(repeated(sandbox.leads.map((l) => l.externalId))).toEqual([]);
  }, 60_000);
});

describe('stopping and crashing', () => {
  async function runUntil(share: number, signal: NodeJS.Signals, rows: number, externalIds = true) {
    sandbox = await startSandbox({ faults: { latencyMs: 15 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, rows, { externalIds });
    const cli = startCli(importArgs(input, sandbox.url, '--concurrency', '8'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    const box = sandbox;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (box.leads.length >= rows * share) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
      setTimeout(() => reject(new Error('the run never reached the share')), 30_000).unref();
    });
    cli.child.kill(signal);
    const stoppedAt = Date.now();
    const run = await cli.done;
    return { input, run, stoppedAt, results: path.join(path.dirname(input), 'leads.results.csv') };
  }

  it('SIGTERM: exit 3 with a compact, readable results file; --resume finishes without duplicates', async () => {
    const { input, run, stoppedAt, results } = await runUntil(0.4, 'SIGTERM', 2_000);
    expect(run.code).toBe(3);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(run.stdout).toMatch(/Stopped: interrupted/);
    const partial = readResults(results);
    const rows = partial.map((r) => Number(r._row));
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(new Set(rows).size).toBe(rows.length);
    expect(partial.filter((r) => r._status !== 'created')).toEqual([]);
    expect(partial.length).toBe(sandbox!.leads.length);

    const resumed = await runCli([...importArgs(input, sandbox!.url), '--resume'], {
      NLPEARL_API_TOKEN: sandbox!.token,
    });
    expect(resumed.code).toBe(0);
    expectAll(readResults(results), 2_000, 'created');
    expect(sandbox!.leads).toHaveLength(2_000);
    expect(repeated(sandbox!.leads.map((l) => l.externalId))).toEqual([]);
  }, 60_000);

  it('kill -9: --resume looks up the rows that were in flight, and creates none twice', async () => {
    const { input, run, results } = await runUntil(0.4, 'SIGKILL', 2_000);
    expect(run.signal).toBe('SIGKILL');
    // Requests the dead process had sent may still complete on the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = fs.readFileSync(results, 'utf8');
    expect(text.split('\n')[0]).toBe('_row,_status,_leadId,_error,_attempts,phone,externalId,firstName');

    const resumed = await runCli([...importArgs(input, sandbox!.url), '--resume'], {
      NLPEARL_API_TOKEN: sandbox!.token,
    });
    expect(resumed.code).toBe(0);
    expectAll(readResults(results), 2_000, 'created');
    expect(repeated(sandbox!.leads.map((l) => l.externalId))).toEqual([]);
    expect(sandbox!.leads).toHaveLength(2_000);
    const lookups = sandbox!.requests.filter((r) => r.method === 'GET' && r.path.includes('/Lead/External/'));
    expect(lookups.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('pre-flight and the error budget', () => {
  it('refuses bad credentials and an unknown outbound before sending anything (exit 2)', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 5);
    const badToken = await runCli(importArgs(input, sandbox.url), {
      NLPEARL_API_TOKEN: 'acct-1:wrong-secret',
    });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(
      /^nlpearl-leads: credentials rejected by NLPearl \(HTTP 401\): the token must be "AccountId:SecretKey" from Settings → API, both parts current; nothing was sent\n$/,
    );
    const badOutbound = await runCli(
      ['import', input, '--outbound', '66a1f0-pearl', '--api-url', sandbox.url],
      {
        NLPEARL_API_TOKEN: sandbox.token,
      },
    );
    expect(badOutbound.code).toBe(2);
    expect(badOutbound.stderr).toContain(
      `outbound "66a1f0-pearl" not found (HTTP 404): v1 wants the outbound campaign's id, not the Pearl id in the platform's URL; nothing was sent`,
    );
    expect(sandbox.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(sandbox.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 401', 'POST 404']);
  });

  it('--no-preflight goes straight to the rows', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 3);
    const run = await runCli(importArgs(input, sandbox.url, '--no-preflight'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(0);
    expect(sandbox.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
  });

  it('stops with exit 3 once --max-errors rows have failed against the API', async () => {
    sandbox = await startSandbox();
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 200);
    const rejected = Array.from({ length: 40 }, () => ({
      status: 400,
      body: { title: 'One or more validation errors occurred.', errors: { PhoneNumber: ['Not reachable.'] } },
    }));
    sandbox.enqueue(...rejected);
    const run = await runCli(importArgs(input, sandbox.url, '--max-errors', '10', '--concurrency', '2'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'Stopped: error budget spent: 10 rows failed against the API (--max-errors 10)',
    );
    const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
    expect(results.filter((r) => r._status === 'failed').length).toBeGreaterThanOrEqual(10);
    expect(results.filter((r) => r._status === 'failed').length).toBeLessThanOrEqual(11);
    expect(results.length).toBeLessThan(200);
  });

  it('a share: --max-errors 50% is judged after 20 rows sent', async () => {
    sandbox = await startSandbox({ faults: { rate5xx: 1 } });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 300);
    const run = await runCli(importArgs(input, sandbox.url, '--max-errors', '50%', '--retries', '0'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(
      /Stopped: error budget spent: (\d+) of \1 rows sent failed \(--max-errors 50%\)/,
    );
    const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.length).toBeLessThan(40);
  });
});
