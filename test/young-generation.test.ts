import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  controlYoungGeneration,
  YOUNG_AND_STATE_MB,
  YOUNG_GENERATION_ENV,
  YoungGeneration,
  youngGenerationLimit,
  youngGenerationSetting,
  type HeapControls,
} from '../src/cli/young-generation.js';
import { SeenKeys } from '../src/mapping/seen-keys.js';
import { ESTIMATE_AFTER_BYTES } from '../src/pipeline/expected-rows.js';
import { importLeads } from '../src/pipeline/import-leads.js';
import { main } from '../src/cli/main.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { useTempDir } from './helpers/temp-dir.js';
import { fakeIo } from './helpers/cli-io.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const MODULE = fileURLToPath(new URL('../dist/cli/young-generation.js', import.meta.url));
const MB = 1024 * 1024;
const tempDir = useTempDir();

describe('youngGenerationLimit', () => {
  it('leaves V8 its 32 MB while the per-row state is small, and gives it back as the state grows', () => {
    expect(YOUNG_AND_STATE_MB).toBe(40);
    expect(youngGenerationLimit(0)).toBeUndefined();
    expect(youngGenerationLimit(3 * MB)).toBeUndefined(); // ~100,000 rows
    expect(youngGenerationLimit(8 * MB)).toBeUndefined(); // 32 + 8 = 40
    expect(youngGenerationLimit(8 * MB + 1)).toBe(16);
    expect(youngGenerationLimit(24 * MB)).toBe(16);
    expect(youngGenerationLimit(24 * MB + 1)).toBe(8);
    expect(youngGenerationLimit(31.5 * MB)).toBe(8); // ~1,000,000 rows
    expect(youngGenerationLimit(500 * MB)).toBe(8); // no smaller than 8
  });

  it('gives the smallest step to a run whose state cannot be known (stdin)', () => {
    expect(youngGenerationLimit(undefined)).toBe(8);
  });
});

describe('youngGenerationSetting', () => {
  it('fits by default, takes a fixed size or 0 (V8 alone) from the environment', () => {
    expect(youngGenerationSetting([], {})).toEqual({ mode: 'fit' });
    expect(youngGenerationSetting([], { [YOUNG_GENERATION_ENV]: ' ' })).toEqual({ mode: 'fit' });
    expect(youngGenerationSetting([], { [YOUNG_GENERATION_ENV]: '16' })).toEqual({ mode: 'fixed', mb: 16 });
    expect(youngGenerationSetting([], { [YOUNG_GENERATION_ENV]: '0' })).toEqual({ mode: 'off' });
  });

  it('leaves node alone when it was started with a semi-space flag, on its command line or in NODE_OPTIONS', () => {
    expect(youngGenerationSetting(['--max-semi-space-size=4'], {})).toEqual({ mode: 'off' });
    expect(youngGenerationSetting(['--semi_space_growth_factor=1'], {})).toEqual({ mode: 'off' });
    const env = {
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=64',
      [YOUNG_GENERATION_ENV]: '8',
    };
    expect(youngGenerationSetting([], env)).toEqual({ mode: 'off' });
    expect(youngGenerationSetting(['--max-old-space-size=512'], {})).toEqual({ mode: 'fit' });
  });

  it('refuses a value that is not a whole number of MB, naming the variable', () => {
    for (const value of ['lots', '-8', '1.5', '99999'])
      expect(youngGenerationSetting([], { [YOUNG_GENERATION_ENV]: value })).toEqual({
        error: `${YOUNG_GENERATION_ENV} must be a whole number of MB (0 for V8's own), got "${value}"`,
      });
  });

  it('the CLI reports a bad value in one line, exit code 2, before doing anything', async () => {
    const run = promisify(execFile)(process.execPath, [BIN, '--version'], {
      env: { ...process.env, [YOUNG_GENERATION_ENV]: 'lots' },
    });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: `nlpearl-leads: ${YOUNG_GENERATION_ENV} must be a whole number of MB (0 for V8's own), got "lots"\n`,
    });
  });
});

