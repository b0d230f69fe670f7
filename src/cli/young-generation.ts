import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';
import { envNumber } from './env-number.js';

const MIB = 1024 * 1024;

/**
 * The young generation (V8's new space) and the run's per-row state together stay within this many MB. V8
 * grows its young generation to 32 MB (two 16 MB semi-spaces) when a program allocates fast, which an import
 * does: an HTTP request's worth of short-lived objects per row. Most of that is headroom, and it buys speed
 * (fewer scavenges), so a run keeps it while its duplicate tables are small; a big run gives it back as they
 * grow: 100,000 rows keep 32 MB (3 MB of tables), a million rows get 8 MB (31 MB of tables), and the peak stays
 * near 140 MB whatever the file's size, up to ~1.3 million rows (BENCHMARKS.md, target 3). A smaller young
 * generation costs CPU: 13–17% fewer rows/s when the CPU is the limit (0 ms latency), no loss measured at 50 ms.
 */
export const YOUNG_AND_STATE_MB = 40;

/** The sizes V8 steps through (it doubles), largest first; 32 is its own limit on 64-bit machines. */
const STEPS_MB = [32, 16, 8] as const;

/** For a run whose per-row state cannot be known (input from stdin): the smallest step. */
const UNKNOWN_STATE_MB = 8;

/** V8's own `--semi-space-growth-factor`. */
const V8_GROWTH_FACTOR = 2;

/**
 * A fixed size in MB instead (0: V8's own growth, no limit). An environment variable because the flag that would
 * set it, `--max-semi-space-size`, is read only when node starts, and users start the installed command.
 */
export const YOUNG_GENERATION_ENV = 'NLPEARL_YOUNG_GENERATION_MB';

const NODE_FLAG = /(^|\s)--(max|min)[-_]semi[-_]space[-_]size|(^|\s)--semi[-_]space[-_]growth[-_]factor/;

/**
 * The young generation's limit in MB for a run whose per-row state holds `stateBytes` (undefined: it cannot be
 * known, for input from stdin); undefined means V8's own, no limit.
 */
export function youngGenerationLimit(stateBytes: number | undefined): number | undefined {
  if (stateBytes === undefined) return UNKNOWN_STATE_MB;
  const fits = STEPS_MB.find((mb) => mb + stateBytes / MIB <= YOUNG_AND_STATE_MB) ?? UNKNOWN_STATE_MB;
  return fits === STEPS_MB[0] ? undefined : fits;
}

export type YoungGenerationSetting =
  | { readonly mode: 'fit' }
  | { readonly mode: 'fixed'; readonly mb: number }
  | { readonly mode: 'off' }
  | { readonly error: string };

/**
 * How the CLI sizes the young generation: 'fit' to the run's per-row state by default; 'fixed' or 'off' from
 * the environment; 'off' too when node was started with a semi-space flag (theirs wins).
 */
export function youngGenerationSetting(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): YoungGenerationSetting {
  if (execArgv.some((argument) => NODE_FLAG.test(argument)) || NODE_FLAG.test(env.NODE_OPTIONS ?? '')) {
    return { mode: 'off' };
  }
  const given = envNumber(env, YOUNG_GENERATION_ENV, "MB (0 for V8's own)");
  if ('error' in given) return given;
  if (given.value === undefined) return { mode: 'fit' };
  return given.value === 0 ? { mode: 'off' } : { mode: 'fixed', mb: given.value };
}

/** What is asked of V8, so that tests can stand in for it. */
export interface HeapControls {
  newSpaceBytes(): number;
  setGrowthFactor(factor: number): void;
  /** Calls `listener` after each scavenge (a young-generation collection); returns how to stop. */
  onScavenge(listener: () => void): () => void;
}

const V8_HEAP: HeapControls = {
  newSpaceBytes: () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  setGrowthFactor: (factor) => v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`),
  onScavenge: (listener) => {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some(isScavenge)) listener();
    });
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

/**
 * Keeps V8's young generation at or under a limit while node runs. V8 reads the semi-space limit only at start,
 * but it reads the growth factor each time it grows the young generation: after every scavenge this checks the
 * size and sets the factor to 1 (no growth) once the limit is reached, back to V8's 2 below it. The check runs
 * when the event loop next turns, so code that allocated for long without yielding could grow it a step past
 * the limit; an import yields after every few rows. V8 does not shrink it on request: a limit lower than the
 * size reached keeps that size.
 */
export class YoungGeneration {
  readonly #heap: HeapControls;
  #limitBytes: number | undefined;
  #frozen = false;
  #unwatch: (() => void) | undefined;

  constructor(heap: HeapControls = V8_HEAP) {
    this.#heap = heap;
  }

  /** Sets the limit in MB (0 holds it at its size now); undefined lets V8 grow it as it would. */
  limit(mb: number | undefined): void {
    this.#limitBytes = mb === undefined ? undefined : mb * MIB;
    this.#unwatch ??= mb === undefined ? undefined : this.#heap.onScavenge(() => this.#check());
    this.#check();
  }

  /** Stops watching; growth is left as it is. */
  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #check(): void {
    const freeze = this.#limitBytes !== undefined && this.#heap.newSpaceBytes() >= this.#limitBytes;
    if (freeze === this.#frozen) return;
    this.#heap.setGrowthFactor(freeze ? 1 : V8_GROWTH_FACTOR);
    this.#frozen = freeze;
  }
}

/** How the CLI fits the young generation to a run (see CliIo). */
export interface MemoryFit {
  /**
   * Holds the young generation at its size now until `fit` is called: it cannot be shrunk once grown, and
   * loading an import's modules alone would grow it to 16 MB.
   */
  readonly hold: () => void;
  /** Limits it for a run whose per-row state holds `rowStateBytes` (undefined: cannot be known). */
  readonly fit: (rowStateBytes: number | undefined) => void;
}

/** What the bin holds: `memory` for 'fit' (else undefined), and `stop` at the end. */
export interface YoungGenerationControl {
  readonly memory: MemoryFit | undefined;
  readonly stop: () => void;
}

/** Applies a setting: a fixed limit at once, or a limit fitted to each run when told its per-row state. */
export function controlYoungGeneration(
  setting: Exclude<YoungGenerationSetting, { error: string }>,
  heap: HeapControls = V8_HEAP,
): YoungGenerationControl {
  const young = new YoungGeneration(heap);
  if (setting.mode === 'fixed') young.limit(setting.mb);
  const memory: MemoryFit = {
    hold: () => young.limit(0),
    fit: (bytes) => young.limit(youngGenerationLimit(bytes)),
  };
  return { memory: setting.mode === 'fit' ? memory : undefined, stop: () => young.stop() };
}

function isScavenge(entry: PerformanceEntry): boolean {
  return (
    (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
    constants.NODE_PERFORMANCE_GC_MINOR
  );
}
