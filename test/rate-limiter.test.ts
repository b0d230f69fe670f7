import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/sandbox/faults.js';
import { RateLimiter } from '../src/upload/rate-limiter.js';
import { VirtualClock } from './helpers/virtual-clock.js';

/** Starts `count` acquisitions at once; returns when each was granted, checking they were granted in order. */
async function grantTimes(limiter: RateLimiter, count: number, now: () => number): Promise<number[]> {
  const times: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await limiter.acquire();
      times[i] = now();
      order.push(i);
    }),
  );
  expect(order).toEqual([...order].sort((a, b) => a - b));
  return times;
}

/** The most times in any window of `windowMs` (half-open, as a server counts the last second). */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j += 1;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('RateLimiter: the hard cap', () => {
  it('paces grants evenly at the cap, in order, on the real clock', async () => {
    const limiter = new RateLimiter({ maxPerSecond: 50 });
    const start = performance.now();
    const times = await grantTimes(limiter, 60, () => performance.now());
    const elapsed = performance.now() - start;
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(50);
    // A late timer catches up by less than one interval (20 ms): never a window's worth at once.
    expect(busiestWindow(times, 100)).toBeLessThanOrEqual(6);
    // 50 paced 20 ms apart, the window's margin, then 10 more: about 0.98 + 0.05 + 0.2 s.
    expect(elapsed).toBeGreaterThanOrEqual(1200);
    expect(elapsed).toBeLessThan(1700);
  });

  it('on a virtual clock: 10 ms apart, a full window lasts 1 s + the margin, and no timer is left', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: 100, clock });
    const done = grantTimes(limiter, 250, () => clock.now());
    await clock.runUntil(10_000);
    const times = await done;
    expect(times.slice(0, 3)).toEqual([0, 10, 20]);
    expect(times.slice(99, 102)).toEqual([990, 1050, 1060]);
    expect(busiestWindow(times, 1050)).toBe(100);
    expect(Math.min(...times.slice(1).map((t, i) => t - times[i]!))).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the server’s count within the cap when requests reach it up to 45 ms apart', async () => {
    for (const seed of [1, 2, 3]) {
      const clock = new VirtualClock();
      const limiter = new RateLimiter({ maxPerSecond: 100, clock });
      const random = createRandom(seed);
      // What the server counts: the grant plus a transit time that varies (event loop, GC, network).
      const done = grantTimes(limiter, 1000, () => clock.now() + 1 + random() * 44);
      await clock.runUntil(20_000);
      const arrivals = await done;
      expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(100);
      expect(Math.max(...arrivals)).toBeLessThan(10_600); // the margin costs ~5%, no more
    }
  });

  it.each([
    { cap: 2.5, most: 2, spacing: 400 },
    { cap: 0.5, most: 1, spacing: 2000 },
    { cap: 1, most: 1, spacing: 1000 },
  ])('holds a cap of $cap/s: at most $most in any second, $spacing ms apart or more', async (c) => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: c.cap, clock });
    const done = grantTimes(limiter, 12, () => clock.now());
    await clock.runUntil(60_000);
    const times = await done;
    expect(busiestWindow(times, 1000)).toBe(c.most);
    expect(Math.min(...times.slice(1).map((t, i) => t - times[i]!))).toBeGreaterThanOrEqual(c.spacing);
    if (c.cap === 0.5) expect(times.slice(0, 3)).toEqual([0, 2000, 4000]);
  });

  it('starts afresh after an idle spell instead of bursting to catch up', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: 10, clock });
    const first = grantTimes(limiter, 2, () => clock.now());
    await clock.runUntil(5_000);
    expect(await first).toEqual([0, 100]);
    const later = grantTimes(limiter, 3, () => clock.now());
    await clock.runUntil(10_000);
    expect(await later).toEqual([5_000, 5_100, 5_200]);
  });

  it('reports the cap as the current rate, and refuses a cap that is not a positive number', () => {
    expect(new RateLimiter({ maxPerSecond: 20 }).currentRate).toBe(20);
    expect(new RateLimiter().currentRate).toBeUndefined();
    expect(() => new RateLimiter({ maxPerSecond: 0 })).toThrow(
      'Expected maxPerSecond to be a positive number, got 0',
    );
    expect(() => new RateLimiter({ maxPerSecond: Number.NaN })).toThrow('got NaN');
  });
});

