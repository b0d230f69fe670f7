import { systemClock, type Clock } from './clock.js';

/**
 * The pacer every request passes through before it is sent: pre-flight, rows, retries, lookups and the
 * circuit breaker's probes. NLPearl documents no rate limit, so the pace is learnt from its 429s (AIMD):
 * - `maxPerSecond` (`--rate n`) is a hard cap: at most n grants in any 1 s + CAP_MARGIN_MS, evenly spaced.
 * - No pace until a 429: then 90% of what the server accepted in the last second (its limit, as far as we
 *   know), and 2% more each second the pace is kept. A burst of 429s lowers it once.
 * - Only throttling, a share of 429s that random refusals seldom reach, lowers a pace already set, and its
 *   Retry-After pauses every grant; in the first second of answers, only throttling starts one (no rate yet).
 *   Other 429s only stop the climb past the limit: random ones can neither stall a run nor wear it down.
 */

export interface RateLimiterOptions {
  /** Hard cap: at most this many requests in any one-second window at the server (`--rate`). Default none. */
  readonly maxPerSecond?: number;
  /** Default: systemClock. */
  readonly clock?: Clock;
}

/** The window `--rate` counts in, and the one the server's recent answers are judged over. */
const WINDOW_MS = 1000;
/** How much later than its neighbours a request may reach the server (event loop, GC pause, network). */
const CAP_MARGIN_MS = 50;
/** The last second's answers are counted in 10 ms slots: constant memory at any rate. */
const SLOTS = 100;
/** Throttling: 429s are ≥ 10% of the last second's answers (a random 5% seldom gets there)… */
const THROTTLED_SHARE = 0.1;
/** …and at least 20 of them (10% of a hundred answers happens by chance one time in 35). */
const THROTTLED_MIN = 20;
/** Pace at 90% of what the server accepted in the second it throttled us: just under its limit. */
const DECREASE = 0.9;
/** One decrease per burst: for a window and a round trip, the 429s answer what was sent before it. */
const SETTLE_MS = 2000;
/** Climb by 2% a second: past the limit, one step is all the 429s it can cost. */
const CLIMB_PER_SECOND = 0.02;

/** How many events came in the last second, counted in slots: constant memory, exact to a slot. */
class LastSecond {
  /** The slot now filling and the SLOTS before it: the last second, and the part of a slot before it. */
  readonly #slots = new Uint32Array(SLOTS + 1);
  #sum = 0;
  #slot = 0;

  add(now: number): void {
    this.count(now);
    const index = this.#slot % this.#slots.length;
    this.#slots[index] = (this.#slots[index] ?? 0) + 1;
    this.#sum += 1;
  }

