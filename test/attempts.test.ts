import { describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../src/upload/api-answer.js';
import { callWithRetries } from '../src/upload/attempts.js';
import { DEFAULT_RETRY_POLICY } from '../src/upload/retry-policy.js';
import type { SendContext } from '../src/upload/send-context.js';

function context(stop = new AbortController()) {
  const sleeps: number[] = [];
  const paced: string[] = [];
  const ctx: SendContext = {
    api: {
      addLead: () => Promise.reject(new Error('unused')),
      findLead: () => Promise.reject(new Error('unused')),
    },
    pacer: {
      acquire: (signal) =>
        signal?.aborted ? Promise.reject(new Error('stopped')) : (paced.push('go'), Promise.resolve()),
      onThrottled: (ms) => paced.push(`throttled ${ms}`),
      onSuccess: () => undefined,
    },
    policy: { ...DEFAULT_RETRY_POLICY, retries: 2 },
    stop: stop.signal,
    clock: {
      now: () => 0,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    },
    random: () => 0,
  };
  return { ctx, sleeps, paced, stop };
}

const script = <T>(answers: ApiAnswer<T>[]) => {
  let calls = 0;
  return {
    call: () => {
      calls += 1;
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error('script ran out')) : Promise.resolve(answer);
    },
    calls: () => calls,
  };
};
const http = (status: number, retryAfter?: string) =>
  ({ ok: false, failure: { kind: 'http', status, retryAfter }, message: `HTTP ${status}` }) as const;

describe('callWithRetries', () => {
  it('retries what the policy retries, paced each time, and returns the value', async () => {
    const { ctx, sleeps, paced } = context();
    const api = script<true>([http(503), http(429, '2'), { ok: true, value: true }]);
    await expect(callWithRetries(api.call, ctx)).resolves.toEqual({ kind: 'ok', value: true, attempts: 3 });
    expect(sleeps).toEqual([250, 2000]);
    expect(paced).toEqual(['go', 'go', 'throttled 2000', 'go']);
  });

  it('gives up after the retries, and at once on a 401 or a 400', async () => {
    const spent = script<true>([http(503), http(503), http(503)]);
    await expect(callWithRetries(spent.call, context().ctx)).resolves.toMatchObject({
      kind: 'failed',
      attempts: 3,
    });
    const refused = script<true>([http(401)]);
    await expect(callWithRetries(refused.call, context().ctx)).resolves.toMatchObject({
      kind: 'failed',
      fatal: 'credentials',
      attempts: 1,
    });
    const wrong = script<true>([http(400)]);
    await expect(callWithRetries(wrong.call, context().ctx)).resolves.toMatchObject({
      kind: 'failed',
      attempts: 1,
    });
    expect(wrong.calls()).toBe(1);
  });

  it('sends nothing once the run is stopping', async () => {
    const stop = new AbortController();
    stop.abort();
    const api = script<true>([]);
    await expect(callWithRetries(api.call, context(stop).ctx)).resolves.toEqual({
      kind: 'stopped',
      attempts: 0,
    });
    expect(api.calls()).toBe(0);
  });
});
