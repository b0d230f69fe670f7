import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  isRetryable,
  outcomeUnknown,
  parseRetryAfter,
} from '../src/upload/retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
const now = Date.parse('2026-11-27T10:00:00Z');

describe('decideRetry', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(decideRetry({ kind: 'http', status }, 1, policy, 0, now).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])('never retries HTTP %i', (status) => {
    expect(decideRetry({ kind: 'http', status }, 1, policy, 0, now)).toEqual({ retry: false });
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'])('retries network fault %s', (code) => {
    expect(decideRetry({ kind: 'network', code }, 1, policy, 0, now).retry).toBe(true);
  });

  it('does not retry an unknown local error such as a bad certificate', () => {
    expect(isRetryable({ kind: 'network', code: 'CERT_HAS_EXPIRED' })).toBe(false);
  });

  it('stops after the configured number of retries', () => {
    const failure = { kind: 'http', status: 503 } as const;
    expect(decideRetry(failure, 5, policy, 0, now).retry).toBe(true);
    expect(decideRetry(failure, 6, policy, 0, now)).toEqual({ retry: false });
    expect(decideRetry(failure, 1, { ...policy, retries: 0 }, 0, now)).toEqual({ retry: false });
  });

  it('backs off exponentially with jitter, capped', () => {
    const failure = { kind: 'http', status: 500 } as const;
    const delays = [1, 2, 3, 4, 5].map((attempt) => decideRetry(failure, attempt, policy, 0, now));
    expect(delays).toEqual([
      { retry: true, delayMs: 50 },
      { retry: true, delayMs: 100 },
      { retry: true, delayMs: 200 },
      { retry: true, delayMs: 400 },
      { retry: true, delayMs: 500 },
    ]);
    expect(decideRetry(failure, 3, policy, 0.999, now)).toEqual({ retry: true, delayMs: 400 });
  });

  it('honours Retry-After in seconds and as an HTTP date, up to the cap', () => {
    expect(decideRetry({ kind: 'http', status: 429, retryAfter: '2' }, 1, policy, 0.5, now)).toEqual({
      retry: true,
      delayMs: 2_000,
    });
    const date = new Date(now + 7_000).toUTCString();
    expect(decideRetry({ kind: 'http', status: 503, retryAfter: date }, 1, policy, 0.5, now)).toEqual({
      retry: true,
      delayMs: 7_000,
    });
    expect(decideRetry({ kind: 'http', status: 429, retryAfter: '86400' }, 1, policy, 0.5, now)).toEqual({
      retry: true,
      delayMs: policy.maxRetryAfterMs,
    });
  });

  it('falls back to backoff when Retry-After cannot be read', () => {
    expect(decideRetry({ kind: 'http', status: 429, retryAfter: 'soon' }, 1, policy, 0, now)).toEqual({
      retry: true,
      delayMs: 50,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, dates in the past and rubbish', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('tomorrow-ish', now)).toBeUndefined();
  });
});

describe('outcomeUnknown', () => {
  it('is true when the body may have reached the server', () => {
    expect(outcomeUnknown({ kind: 'network', code: 'ETIMEDOUT' })).toBe(true);
    expect(outcomeUnknown({ kind: 'network', code: 'ECONNRESET' })).toBe(true);
    expect(outcomeUnknown({ kind: 'http', status: 504 })).toBe(true);
  });

  it('is false when the server surely did not act', () => {
    expect(outcomeUnknown({ kind: 'network', code: 'ECONNREFUSED' })).toBe(false);
    expect(outcomeUnknown({ kind: 'http', status: 503 })).toBe(false);
    expect(outcomeUnknown({ kind: 'http', status: 429 })).toBe(false);
  });
});
