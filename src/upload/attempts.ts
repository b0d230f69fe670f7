import type { ApiAnswer } from './api-answer.js';
import { decideRetry, serverPause, type AttemptFailure } from './retry-policy.js';
import type { SendContext } from './send-context.js';

/** Why a run must stop when the API answers this to one request. */
export type FatalReason = 'credentials' | 'outbound';

export function fatalReason(failure: AttemptFailure): FatalReason | undefined {
  if (failure.kind !== 'http') return undefined;
  if (failure.status === 401 || failure.status === 403) return 'credentials';
  if (failure.status === 404) return 'outbound';
  return undefined;
}

/** Waits for the pacer; false when the run stopped first. */
export async function paced(context: SendContext): Promise<boolean> {
  try {
    await context.pacer.acquire(context.stop);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells the pacer what a failed attempt says about the server, then decides with the retry policy: try
 * `again` (after the backoff, waited here), `give-up`, or `stopped` when the run stopped during the wait.
 */
export async function judgeFailure(
  failure: AttemptFailure,
  attempt: number,
  context: SendContext,
): Promise<'again' | 'give-up' | 'stopped'> {
  const { pacer, policy, stop } = context;
  const now = Date.now();
  if (failure.kind === 'http' && failure.status === 429) pacer.onThrottled(serverPause(failure, policy, now));
  else if (failure.kind === 'network' || (failure.kind === 'http' && failure.status >= 500)) {
    pacer.onTransientFailure?.(stop);
  } else pacer.onSuccess();
  const decision = decideRetry(failure, attempt, policy, context.random(), now);
  if (!decision.retry) return 'give-up';
  if (failure.kind === 'no-lead-id') return 'again'; // a lookup comes first, at once
  try {
    await context.clock.sleep(decision.delayMs, stop);
  } catch {
    return 'stopped';
  }
  return 'again';
}

export type CallResult<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly attempts: number }
  | {
      readonly kind: 'failed';
      readonly failure: AttemptFailure;
      readonly message: string;
      readonly fatal?: FatalReason | undefined;
      readonly attempts: number;
    }
  /** The run stopped before the call could succeed or fail for good. */
  | { readonly kind: 'stopped'; readonly attempts: number };

/**
 * An idempotent call (Update Lead, Delete Leads, Search Leads), paced and retried like every request. Not for
 * Add Lead: sending it again after a lost answer could add the lead twice (sendLead looks it up first).
 */
export async function callWithRetries<T>(
  call: () => Promise<ApiAnswer<T>>,
  context: SendContext,
): Promise<CallResult<T>> {
  for (let attempts = 1; ; attempts += 1) {
    if (context.stop.aborted || !(await paced(context))) return { kind: 'stopped', attempts: attempts - 1 };
    const answer = await call();
    if (answer.ok) {
      context.pacer.onSuccess();
      return { kind: 'ok', value: answer.value, attempts };
    }
    const fatal = fatalReason(answer.failure);
    const next = fatal === undefined ? await judgeFailure(answer.failure, attempts, context) : 'give-up';
    if (next === 'stopped') return { kind: 'stopped', attempts };
    if (next === 'give-up')
      return { kind: 'failed', failure: answer.failure, message: answer.message, fatal, attempts };
  }
}
