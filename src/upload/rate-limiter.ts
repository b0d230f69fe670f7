import { setTimeout as sleep } from 'node:timers/promises';
import { RequestCap } from './request-cap.js';
import { AnswerLog, DecreaseTrial } from './throttle-evidence.js';

/**
 * The pacer every HTTP attempt passes through before it is sent: a hard cap from the user (`--rate`) and an
 * adaptive rate learnt from 429s. NLPearl documents no rate limit, so we cannot be told the limit up front;
 * we discover it and stay just below it.
 */

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`; rejects (and clears its timer) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  /**
   * Hard cap: at most this many requests in any 1-second window as the server sees them, paced evenly (the
   * user's `--rate`; see RequestCap). Default undefined: no cap.
   */
  readonly maxPerSecond?: number;
  /** Adaptive pacing on 429s: find the server's limit and stay just below it. Default true. */
  readonly adaptive?: boolean;
  /** Default: `performance.now()` and `node:timers` (monotonic, so a wall-clock jump cannot stall a run). */
  readonly clock?: Clock;
}

const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
};

const WINDOW_MS = 1000;
/** Longest pause a Retry-After may impose, so one odd header cannot stall a run for hours. */
const MAX_PAUSE_MS = 60_000;
/*
 * AIMD with a memory of where the server said stop. The aim is ≥90% of the server's limit with ≤5% of
 * requests answered 429. Two facts shape the constants:
 * - Halving (classic AIMD) swings the rate between R/2 and R: 75% on average. So on a 429 we fall to 90% of
 *   what the server *accepted* in the last second (≈ R), not of what we sent (which includes the 429s).
 * - A burst of 429s may carry a Retry-After that pauses all traffic (the sandbox sends 1 s), so what costs
 *   most is how often we hit the limit, not how deep the dip is. We climb back fast to 97% of the last limit,
 *   then creep (+0.1%/s: ≈30 s to cover the last 3%), so 429s come a few times a minute, not every few
 *   seconds. Past the last limit the probe speeds up each second, in case the limit has risen or was
 *   underestimated.
 * In simulations (test/rate-limiter.test.ts) this delivers 95–97% of the limit with 0.3–2.5% of 429s.
 */
const DECREASE = 0.9;
/** A burst of 429s answers requests sent before we slowed down: react to it once, not once per answer. */
const DECREASE_EVERY_MS = 500;
/** Time after a decrease before a 429 tells us something new about the limit: one window and a round trip. */
const SETTLE_MS = 2000;
/** Recover at +3% of the last limit per second, up to 97% of it. */
const RECOVER_STEP = 0.03;
const PLATEAU = 0.97;
/** From there, +0.1% of the last limit per second; past the limit, n × that in the n-th second. */
const PROBE_STEP = 0.001;
/*
 * 429s that do not depend on our rate (see throttle-evidence.ts) must neither stall the run nor wear the rate
 * down, and a fixed limit must be handled as above:
 * - Only evidence of throttling pauses all grants for the Retry-After. A sporadic 429 delays only its own row,
 *   whose retry waits the Retry-After anyway.
 * - Unpaced, a 429 starts pacing on evidence, or once answers have been coming for a second (before that,
 *   what got through "in the last second" is no rate). Paced, any 429 counts. Either way, only above the noise.
 * - Each decrease is on trial (DecreaseTrial). When slowing down did not reduce the 429 share, we undo it:
 *   paced or not, we are back where we were, and 429s at that share no longer count.
 * Against a fixed limit, the 429s vanish after a decrease, so the AIMD is unchanged; only the pauses are fewer.
 * Against random 5% 429s, pausing hardly ever starts, and pacing, if it starts, ends after one trial (7–10 s).
 */
interface PacingState {
  readonly allowed: number | undefined;
  readonly ceiling: number;
  readonly rateAtThrottle: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly cleanup: () => void;
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #adaptive: boolean;
  readonly #cap: RequestCap | undefined;
  readonly #answers = new AnswerLog();
  readonly #waiters: Waiter[] = [];

  /** The adaptive rate in requests/s; undefined until the first 429. */
  #allowed: number | undefined;
  /** The server's limit as far as we know: the rate it let through when it last throttled us. */
  #ceiling = 0;
  /** The rate we were sending at when last throttled: late answers may raise the ceiling up to it, no more. */
  #rateAtThrottle = Infinity;
  /** Seconds in a row the probe has been past the ceiling. */
  #pastCeiling = 0;
  #nextPacedAt = -Infinity;
  #pausedUntil = -Infinity;
  #lastDecreaseAt = -Infinity;
  #lastStepAt = -Infinity;
  /** When pacing last held a request back: we only probe upwards while the rate is what limits us. */
  #lastHeldAt = -Infinity;
  #trial: DecreaseTrial<PacingState> | undefined;
  #pumping = false;
  /** Aborts the pump's sleep, to re-plan when the rate changes or to clear the timer when nobody waits. */
  #wake: AbortController | undefined;

  constructor(options: RateLimiterOptions = {}) {
    const { maxPerSecond, adaptive = true, clock = systemClock } = options;
    this.#clock = clock;
    this.#adaptive = adaptive;
    this.#cap = maxPerSecond === undefined ? undefined : new RequestCap(maxPerSecond);
  }

  get currentRate(): number | undefined {
    const cap = this.#cap?.perSecond;
    if (this.#allowed === undefined) return cap;
    return cap === undefined ? this.#allowed : Math.min(this.#allowed, cap);
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    // Fast path: nobody is queued and there is room now.
    if (this.#waiters.length === 0 && this.#earliestGrant() <= this.#clock.now()) {
      this.#grant();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        if (this.#waiters.length === 0) this.#wake?.abort();
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = { resolve, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  onThrottled(retryAfterMs?: number): void {
    const now = this.#clock.now();
    this.#answered(now, true);
    const { aboveNoise, evidence } = this.#answers.assess(now);
    if (evidence && retryAfterMs !== undefined && retryAfterMs > 0) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(retryAfterMs, MAX_PAUSE_MS));
      this.#wake?.abort();
    }
    const paced = this.#allowed !== undefined;
    const counts = aboveNoise && (paced || evidence || this.#answers.answeringFor(now) >= WINDOW_MS);
    if (!this.#adaptive || !counts) return;
    // No step up in a second that saw a 429.
    this.#lastStepAt = now;
    if (now - this.#lastDecreaseAt < DECREASE_EVERY_MS) return;
    const trial = this.#trial;
    if (trial === undefined) {
      this.#trial = new DecreaseTrial(now, this.#state(), SETTLE_MS);
      this.#decrease(now);
    } else if (evidence && trial.settling(now)) {
      this.#decrease(now); // a flood answering what we sent before the decrease; once settled, 429s are counted
    }
  }

  onSuccess(): void {
    const now = this.#clock.now();
    this.#answered(now, false);
    if (this.#allowed === undefined) return;
    if (now - this.#lastDecreaseAt < WINDOW_MS) {
      // Answers to requests sent before the 429 are still coming in: the first 429 of a burst can overtake
      // them, so the ceiling measured at the 429 may be low. Raise it as they arrive.
      const accepted = Math.min(this.#rateAtThrottle, this.#answers.acceptedLastSecond(now));
      if (accepted > this.#ceiling) {
        this.#ceiling = accepted;
        this.#setAllowed(Math.max(this.#allowed, accepted * DECREASE));
      }
    }
    if (now - this.#lastStepAt < WINDOW_MS) return;
    this.#lastStepAt = now;
    if (now - this.#lastHeldAt > WINDOW_MS) return; // demand is below the rate: probing would prove nothing
    const allowed = this.#allowed;
    const ceiling = this.#ceiling;
    if (allowed < ceiling * PLATEAU) {
      this.#setAllowed(Math.min(allowed + Math.max(1, ceiling * RECOVER_STEP), ceiling * PLATEAU));
    } else {
      if (allowed >= ceiling) this.#pastCeiling += 1;
      this.#setAllowed(allowed + ceiling * PROBE_STEP * Math.max(1, this.#pastCeiling));
    }
  }

  /**
   * Re-measures the limit only once we have sent at the current rate for a while: right after a decrease (or
   * the first burst), the server's window is still full of the earlier traffic and refuses nearly everything,
   * which says nothing about the new rate. The limit is at most what we were sending (a 429 on the plateau
   * means the plateau was too high) and what got through, and one 429 may lower it by one step only (what got
   * through is near zero after a long Retry-After pause). A trial's count measures it better: `measured`.
   */
  #decrease(now: number, measured?: number): void {
    if (measured !== undefined) {
      this.#rateAtThrottle = this.#allowed ?? Infinity;
      this.#ceiling = Math.max(1, measured);
    } else if (now - this.#lastDecreaseAt >= SETTLE_MS) {
      this.#rateAtThrottle = this.#allowed ?? Infinity;
      measured = Math.min(this.#rateAtThrottle, this.#answers.acceptedLastSecond(now));
      this.#ceiling = Math.max(1, measured, this.#ceiling * DECREASE);
    }
    this.#setAllowed(Math.max(1, Math.min(this.#allowed ?? Infinity, this.#ceiling) * DECREASE));
    this.#pastCeiling = 0;
    this.#lastDecreaseAt = now;
  }

  /** Logs an answer, and follows the trial, if any, to its verdict. */
  #answered(now: number, throttled: boolean): void {
    this.#answers.add(now, throttled);
    const trial = this.#trial;
    if (trial === undefined) return;
    const verdict = trial.answered(now, throttled);
    if (verdict.kind === 'wait') return;
    if (verdict.kind === 'again') {
      trial.decreasedAgain(now + SETTLE_MS, this.#state());
      this.#decrease(now, verdict.accepted); // the count measured the limit better than any one second
      return;
    }
    this.#trial = undefined;
    this.#answers.noise = verdict.kind === 'noise' ? verdict.share : 0;
    if (verdict.kind === 'noise') this.#restore(verdict.undo);
  }

  #state(): PacingState {
    return { allowed: this.#allowed, ceiling: this.#ceiling, rateAtThrottle: this.#rateAtThrottle };
  }

  #restore(state: PacingState): void {
    ({ allowed: this.#allowed, ceiling: this.#ceiling, rateAtThrottle: this.#rateAtThrottle } = state);
    this.#wake?.abort();
  }

  /** The user's cap always wins; re-plans a sleeping pump, whose wake-up time may have moved. */
  #setAllowed(rate: number): void {
    this.#allowed = Math.min(rate, this.#cap?.perSecond ?? Infinity);
    this.#wake?.abort();
  }

  /** The earliest time the next request may start under the cap, the pause and the pacing. */
  #earliestGrant(): number {
    let at = this.#pausedUntil;
    if (this.#cap !== undefined) at = Math.max(at, this.#cap.earliest());
    if (this.#allowed !== undefined) at = Math.max(at, this.#nextPacedAt);
    return at;
  }

  #grant(): void {
    const now = this.#clock.now();
    this.#cap?.granted(now);
    if (this.#allowed !== undefined) {
      const interval = WINDOW_MS / this.#allowed;
      // Evenly spaced grants: a burst of r at the top of each second is what trips a server's throttle. A
      // timer that fires late may catch up by less than one interval, so jitter does not lower the average
      // rate; after an idle spell the schedule starts afresh instead of bursting.
      this.#nextPacedAt = (this.#nextPacedAt < now - interval ? now : this.#nextPacedAt) + interval;
    }
  }

  /** Serves waiters in order, sleeping until each may start. Runs only while someone waits. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    // `finally` runs in the same tick as the last look at the queue, so a later waiter starts a new pump.
    try {
      while (this.#waiters.length > 0) {
        const now = this.#clock.now();
        const at = this.#earliestGrant();
        if (at <= now) {
          const waiter = this.#waiters.shift();
          if (waiter === undefined) break;
          waiter.cleanup();
          this.#grant();
          waiter.resolve();
          continue;
        }
        if (this.#allowed !== undefined && at === this.#nextPacedAt) this.#lastHeldAt = now;
        const wake = new AbortController();
        this.#wake = wake;
        try {
          await this.#clock.sleep(at - now, wake.signal);
        } catch {
          // Woken early: the rate changed or the queue emptied. Plan again.
        } finally {
          this.#wake = undefined;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }
}