/** A heap whose young generation is `size` bytes, recording the growth factors set. */
function fakeHeap(size: number) {
  const heap = {
    size,
    factors: [] as number[],
    scavenge: undefined as (() => void) | undefined,
    stopped: false,
  };
  const controls: HeapControls = {
    newSpaceBytes: () => heap.size,
    setGrowthFactor: (factor) => heap.factors.push(factor),
    onScavenge: (listener) => {
      heap.scavenge = listener;
      return () => (heap.stopped = true);
    },
  };
  return { heap, controls };
}

describe('YoungGeneration', () => {
  it('stops growth once the limit is reached, and lets it grow again when the limit is raised', () => {
    const { heap, controls } = fakeHeap(4 * MB);
    const young = new YoungGeneration(controls);
    young.limit(8);
    expect(heap.factors).toEqual([]); // 4 MB: may still grow
    heap.size = 8 * MB;
    heap.scavenge?.();
    expect(heap.factors).toEqual([1]);
    heap.scavenge?.();
    expect(heap.factors).toEqual([1]); // set once, not at every scavenge
    young.limit(16);
    expect(heap.factors).toEqual([1, 2]);
    young.limit(undefined);
    heap.size = 32 * MB;
    heap.scavenge?.();
    expect(heap.factors).toEqual([1, 2]);
    young.stop();
    expect(heap.stopped).toBe(true);
  });

  it('does not watch V8 when there is no limit', () => {
    const { heap, controls } = fakeHeap(32 * MB);
    new YoungGeneration(controls).limit(undefined);
    expect(heap.scavenge).toBeUndefined();
    expect(heap.factors).toEqual([]);
  });

  it('holds a real V8 young generation at its limit, which grows to 32 MB without one', async () => {
    // Allocates fast with survivors, as an import does, and reports the largest young generation seen.
    const script = (limit: string) => `
      import v8 from 'node:v8';
      import { YoungGeneration } from ${JSON.stringify(MODULE)};
      const young = new YoungGeneration();
      young.limit(${limit});
      const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let largest = 0, kept = [];
      for (let round = 0; round < 400; round += 1) {
        for (let i = 0; i < 5_000; i += 1) { kept.push({ i, s: 'x' + i }); if (kept.length > 20_000) kept = kept.slice(10_000); }
        await new Promise((resolve) => setImmediate(resolve));
        largest = Math.max(largest, size());
      }
      young.stop();
      console.log(largest / 1048576);`;
    const run = (limit: string) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(limit)]).then((out) =>
        Number(out.stdout.trim()),
      );
    const [limited, free] = await Promise.all([run('4'), run('undefined')]);
    expect(limited).toBeLessThanOrEqual(4);
    expect(free).toBeGreaterThanOrEqual(16);
  });
});

describe('controlYoungGeneration', () => {
  it("holds the young generation before a run, then fits the limit to the run's per-row state", () => {
    const { heap, controls } = fakeHeap(2 * MB);
    const { memory, stop } = controlYoungGeneration({ mode: 'fit' }, controls);
    expect(heap.factors).toEqual([]); // nothing before a run
    memory?.hold();
    expect(heap.factors).toEqual([1]); // held at 2 MB
    memory?.fit(31 * MB); // ~1,000,000 rows: 8 MB
    expect(heap.factors).toEqual([1, 2]);
    heap.size = 8 * MB;
    heap.scavenge?.();
    expect(heap.factors).toEqual([1, 2, 1]);
    memory?.fit(3 * MB); // ~100,000 rows: V8's own growth again
    expect(heap.factors).toEqual([1, 2, 1, 2]);
    memory?.fit(undefined); // stdin: 8 MB
    expect(heap.factors).toEqual([1, 2, 1, 2, 1]);
    stop();
    expect(heap.stopped).toBe(true);
  });

  it('sets a fixed limit at once, and leaves V8 alone when off', () => {
    const fixed = fakeHeap(16 * MB);
    expect(controlYoungGeneration({ mode: 'fixed', mb: 16 }, fixed.controls).memory).toBeUndefined();
    expect(fixed.heap.factors).toEqual([1]);
    const off = fakeHeap(4 * MB);
    expect(controlYoungGeneration({ mode: 'off' }, off.controls).memory).toBeUndefined();
    expect(off.heap.scavenge).toBeUndefined();
    expect(off.heap.factors).toEqual([]);
  });
});

