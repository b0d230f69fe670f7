import v8 from 'node:v8';

/**
 * How much V8 may grow its heap past what was live after a full garbage collection, in percent. V8's own
 * default grows it by up to 4× when the program allocates fast, which an import does (an HTTP request's worth of
 * short-lived objects per row), so a run's memory was mostly heap V8 had not collected yet: ~200 MB resident for
 * ~20–30 MB live. At 10% the heap follows what is live: ~134 MB instead of ~195 MB at 50,000 rows, for more
 * full collections, about 5% fewer rows/s on average (BENCHMARKS.md, target 3). 25 or 50 saved as much and were
 * no faster. Unlike `--max-old-space-size` this is no cap: a run that needs more memory still gets it.
 */
export const HEAP_GROWING_PERCENT = 10;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * The V8 flag the CLI sets at start, or undefined when the user set the same flag on node's command line or in
 * NODE_OPTIONS (theirs wins).
 */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  if (given.some((argument) => FLAG.test(argument))) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Sets the flag (see heapGrowthFlag); V8 reads it at each full collection, so setting it now is in time. */
export function limitHeapGrowth(execArgv: readonly string[], nodeOptions: string | undefined): void {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag !== undefined) v8.setFlagsFromString(flag);
}
