import type { LeadBody } from '../types.js';
import type { ApiAnswer } from './api-answer.js';
import { fatalReason, judgeFailure, paced, type FatalReason } from './attempts.js';
import { outcomeUnknown, type AttemptFailure } from './retry-policy.js';
import type { SendContext } from './send-context.js';

export type SendOutcome =
  /** `leadId` is missing only when NLPearl answered 2xx without one and no lookup could find it (`note`). */
  | { status: 'created'; leadId?: string; attempts: number; foundByLookup: boolean; note?: string }
  /** `notCreated`: the API refused it for certain; otherwise it may exist (look it up before sending it again). */
  | { status: 'failed'; error: string; attempts: number; notCreated: boolean; fatal?: FatalReason }
  /** The run stopped after an attempt whose outcome is unknown: the row may or may not exist. */
  | { status: 'unknown'; error: string; attempts: number }
  /** The run stopped before this row's first request. */
  | { status: 'not-sent' };

export interface SendHooks {
  /**
   * Called once, just before the first request of this row goes out (the crash journal's "sending"); the
   * request waits for it, and a rejection (the results file cannot be written) ends the send unsent.
   */
  readonly beforeFirstRequest: () => void | Promise<void>;
  /** The row may already exist (an earlier run crashed while sending it): look it up before sending. */
  readonly mayExist?: boolean;
}

export const NO_LEAD_ID_NOTE =
  'NLPearl answered without a leadId and no lead with this phone number was found; the lead was most likely created, so it was not sent again';

/**
 * Sends one lead until it is created, fails for good, or the run stops. Whenever the lead may exist already
 * (an answer lost after the body left, a 2xx without a leadId, an earlier run that crashed), it is looked up
 * (by externalId, else by phone number) before anything is sent again, so nobody is called twice.
 */
export async function sendLead(body: LeadBody, context: SendContext, hooks: SendHooks): Promise<SendOutcome> {
  const { api, pacer, stop } = context;
  let attempts = 0;
  let lookups = 0;
  let requests = 0;
  let lastError = '';
  /** Why the lead may already exist; undefined when it certainly does not. */
  let doubt: 'earlier-run' | 'lost-answer' | 'no-lead-id' | undefined = hooks.mayExist
    ? 'earlier-run'
    : undefined;

  const stopped = (): SendOutcome => {
    if (requests === 0) return { status: 'not-sent' };
    if (doubt !== undefined)
      return { status: 'unknown', error: `run stopped; outcome unknown after: ${lastError}`, attempts };
    return {
      status: 'failed',
      error: `run stopped before the next retry; last error: ${lastError}`,
      attempts,
      notCreated: true,
    };
  };
  /** Waits for the pacer (and journals the row before its first request); false when the run stopped. */
  const begin = async (): Promise<boolean> => {
    if (!(await paced(context))) return false;
    if (requests === 0) {
      try {
        await hooks.beforeFirstRequest();
      } catch {
        return false; // not journaled, so not sent: whoever failed to journal it stops the run
      }
    }
    requests += 1;
    return true;
  };
  const judge = (failure: AttemptFailure, count: number) => judgeFailure(failure, count, context);
  /** Looks the lead up; the answer's id, undefined when not found, or the outcome that ends the send. */
  const lookUp = async (): Promise<{ found: string | undefined } | { end: SendOutcome }> => {
    for (;;) {
      if (!(await begin())) return { end: stopped() };
      lookups += 1;
      const found = await api.findLead(body);
      if (found.ok) {
        pacer.onSuccess();
        return { found: found.value };
      }
      lastError = `lookup: ${found.message}`;
      const fatal = fatalReason(found.failure);
      if (fatal !== undefined) {
        return { end: { status: 'failed', error: found.message, attempts, notCreated: false, fatal } };
      }
      const next = await judge(found.failure, lookups);
      if (next === 'stopped') return { end: stopped() };
      if (next === 'give-up')
        return {
          end: { status: 'failed', error: `outcome unknown; ${lastError}`, attempts, notCreated: false },
        };
    }
  };

  for (;;) {
    if (stop.aborted) return stopped();
    if (doubt !== undefined) {
      const looked = await lookUp();
      if ('end' in looked) return looked.end;
      if (looked.found !== undefined) {
        return { status: 'created', leadId: looked.found, attempts, foundByLookup: true };
      }
      // A 2xx said the lead was made: without an externalId, "not found" is too weak to risk a second call.
      if (doubt === 'no-lead-id' && body.externalId === undefined) {
        return { status: 'created', attempts, foundByLookup: false, note: NO_LEAD_ID_NOTE };
      }
      doubt = undefined;
    }

    if (!(await begin())) return stopped();
    attempts += 1;
    const answer: ApiAnswer<string> = await api.addLead(body);
    if (answer.ok) {
      pacer.onSuccess();
      return { status: 'created', leadId: answer.value, attempts, foundByLookup: false };
    }
    lastError = answer.message;
    const fatal = fatalReason(answer.failure);
    if (fatal !== undefined)
      return { status: 'failed', error: answer.message, attempts, notCreated: true, fatal };
    if (outcomeUnknown(answer.failure))
      doubt = answer.failure.kind === 'no-lead-id' ? 'no-lead-id' : 'lost-answer';
    const next = await judge(answer.failure, attempts);
    if (next === 'stopped') return stopped();
    if (next === 'give-up') {
      if (doubt === undefined) return { status: 'failed', error: answer.message, attempts, notCreated: true };
      // One last look, so that a row the server did create is not reported as failed and sent again later.
      const looked = await lookUp();
      if ('found' in looked && looked.found !== undefined) {
        return { status: 'created', leadId: looked.found, attempts, foundByLookup: true };
      }
      return { status: 'failed', error: answer.message, attempts, notCreated: false };
    }
  }
}
