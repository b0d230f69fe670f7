import type { LeadBody } from '../types.js';
import type { ApiAnswer } from './api-answer.js';
import {
  decideRetry,
  outcomeUnknown,
  parseRetryAfter,
  type AttemptFailure,
  type RetryPolicyOptions,
} from './retry-policy.js';

/** The slice of the client a send needs; tests pass their own. */
export interface LeadApi {
  addLead(body: LeadBody, signal?: AbortSignal): Promise<ApiAnswer<string>>;
  findLeadByExternalId(externalId: string, signal?: AbortSignal): Promise<ApiAnswer<string | undefined>>;
}

/** Paces every request, first tries and retries alike (see RateLimiter). */
export interface Pacer {
  acquire(signal?: AbortSignal): Promise<void>;
  onThrottled(retryAfterMs?: number): void;
  onSuccess(): void;
  /** A 5xx or network fault: the circuit breaker counts these. */
  onTransientFailure?(stop: AbortSignal): void;
}

export interface SendContext {
  readonly api: LeadApi;
  readonly pacer: Pacer;
  readonly policy: RetryPolicyOptions;
  /** Aborted for a graceful stop: no new attempt starts; one already sent is let finish. */
  readonly stop: AbortSignal;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
}

/** Why a run must stop when the API answers this to one row. */
export type FatalReason = 'credentials' | 'outbound';

export type SendOutcome =
  | { status: 'created'; leadId: string; attempts: number; foundByLookup: boolean }
  | { status: 'failed'; error: string; attempts: number; fatal?: FatalReason }
  /** The run stopped after an attempt whose outcome is unknown: the row may or may not exist. */
  | { status: 'unknown'; error: string; attempts: number }
  /** The run stopped before this row's first attempt. */
  | { status: 'not-sent' };

export interface SendHooks {
  /**
   * Called once, just before the first request of this row goes out (the crash journal's "sending"); the
   * request waits for it, and a rejection (the results file cannot be written) ends the send with it.
   */
  readonly beforeFirstRequest: () => void | Promise<void>;
  /** The row may already exist (an earlier run crashed while sending it): look it up before sending. */
  readonly mayExist?: boolean;
}

/**
 * Sends one lead until it is created, fails for good, or the run stops. Before resending a lead whose last
 * attempt may have reached the server, it looks the lead up by externalId, so nobody is called twice.
 */
export async function sendLead(body: LeadBody, context: SendContext, hooks: SendHooks): Promise<SendOutcome> {
  const { api, pacer, policy, stop } = context;
  let attempts = 0;
  let lookups = 0;
  let requests = 0;
  let unknown = hooks.mayExist === true;
  let lastError = '';

  const stopped = (): SendOutcome => {
    if (requests === 0) return { status: 'not-sent' };
    if (unknown)
      return { status: 'unknown', error: `run stopped; outcome unknown after: ${lastError}`, attempts };
    return {
      status: 'failed',
      error: `run stopped before the next retry; last error: ${lastError}`,
      attempts,
    };
  };
  const begin = async (): Promise<boolean> => {
    try {
      await pacer.acquire(stop);
    } catch {
      return false;
    }
    if (requests === 0) await hooks.beforeFirstRequest();
    requests += 1;
    return true;
  };
  /** Judges a failure; returns false when the row has failed for good. Waits the backoff otherwise. */
  const backoff = async (failure: AttemptFailure, count: number): Promise<boolean | 'stopped'> => {
    if (failure.kind === 'http' && failure.status === 429) {
      const wait =
        failure.retryAfter === undefined ? undefined : parseRetryAfter(failure.retryAfter, context.now());
      pacer.onThrottled(wait === undefined ? undefined : Math.min(wait, policy.maxRetryAfterMs));
    } else if (failure.kind === 'network' || failure.status >= 500) {
      pacer.onTransientFailure?.(stop);
    } else {
      pacer.onSuccess();
    }
    const decision = decideRetry(failure, count, policy, context.random(), context.now());
    if (!decision.retry) return false;
    try {
      await context.sleep(decision.delayMs, stop);
    } catch {
      return 'stopped';
    }
    return true;
  };

  for (;;) {
    if (stop.aborted) return stopped();
    if (unknown && body.externalId !== undefined) {
      if (!(await begin())) return stopped();
      lookups += 1;
      const found = await api.findLeadByExternalId(body.externalId);
      if (found.ok) {
        pacer.onSuccess();
        if (found.value !== undefined) {
          return { status: 'created', leadId: found.value, attempts, foundByLookup: true };
        }
        unknown = false;
      } else {
        lastError = `lookup by externalId: ${found.message}`;
        const fatal = fatalReason(found.failure);
        if (fatal !== undefined) return { status: 'failed', error: found.message, attempts, fatal };
        const next = await backoff(found.failure, lookups);
        if (next === 'stopped') return stopped();
        if (!next) return { status: 'failed', error: `outcome unknown; ${lastError}`, attempts };
        continue;
      }
    }

    if (!(await begin())) return stopped();
    attempts += 1;
    const answer = await api.addLead(body);
    if (answer.ok) {
      pacer.onSuccess();
      return { status: 'created', leadId: answer.value, attempts, foundByLookup: false };
    }
    lastError = answer.message;
    const fatal = fatalReason(answer.failure);
    if (fatal !== undefined) return { status: 'failed', error: answer.message, attempts, fatal };
    unknown = outcomeUnknown(answer.failure);
    const next = await backoff(answer.failure, attempts);
    if (next === 'stopped') return stopped();
    if (!next) {
      // One last look, so that a row the server did create is not reported as failed and sent again later.
      if (unknown && body.externalId !== undefined && (await begin())) {
        const found = await api.findLeadByExternalId(body.externalId);
        if (found.ok && found.value !== undefined) {
          return { status: 'created', leadId: found.value, attempts, foundByLookup: true };
        }
      }
      return { status: 'failed', error: answer.message, attempts };
    }
  }
}

function fatalReason(failure: AttemptFailure): FatalReason | undefined {
  if (failure.kind !== 'http') return undefined;
  if (failure.status === 401 || failure.status === 403) return 'credentials';
  if (failure.status === 404) return 'outbound';
  return undefined;
}