describe('RateLimiter: waiting', () => {
  it('grants at once while unpaced, without a timer', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    for (let i = 0; i < 1000; i += 1) await limiter.acquire();
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the signal’s reason when aborted while waiting, and clears its timer', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    await clock.runUntil(100);
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await clock.runUntil(200);
    expect(clock.pendingTimers).toBe(0);
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('stop');
  });

  it('lets the next waiter through when the one ahead of it is aborted', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const first = limiter.acquire(controller.signal);
    let secondAt: number | undefined;
    const second = limiter.acquire().then(() => (secondAt = clock.now()));
    controller.abort(new Error('stop'));
    await expect(first).rejects.toThrow('stop');
    await clock.runUntil(5000);
    await second;
    expect(secondAt).toBe(1050);
  });
});

/** `accepted` successes, then `throttled` 429s with this Retry-After, all at the clock's present time. */
function answer(limiter: RateLimiter, accepted: number, throttled: number, retryAfterMs?: number): void {
  for (let i = 0; i < accepted; i += 1) limiter.onSuccess();
  for (let i = 0; i < throttled; i += 1) limiter.onThrottled(retryAfterMs);
}

/** Workers that loop acquire → 50 ms → answer, a 429 when `throttled()` says so. */
function startWorkers(
  limiter: RateLimiter,
  clock: VirtualClock,
  workers: number,
  throttled: () => boolean = () => false,
): void {
  const worker = async (): Promise<void> => {
    for (;;) {
      await limiter.acquire();
      await clock.sleep(50);
      if (throttled()) limiter.onThrottled();
      else limiter.onSuccess();
    }
  };
  for (let i = 0; i < workers; i += 1) void worker();
}

describe('RateLimiter: a Retry-After that comes with throttling', () => {
  it('pauses every waiter until it has passed, as given (the caller caps it)', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 0, 20, 3000);
    const done = grantTimes(limiter, 5, () => clock.now());
    await clock.runUntil(2999);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(10_000);
    expect(await done).toEqual([3000, 3000, 3000, 3000, 3000]);
    answer(limiter, 0, 20, 200_000);
    const later = grantTimes(limiter, 1, () => clock.now());
    await clock.runUntil(300_000);
    expect(await later).toEqual([210_000]);
  });

  it('holds the waiters already queued too, under a cap, and the cap holds after it', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxPerSecond: 10, clock });
    const done = grantTimes(limiter, 4, () => clock.now());
    await clock.runUntil(150); // two granted, two waiting
    answer(limiter, 0, 20, 1000);
    await clock.runUntil(10_000);
    expect(await done).toEqual([0, 100, 1150, 1250]);
  });

  it('does not pause for 429s that are not throttling: only their own rows wait', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 50, 19, 3000); // 19 of 69: under 20
    answer(limiter, 150, 2, 3000); // 21 of 221: under 10%
    const done = grantTimes(limiter, 2, () => clock.now());
    await clock.runUntil(10_000);
    expect(await done).toEqual([0, 0]);
    expect(limiter.currentRate).toBeUndefined();
  });
});

