import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the upload code sees it; tests pass a virtual one. */
export interface Clock {
  /** Milliseconds on a monotonic scale: a wall-clock jump cannot stall or rush a run. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason (and clears its timer) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `performance.now()` and `node:timers/promises`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
};