  count(now: number): number {
    const slot = Math.max(this.#slot, Math.floor((now * SLOTS) / WINDOW_MS));
    for (let s = Math.max(this.#slot + 1, slot - SLOTS); s <= slot; s += 1) {
      const index = s % this.#slots.length;
      this.#sum -= this.#slots[index] ?? 0;
      this.#slots[index] = 0;
    }
    this.#slot = slot;
    return this.#sum;
  }
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #cap: number | undefined;
  /** The times of the last ⌊cap⌋ grants (at least one; none without a cap), oldest at #head. */
  readonly #recent: Float64Array;
  readonly #capWindowMs: number;
  #head = 0;
  readonly #accepted = new LastSecond();
  readonly #throttled = new LastSecond();
  readonly #granted = new LastSecond();
  #firstAnswerAt = Infinity;
  readonly #waiters: { readonly resolve: () => void; readonly cleanup: () => void }[] = [];
  /** The adaptive pace in requests/s; undefined until the first 429 that sets it. */
  #pace: number | undefined;
  /** What the server accepted in the second before it last throttled us. */
  #limit = 0;
  #nextAt = -Infinity;
  #pausedUntil = -Infinity;
  #throttledAt = -Infinity;
  #decreasedAt = -Infinity;
  #climbedAt = -Infinity;
  #pumping = false;
  /** Aborts the pump's sleep when the queue empties, so that no timer is left behind. */
  #wake: AbortController | undefined;

  constructor({ maxPerSecond, clock = systemClock }: RateLimiterOptions = {}) {
    if (maxPerSecond !== undefined && !(Number.isFinite(maxPerSecond) && maxPerSecond > 0)) {
      throw new RangeError(`Expected maxPerSecond to be a positive number, got ${String(maxPerSecond)}`);
    }
    this.#clock = clock;
    this.#cap = maxPerSecond;
    // A fractional cap keeps "at most n in any second": 2.5/s allows 2 in any second, 0.5/s one in any 2 s.
    const ring = maxPerSecond === undefined ? 0 : Math.max(1, Math.floor(maxPerSecond));
    this.#recent = new Float64Array(ring).fill(-Infinity);
    this.#capWindowMs =
      maxPerSecond !== undefined && maxPerSecond < 1 ? WINDOW_MS / maxPerSecond : WINDOW_MS + CAP_MARGIN_MS;
  }

  /** The pace allowed now in requests/s: the cap or the adaptive pace, the lower; undefined if neither. */
  get currentRate(): number | undefined {
    if (this.#pace === undefined) return this.#cap;
    return Math.min(this.#pace, this.#cap ?? Infinity);
  }

  /** Resolves when the next request may be sent, in call order; rejects (and leaves the queue) on abort. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const now = this.#clock.now();
    if (this.#waiters.length === 0 && this.#earliestGrant() <= now) {
      this.#grant(now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        if (this.#waiters.length === 0) this.#wake?.abort();
        reject(signal?.reason as Error);
      };
      const waiter = { resolve, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      if (!this.#pumping) void this.#pump();
    });
  }

  /**
   * A 429. `retryAfterMs` comes parsed and capped by the caller (`parseRetryAfter` and
   * `DEFAULT_RETRY_POLICY.maxRetryAfterMs`, in retry-policy.ts, the one place for both): it is used as given.
   */
  onThrottled(retryAfterMs?: number): void {
    const now = this.#clock.now();
    this.#throttled.add(now);
    this.#firstAnswerAt = Math.min(this.#firstAnswerAt, now);
    this.#throttledAt = now;
    const accepted = this.#accepted.count(now);
    const throttled = this.#throttled.count(now);
    const throttling = throttled >= Math.max(THROTTLED_MIN, THROTTLED_SHARE * (accepted + throttled));
    if (throttling && retryAfterMs !== undefined) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    }
    // Before a second of answers, the last second's count is no rate.
    const starts = this.#pace === undefined && now - this.#firstAnswerAt >= WINDOW_MS;
    // A server that accepted nothing in the last second has said nothing about its rate: the pause is all.
    if (!(throttling || starts) || now - this.#decreasedAt < SETTLE_MS || accepted < 1) return;
    this.#limit = accepted;
    this.#pace = Math.min(this.#pace ?? Infinity, DECREASE * accepted);
    this.#decreasedAt = this.#climbedAt = now;
  }

  onSuccess(): void {
    const now = this.#clock.now();
    this.#accepted.add(now);
    this.#firstAnswerAt = Math.min(this.#firstAnswerAt, now);
    if (this.#pace === undefined || now - this.#climbedAt < WINDOW_MS) return;
    this.#climbedAt = now;
    // Only when the pace was kept (within a request), so that slow demand or a busy CPU cannot raise it past
    // what the server has seen; past the limit, only after SETTLE_MS without a 429: it holds where refusals
    // start.
    const kept = this.#granted.count(now) + 1 >= this.#pace;
    if (kept && (this.#pace < this.#limit || now - this.#throttledAt >= SETTLE_MS)) {
      this.#pace = Math.min(this.#pace * (1 + CLIMB_PER_SECOND), this.#cap ?? Infinity);
    }
  }

  /** The earliest time the next request may start under the pause, the pace and the cap. */
  #earliestGrant(): number {
    const capped = (this.#recent[this.#head] ?? -Infinity) + this.#capWindowMs;
    const paced = this.currentRate === undefined ? -Infinity : this.#nextAt;
    return Math.max(this.#pausedUntil, paced, capped);
  }

  #grant(now: number): void {
    this.#granted.add(now);
    const rate = this.currentRate;
    if (rate !== undefined) {
      // Evenly spaced: a burst at the top of each second is what trips a server's count. A timer that fires
      // late catches up by less than one interval; after an idle spell the schedule starts afresh.
      const interval = WINDOW_MS / rate;
      this.#nextAt = (this.#nextAt < now - interval ? now : this.#nextAt) + interval;
    }
    if (this.#recent.length > 0) {
      this.#recent[this.#head] = now;
      this.#head = (this.#head + 1) % this.#recent.length;
    }
  }

  /** Serves waiters in order, sleeping until each may start; runs only while someone waits. */
  async #pump(): Promise<void> {
    this.#pumping = true;
    while (this.#waiters.length > 0) {
      const now = this.#clock.now();
      const at = this.#earliestGrant();
      if (at <= now) {
        const waiter = this.#waiters.shift();
        waiter?.cleanup();
        this.#grant(now);
        waiter?.resolve();
        continue;
      }
      this.#wake = new AbortController();
      // Woken early when the queue empties: the loop looks again.
      await this.#clock.sleep(at - now, this.#wake.signal).catch(() => undefined);
      this.#wake = undefined;
    }
    // In the same tick as the last look at the queue: a later waiter starts a new pump.
    this.#pumping = false;
  }
}
