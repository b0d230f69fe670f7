import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerEvents } from '../src/upload/circuit-breaker.js';
import type { Pacer } from '../src/upload/pacer.js';

const inner: Pacer = {
  acquire: () => Promise.resolve(),
  onThrottled: () => undefined,
  onSuccess: () => undefined,
};
const options = { threshold: 3, probeIntervalMs: 100, maxProbeIntervalMs: 400, maxOpenMs: 1_000 };

function harness(probes: boolean[]) {
  let now = 0;
  const log: string[] = [];
  const events: BreakerEvents = {
    probe: () => Promise.resolve(probes.shift() ?? false),
    onOpen: (failures) => log.push(`open after ${failures}`),
    onClose: (downMs) => log.push(`closed after ${downMs} ms`),
    onGiveUp: (downMs) => log.push(`gave up after ${downMs} ms`),
    clock: {
      sleep: (ms) => {
        now += ms;
        log.push(`wait ${ms}`);
        return Promise.resolve();
      },
      now: () => now,
    },
  };
  return { breaker: new CircuitBreaker(inner, options, events), log };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and holds attempts until a probe passes', async () => {
    const { breaker, log } = harness([false, false, true]);
    const stop = new AbortController().signal;
    breaker.onTransientFailure(stop);
    breaker.onTransientFailure(stop);
    expect(breaker.open).toBe(false);
    breaker.onTransientFailure(stop);
    expect(breaker.open).toBe(true);
    await breaker.acquire();
    expect(breaker.open).toBe(false);
    expect(log).toEqual(['open after 3', 'wait 100', 'wait 200', 'wait 400', 'closed after 700 ms']);
  });

  it('a success in between resets the count', () => {
    const { breaker } = harness([]);
    const stop = new AbortController().signal;
    breaker.onTransientFailure(stop);
    breaker.onTransientFailure(stop);
    breaker.onSuccess();
    breaker.onTransientFailure(stop);
    breaker.onTransientFailure(stop);
    expect(breaker.open).toBe(false);
  });

  it('gives up when the API stays down past maxOpenMs', async () => {
    const { breaker, log } = harness([]);
    const stop = new AbortController().signal;
    for (let i = 0; i < 3; i += 1) breaker.onTransientFailure(stop);
    await breaker.acquire();
    expect(log.at(-1)).toBe('gave up after 1100 ms');
  });

  it('lets a stopping run out of the wait', async () => {
    const stop = new AbortController();
    const breaker = new CircuitBreaker(inner, options, {
      probe: () => Promise.resolve(false),
      onOpen: () => undefined,
      onClose: () => undefined,
      onGiveUp: () => undefined,
      clock: {
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) =>
            signal?.addEventListener('abort', () => reject(new Error('stopped'))),
          ),
        now: () => 0,
      },
    });
    for (let i = 0; i < 3; i += 1) breaker.onTransientFailure(stop.signal);
    const waiting = breaker.acquire(stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow();
  });
});
