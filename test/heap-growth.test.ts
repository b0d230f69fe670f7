import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../src/cli/heap-growth.js';

describe('heapGrowthFlag', () => {
  it('limits how far V8 grows the heap past what is live', () => {
    expect(heapGrowthFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=512')).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it("leaves the user's own value alone, on node's command line or in NODE_OPTIONS, in either spelling", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=50'], undefined)).toBeUndefined();
    expect(heapGrowthFlag([], '--max-old-space-size=512 --heap_growing_percent=0')).toBeUndefined();
    expect(heapGrowthFlag(['--heap-growing-percent'], '')).toBeUndefined();
  });

  it('does not mistake a longer flag for it', () => {
    expect(heapGrowthFlag(['--heap-growing-percentage=5'], undefined)).toBeDefined();
  });
});
