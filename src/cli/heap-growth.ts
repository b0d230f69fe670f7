import v8 from 'node:v8';
import { envNumber } from './env-number.js';

/**
 * How much V8 may grow its heap past what was live after a full garbage collection, in percent. V8's own
 * default grows it by up to 4× when the program allocates fast, which an import does (an HTTP request's worth of
 * short-lived objects per row), so a run's memory was mostly heap V8 had not collected yet: ~200 MB resident for
 * ~20–30 MB live. At 10% the heap follows what is live: ~134 MB instead of ~195 MB at 50,000 rows, for more
 * full collections, about 5% fewer rows/s on average (BENCHMARKS.md, target 3). 25 or 50 saved as much and were
 * no faster. Unlike `--max-old-space-size` this is no cap: a run that needs more memory still gets it.
 */
export const HEAP_GROWING_PERCENT = 10;

/**
 * Sets another percentage; 0 leaves V8's own growth. An environment variable because node refuses V8's flag in
 * NODE_OPTIONS ("is not allowed in NODE_OPTIONS"), and users start the installed command, not node.
 */
export const HEAP_GROWTH_ENV = 'NLPEARL_HEAP_GROWING_PERCENT';

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

export type HeapGrowth = { readonly flag: string | undefined } | { readonly error: string };

/**
 * The V8 flag the CLI sets at start: none when node was started with the flag (`node --heap-growing-percent=N
 * bin.js`: theirs wins) or the environment asks for 0, and an error for a value that is not a percentage.
 */
export function heapGrowthFlag(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): HeapGrowth {
  if (execArgv.some((argument) => FLAG.test(argument))) return { flag: undefined };
  const given = envNumber(env, HEAP_GROWTH_ENV, "percent (0 for V8's own growth)");
  if ('error' in given) return given;
  const percent = given.value ?? HEAP_GROWING_PERCENT;
  return { flag: percent === 0 ? undefined : `--heap-growing-percent=${percent}` };
}

/**
 * Sets the flag (see heapGrowthFlag); V8 reads it at each full collection, so setting it now is in time.
 * Returns the error to report, if the environment's value is not a percentage.
 */
export function limitHeapGrowth(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const growth = heapGrowthFlag(execArgv, env);
  if ('error' in growth) return growth.error;
  if (growth.flag !== undefined) v8.setFlagsFromString(growth.flag);
  return undefined;
}
