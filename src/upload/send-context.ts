import type { Logger } from 'pino';
import type { Pacer } from './pacer.js';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from './circuit-breaker.js';
import { systemClock, type Clock } from './clock.js';
import type { LeadApi, NlpearlApi } from './nlpearl-api.js';
import type { RateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from './retry-policy.js';

/** What every request of a command is sent with (attempts.ts, send-lead.ts). */
export interface SendContext {
  readonly api: LeadApi;
  readonly pacer: Pacer;
  readonly policy: RetryPolicyOptions;
  /** Aborted for a graceful stop: no new attempt starts; one already sent is let finish. */
  readonly stop: AbortSignal;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * How every request of a command is sent: paced by `limiter` (its probes too: `--rate` counts every request),
 * paused by the circuit breaker while the API looks down, retried by the policy, stopped by `stop`.
 * `activity` names what pauses in the log ("sending", "pulling").
 */
export function createSendContext(options: {
  readonly api: NlpearlApi;
  readonly limiter: RateLimiter;
  readonly retries?: number;
  readonly stop: AbortSignal;
  readonly logger: Logger;
  readonly activity: string;
  /** The API stayed down past the breaker's limit. */
  readonly onGiveUp: (downMs: number) => void;
}): SendContext {
  const { api, limiter, logger, activity } = options;
  return {
    api,
    pacer: new CircuitBreaker(limiter, DEFAULT_CIRCUIT_BREAKER, {
      probe: async () => {
        await limiter.acquire();
        return (await api.checkAccess()).ok;
      },
      onOpen: (failures) =>
        logger.warn({ failures }, `the API looks down: ${activity} paused; probing it before going on`),
      onClose: (downMs) => logger.info({ downMs }, `the API answers again: ${activity} resumed`),
      onGiveUp: options.onGiveUp,
      clock: systemClock,
    }),
    policy: { ...DEFAULT_RETRY_POLICY, retries: options.retries ?? DEFAULT_RETRY_POLICY.retries },
    stop: options.stop,
    clock: systemClock,
    random: Math.random,
  };
}