describe('importLeads tells the size of its per-row state', () => {
  /** A file of `rows` rows with a wide column, so that a few thousand rows pass the 4 MB mark. */
  function wideCsv(rows: number, externalIds: boolean): string {
    const file = path.join(tempDir(), 'wide.csv');
    writeLeadsCsv(file, rows, { externalIds, notes: 400 });
    return file;
  }

  const validate = async (
    input: string,
    options: { allowDuplicates?: boolean } = {},
  ): Promise<(number | undefined)[]> => {
    const told: (number | undefined)[] = [];
    const results = path.join(tempDir(), 'results.csv');
    const summary = await importLeads(
      { input, dryRun: true, results, overwrite: true, callData: false, ...options },
      { logger: pino({ level: 'silent' }), onRowStateSize: (bytes) => told.push(bytes) },
    );
    expect(summary.counts.valid).toBeGreaterThan(0);
    return told;
  };
  const perTable = (rows: number) => new SeenKeys().reserve(rows);

  it('for an input of 4 MB or more: a bound from its size, a guess after 512 KB, the tables after 4 MB', async () => {
    const rows = 12_000; // ~5.3 MB
    const file = wideCsv(rows, true);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(ESTIMATE_AFTER_BYTES);
    const told = await validate(file);
    expect(told).toHaveLength(3);
    expect(told[0]).toBe(2 * perTable(Math.ceil(size / 8))); // two tables: phone, externalId
    // The guess, after 512 KB, errs high (a quarter up for the reader's read-ahead); the tables are sized for
    // at least the rows there are.
    expect(told[1]).toBeGreaterThanOrEqual(2 * perTable(rows));
    expect(told[1]).toBeLessThanOrEqual(2 * perTable(Math.ceil(rows * 1.6)));
    expect(told[2]).toBeGreaterThanOrEqual(2 * perTable(rows));
    expect(told[2]).toBeLessThanOrEqual(2 * perTable(Math.ceil(rows * 1.3)));
    // Without an externalId column, one table.
    const phonesOnly = await validate(wideCsv(rows, false));
    expect(phonesOnly[2]).toBeGreaterThanOrEqual(perTable(rows));
    expect(phonesOnly[2]).toBeLessThanOrEqual(perTable(Math.ceil(rows * 1.3)));
  });

  it('the bound and a guess for an input between 512 KB and 4 MB, whose tables grow as needed', async () => {
    const told = await validate(wideCsv(3_000, true)); // ~1.3 MB
    expect(told).toHaveLength(2);
    expect(told[1]).toBeGreaterThanOrEqual(2 * perTable(3_000));
    expect(told[1]).toBeLessThanOrEqual(2 * perTable(Math.ceil(3_000 * 1.6)));
  });

  it('only the bound for a smaller input, and 0 when duplicates are allowed', async () => {
    const file = wideCsv(1_000, true);
    expect(await validate(file)).toEqual([2 * perTable(Math.ceil(fs.statSync(file).size / 8))]);
    expect(await validate(file, { allowDuplicates: true })).toEqual([0]);
  });
});

describe('the CLI', () => {
  it("holds the young generation back before an import's modules load, then fits it to the input", async () => {
    const file = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(file, 'phone,externalId\n+12125550100,a\n+12125550101,b\n');
    const told: (number | string | undefined)[] = [];
    const { io } = fakeIo();
    const memory = { hold: () => told.push('hold'), fit: (bytes: number | undefined) => told.push(bytes) };
    const results = path.join(tempDir(), 'results.csv');
    expect(await main(['validate', file, '--results', results], { ...io, memory })).toBe(0);
    expect(told).toEqual(['hold', 2 * new SeenKeys().reserve(Math.ceil(fs.statSync(file).size / 8))]);
    told.length = 0;
    expect(await main(['timezones'], { ...io, memory })).toBe(0);
    expect(told).toEqual([]); // other commands leave V8 alone
  });
});