describe('RateLimiter: the adaptive pace', () => {
  it('starts at 90% of what the server accepted in the last second, on the first sign of throttling', () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 200, 22); // 22 of 222: under 10%
    expect(limiter.currentRate).toBeUndefined();
    limiter.onThrottled();
    expect(limiter.currentRate).toBeCloseTo(180);
  });

  it('starts on any 429 once answers have come for a second, from the last second’s count', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 300, 0);
    await clock.runUntil(999);
    answer(limiter, 0, 1); // a first second of answers is no rate yet
    expect(limiter.currentRate).toBeUndefined();
    await clock.runUntil(1500);
    answer(limiter, 100, 1); // the 300 are more than a second old: 100 in the last second
    expect(limiter.currentRate).toBeCloseTo(90);
  });

  it('reacts to a burst once, then to the next burst after it has settled', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 200, 30);
    expect(limiter.currentRate).toBeCloseTo(180);
    await clock.runUntil(1999);
    answer(limiter, 50, 30); // still answering what was sent before: no second decrease
    expect(limiter.currentRate).toBeCloseTo(180);
    await clock.runUntil(2000);
    answer(limiter, 100, 30); // 150 accepted in the last second
    expect(limiter.currentRate).toBeCloseTo(135);
  });

  it('only pauses, and stays unpaced, when the server accepted nothing in the last second', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 0, 32, 1000);
    expect(limiter.currentRate).toBeUndefined();
    const done = grantTimes(limiter, 3, () => clock.now());
    await clock.runUntil(5000);
    expect(await done).toEqual([1000, 1000, 1000]);
  });

  it('spaces grants evenly at the pace, and reports the lower of pace and cap', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 100, 20);
    const done = grantTimes(limiter, 4, () => clock.now());
    await clock.runUntil(2000);
    for (const [i, t] of (await done).entries()) expect(t).toBeCloseTo((i * 1000) / 90);
    const capped = new RateLimiter({ clock, maxPerSecond: 50 });
    answer(capped, 100, 20);
    expect(capped.currentRate).toBe(50);
  });

  it('climbs back by 2% a second while the pace is kept, and no further than the cap allows', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 100, 20);
    startWorkers(limiter, clock, 20);
    const rates: number[] = [];
    for (let second = 1; second <= 6; second += 1) {
      await clock.runUntil(second * 1000 + 500);
      rates.push(limiter.currentRate!);
    }
    expect(rates.map((rate) => rate.toFixed(2))).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => (90 * 1.02 ** n).toFixed(2)),
    );
    const capped = new RateLimiter({ clock, maxPerSecond: 100 });
    answer(capped, 100, 20);
    startWorkers(capped, clock, 20);
    await clock.runUntil(60_000);
    // 100 in any 1.05 s is 95.2/s: the pace climbs to what it can keep, and one step (2%) past it.
    expect(capped.currentRate).toBeGreaterThan(94);
    expect(capped.currentRate).toBeLessThan(97.5);
  });

  it('does not climb while demand stays below the pace', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 100, 20);
    for (let second = 1; second <= 6; second += 1) {
      await clock.runUntil(second * 1000);
      await limiter.acquire();
      limiter.onSuccess();
    }
    expect(limiter.currentRate).toBeCloseTo(90);
  });

  it('past the limit, climbs only after 2 s without a 429: random 429s below it do not hold it back', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ clock });
    answer(limiter, 100, 20); // the limit: 100/s; the pace: 90
    let refusing = true;
    let answers = 0;
    startWorkers(limiter, clock, 20, () => refusing && (answers += 1) % 40 === 0);
    await clock.runUntil(20_000);
    const held = limiter.currentRate!;
    expect(held).toBeGreaterThan(100);
    expect(held).toBeLessThan(102.1);
    refusing = false;
    await clock.runUntil(30_000);
    expect(limiter.currentRate).toBeGreaterThan(1.1 * held);
  });
});

type Pacer = Pick<RateLimiter, 'acquire' | 'onSuccess' | 'onThrottled'>;

/** Holds nobody back and learns nothing: what the workers achieve on their own. */
const unpaced: Pacer = { acquire: () => Promise.resolve(), onSuccess: () => {}, onThrottled: () => {} };

/**
 * Workers loop acquire → request → answer for `seconds` of virtual time; each request takes `latencyMs`
 * (drawn from a range), half of it on the way to the server. A 429 reports `retryAfterMs` and that worker waits
 * it (or 500 ms, the retry policy's first backoff) before its next request, as a row waits for its retry.
 */
