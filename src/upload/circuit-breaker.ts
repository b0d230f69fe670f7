import type { Clock } from './clock.js';
import type { Pacer } from './pacer.js';

export interface CircuitBreakerOptions {
  /** Consecutive 5xx or network failures (attempts, across all rows) that open the circuit. */
  readonly threshold: number;
  /** First wait before probing; doubled after each failed probe up to maxProbeIntervalMs. */
  readonly probeIntervalMs: number;
  readonly maxProbeIntervalMs: number;
  /** How long the API may stay down before the run gives up (the run then stops, exit 3, and can --resume). */
  readonly maxOpenMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  threshold: 25,
  probeIntervalMs: 1_000,
  maxProbeIntervalMs: 60_000,
  maxOpenMs: 10 * 60_000,
};

export interface BreakerEvents {
  readonly probe: () => Promise<boolean>;
  readonly onOpen: (failures: number) => void;
  readonly onClose: (downMs: number) => void;
  /** The API stayed down past maxOpenMs. */
  readonly onGiveUp: (downMs: number) => void;
  readonly clock: Clock;
}

/**
 * Pauses all sending when the API looks down (a run of 5xx or network failures), and probes it with one cheap
 * call until it answers again: otherwise every row of a large file would spend its retries and fail while the
 * API is away. Wraps the rate limiter: an attempt waits here first, then for its pace.
 */
export class CircuitBreaker implements Pacer {
  readonly #inner: Pacer;
  readonly #options: CircuitBreakerOptions;
  readonly #events: BreakerEvents;
  #failures = 0;
  #recovery: Promise<void> | undefined;

  constructor(inner: Pacer, options: CircuitBreakerOptions, events: BreakerEvents) {
    this.#inner = inner;
    this.#options = options;
    this.#events = events;
  }

  get open(): boolean {
    return this.#recovery !== undefined;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.#recovery !== undefined) {
      await this.#recovery;
      signal?.throwIfAborted();
    }
    await this.#inner.acquire(signal);
  }

  onThrottled(retryAfterMs?: number): void {
    this.#inner.onThrottled(retryAfterMs);
  }

  onSuccess(): void {
    this.#failures = 0;
    this.#inner.onSuccess();
  }

  onTransientFailure(signal: AbortSignal): void {
    this.#failures += 1;
    if (this.#failures >= this.#options.threshold && this.#recovery === undefined) {
      this.#events.onOpen(this.#failures);
      this.#recovery = this.#recover(signal).finally(() => {
        this.#recovery = undefined;
        this.#failures = 0;
      });
    }
  }

  async #recover(signal: AbortSignal): Promise<void> {
    const since = this.#events.clock.now();
    let wait = this.#options.probeIntervalMs;
    for (;;) {
      try {
        await this.#events.clock.sleep(wait, signal);
      } catch {
        return;
      }
      if (await this.#events.probe()) {
        this.#events.onClose(this.#events.clock.now() - since);
        return;
      }
      const down = this.#events.clock.now() - since;
      if (down >= this.#options.maxOpenMs) {
        this.#events.onGiveUp(down);
        return;
      }
      wait = Math.min(wait * 2, this.#options.maxProbeIntervalMs);
    }
  }
}
