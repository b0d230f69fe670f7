import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, HEAP_GROWTH_ENV, heapGrowthFlag } from '../src/cli/heap-growth.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('heapGrowthFlag', () => {
  it('limits how far V8 grows the heap past what is live', () => {
    expect(heapGrowthFlag([], {})).toEqual({ flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}` });
    expect(heapGrowthFlag(['--enable-source-maps'], { [HEAP_GROWTH_ENV]: '' })).toEqual({
      flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    });
  });

  it('takes another percentage from the environment, and 0 as "leave V8 alone"', () => {
    expect(heapGrowthFlag([], { [HEAP_GROWTH_ENV]: ' 50 ' })).toEqual({ flag: '--heap-growing-percent=50' });
    expect(heapGrowthFlag([], { [HEAP_GROWTH_ENV]: '0' })).toEqual({ flag: undefined });
  });

  it('leaves the value node was started with alone, in either spelling, and does not mistake a longer flag', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=50'], {})).toEqual({ flag: undefined });
    expect(heapGrowthFlag(['--heap_growing_percent=0'], { [HEAP_GROWTH_ENV]: '20' })).toEqual({
      flag: undefined,
    });
    expect(heapGrowthFlag(['--heap-growing-percentage=5'], {})).toEqual({
      flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    });
  });

  it('refuses a value that is not a whole percentage, naming the variable', () => {
    for (const value of ['ten', '-5', '12.5', '99999'])
      expect(heapGrowthFlag([], { [HEAP_GROWTH_ENV]: value })).toEqual({
        error: `${HEAP_GROWTH_ENV} must be a whole number of percent (0 for V8's own growth), got "${value}"`,
      });
  });

  it('the CLI reports a bad value in one line, exit code 2, before doing anything', async () => {
    const run = promisify(execFile)(process.execPath, [BIN, '--version'], {
      env: { ...process.env, [HEAP_GROWTH_ENV]: 'lots' },
    });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: `nlpearl-leads: ${HEAP_GROWTH_ENV} must be a whole number of percent (0 for V8's own growth), got "lots"\n`,
    });
    const ok = await promisify(execFile)(process.execPath, [BIN, '--version'], {
      env: { ...process.env, [HEAP_GROWTH_ENV]: '0' },
    });
    expect(ok.stderr).toBe('');
  });
});