async function simulate(options: {
  accept: (now: number) => boolean;
  retryAfterMs?: number | undefined;
  workers: number;
  seconds: number;
  latencyMs?: readonly [number, number];
  pacer?: Pacer;
}): Promise<{ delivered: number; sent: number; throttled: number }> {
  const clock = new VirtualClock();
  const pacer = options.pacer ?? new RateLimiter({ clock });
  const random = createRandom(42);
  const [low, high] = options.latencyMs ?? [20, 80];
  const end = options.seconds * 1000;
  const result = { delivered: 0, sent: 0, throttled: 0 };
  const worker = async (): Promise<void> => {
    while (clock.now() < end) {
      await pacer.acquire();
      result.sent += 1;
      const latency = low + random() * (high - low);
      await clock.sleep(latency / 2);
      const ok = options.accept(clock.now());
      await clock.sleep(latency / 2);
      if (ok) {
        result.delivered += 1;
        pacer.onSuccess();
      } else {
        result.throttled += 1;
        pacer.onThrottled(options.retryAfterMs);
        await clock.sleep(options.retryAfterMs ?? 500);
      }
    }
  };
  for (let i = 0; i < options.workers; i += 1) void worker();
  await clock.runUntil(end);
  return result;
}

/** A sliding window: accepted while fewer than `limit` were accepted in the last second. */
function slidingServer(limit: number): (now: number) => boolean {
  const accepted: number[] = [];
  return (now) => {
    while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
    if (accepted.length >= limit) return false;
    accepted.push(now);
    return true;
  };
}

/** Like the sandbox's throttle: a 1-second window opens at the first request after the last one closed. */
function fixedWindowServer(limit: number): (now: number) => boolean {
  let start = -Infinity;
  let count = 0;
  return (now) => {
    if (now - start >= 1000) [start, count] = [now, 0];
    count += 1;
    return count <= limit;
  };
}

describe('RateLimiter: a server throttling at 200 requests/s, over a virtual minute', () => {
  it.each([
    {
      name: 'a fixed window with Retry-After: 1, like the sandbox',
      accept: fixedWindowServer,
      retryAfterMs: 1000,
      workers: 200,
    },
    {
      name: 'the same with 32 workers at 0–2 ms',
      accept: fixedWindowServer,
      retryAfterMs: 1000,
      workers: 32,
      latencyMs: [0, 2] as const,
    },
    { name: 'the same with 16 workers', accept: fixedWindowServer, retryAfterMs: 1000, workers: 16 },
    {
      name: 'a sliding window without Retry-After',
      accept: slidingServer,
      retryAfterMs: undefined,
      workers: 200,
    },
  ])('delivers ≥ 90% of the limit with ≤ 5% of 429s: $name', async (c) => {
    const seconds = 60;
    const result = await simulate({ ...c, accept: c.accept(200), seconds });
    expect(result.delivered / seconds).toBeGreaterThanOrEqual(180);
    expect(result.throttled / result.sent).toBeLessThanOrEqual(0.05);
  });
});

describe('RateLimiter: a server refusing a random 5% with Retry-After: 1, over a virtual minute', () => {
  // Each 429 sends its worker to sleep for a second, which alone bounds what the workers deliver; so the
  // baseline is the same workers against the same server, unpaced. The pace holds near what they delivered
  // when it started (few workers deliver in bursts, which the pace evens out): it must not wear down.
  it.each([
    { workers: 16, latency: '1–3 ms', latencyMs: [1, 3] as const, share: 0.75 },
    { workers: 48, latency: '1–3 ms', latencyMs: [1, 3] as const, share: 0.85 },
    { workers: 50, latency: '50 ms', latencyMs: [50, 50] as const, share: 0.95 },
  ])('delivers ≥ $share of what $workers workers at $latency do unpaced', async (c) => {
    for (const seed of [7, 8, 9]) {
      const run = (pacer?: Pacer) => {
        const random = createRandom(seed);
        return simulate({ ...c, accept: () => random() >= 0.05, retryAfterMs: 1000, seconds: 60, pacer });
      };
      const baseline = await run(unpaced);
      const result = await run();
      expect(result.delivered).toBeGreaterThanOrEqual(c.share * baseline.delivered);
    }
  });
});
