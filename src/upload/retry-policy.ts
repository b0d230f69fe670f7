/**
 * When to send a lead again, and after how long. Pure: the caller passes the failure, the attempt number and
 * a random source, so every branch is unit-tested without a clock.
 */

/** HTTP statuses worth another attempt. Any other 4xx means the request itself is wrong: sending it again won't help. */
const RETRY_STATUSES: ReadonlyMap<number, string> = new Map([
  [408, 'the server timed out waiting for the request; it did not process it'],
  [425, 'too early: the server asks to replay the request later'],
  [429, 'rate limited: slow down and try again (honouring Retry-After)'],
  [500, 'a server fault, often transient during deploys'],
  [502, 'a gateway could not reach the API: transient'],
  [503, 'the API is overloaded or restarting: transient'],
  [504, 'a gateway timed out waiting for the API: transient, and the lead may have been created'],
]);

/** Network failures worth another attempt: the connection, not the request, went wrong. */
const RETRY_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', // the server or a proxy dropped the connection (also "socket hang up")
  'ECONNREFUSED', // nothing listening right now: a restart
  'ECONNABORTED',
  'EPIPE', // we wrote to a connection the server had already closed
  'ETIMEDOUT', // got's per-attempt timeout, and the OS's connect timeout
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN', // a temporary DNS failure
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE', // the answer was cut off
]);

/**
 * Failures after which the server may have received (and acted on) the body: the answer was lost, not the
 * request. Before resending such a row we look it up by externalId, so one person is not called twice.
 */
const OUTCOME_UNKNOWN_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'EPIPE',
]);

export type AttemptFailure =
  | { kind: 'http'; status: number; retryAfter?: string | undefined }
  | { kind: 'network'; code: string }
  /** A 2xx answer without a leadId (the spec makes it nullable): the lead was most likely created. */
  | { kind: 'no-lead-id'; status: number };

export interface RetryPolicyOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Delay before the first retry; doubled on each later one. */
  readonly baseDelayMs: number;
  /** Cap of the exponential delay. */
  readonly maxDelayMs: number;
  /** Cap of a server's Retry-After, so one odd header cannot stall a nightly run for hours. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return RETRY_STATUSES.has(failure.status);
    case 'network':
      return RETRY_NETWORK_CODES.has(failure.code);
    case 'no-lead-id':
      return true; // sent again only after a lookup by externalId found no lead
  }
}

/** Whether the server may have created the lead although we have no id for it: look it up before resending. */
export function outcomeUnknown(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return failure.status === 504;
    case 'network':
      return OUTCOME_UNKNOWN_CODES.has(failure.code);
    case 'no-lead-id':
      return true;
  }
}

/**
 * @param attempt the attempt that just failed, from 1.
 * @param random a number in [0, 1) for jitter.
 * @param now the current time, to read an HTTP-date Retry-After.
 */
export function decideRetry(
  failure: AttemptFailure,
  attempt: number,
  options: RetryPolicyOptions,
  random: number,
  now: number,
): RetryDecision {
  if (attempt > options.retries || !isRetryable(failure)) return { retry: false };
  const asked = serverPause(failure, options, now);
  if (asked !== undefined) return { retry: true, delayMs: asked };
  // "Equal jitter": at least half the exponential delay, so retries keep backing off, and a random rest that
  // spreads the retries of many rows that failed together.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.round(ceiling / 2 + (random * ceiling) / 2) };
}

/**
 * How long the server asked us to wait (its Retry-After), capped by `maxRetryAfterMs`: the one place a
 * Retry-After is read. The pacer pauses all sending for it; the row's own retry waits it too.
 */
export function serverPause(
  failure: AttemptFailure,
  options: RetryPolicyOptions,
  now: number,
): number | undefined {
  if (failure.kind !== 'http' || failure.retryAfter === undefined) return undefined;
  const wait = parseRetryAfter(failure.retryAfter, now);
  return wait === undefined ? undefined : Math.min(wait, options.maxRetryAfterMs);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds to wait. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
