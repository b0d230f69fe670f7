import { setTimeout as delay } from 'node:timers/promises';

/** Time as the upload sees it; tests pass their own. */
export interface Clock {
  /** Milliseconds on a monotonic scale: a wall-clock jump cannot stall or rush a run. */
  now(): number;
  /** Resolves after `ms`; rejects (and clears its timer) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal }),
};
