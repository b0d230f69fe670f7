import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ApiRejectedError } from '../errors.js';
import type { ApiAnswer } from '../upload/api-answer.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type AttemptFailure } from '../upload/retry-policy.js';

const PREFLIGHT_RETRIES = 3;

/**
 * The error for an answer that refuses the token (401, 403) or the outbound (404), saying what to fix and, in
 * `unchanged`, what was left as it was; undefined for any other failure.
 */
export function accessRefused(
  failure: AttemptFailure,
  outbound: string,
  unchanged: string,
): ApiRejectedError | undefined {
  if (failure.kind !== 'http') return undefined;
  const { status } = failure;
  if (status === 401 || status === 403) {
    return new ApiRejectedError(
      `credentials rejected by NLPearl (HTTP ${status}): the token must be "AccountId:SecretKey" from Settings → API, both parts current; ${unchanged}`,
      'CREDENTIALS_REJECTED',
      { status },
    );
  }
  if (status === 404) {
    return new ApiRejectedError(
      `outbound "${outbound}" not found (HTTP 404): v1 wants the outbound campaign's id, not the Pearl id in the platform's URL; ${unchanged}`,
      'OUTBOUND_NOT_FOUND',
      { status },
    );
  }
  return undefined;
}

/**
 * One cheap documented call (Search Leads, limit 1) before the first row: it proves the token and the outbound
 * id, so a typo fails in a second with nothing sent, instead of as a file full of failed rows. Returns how
 * many leads the campaign holds (the ledger compares it with what it believes).
 */
export async function checkAccess(
  check: () => Promise<ApiAnswer<number>>,
  outbound: string,
  logger: Logger,
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await check();
    if (answer.ok) {
      logger.debug({ leads: answer.value }, 'pre-flight check passed');
      return answer.value;
    }
    const { failure } = answer;
    const refused = accessRefused(failure, outbound, 'nothing was sent');
    if (refused !== undefined) throw refused;
    const decision = decideRetry(
      failure,
      attempt,
      { ...DEFAULT_RETRY_POLICY, retries: PREFLIGHT_RETRIES },
      Math.random(),
      Date.now(),
    );
    if (!decision.retry) {
      throw new ApiRejectedError(
        `the pre-flight check failed (${answer.message}); nothing was sent. --no-preflight skips the check`,
        'PREFLIGHT_FAILED',
      );
    }
    logger.warn({ attempt, error: answer.message }, 'pre-flight check failed; retrying');
    await delay(decision.delayMs);
  }
}
