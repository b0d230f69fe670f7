/**
 * What the server's answers tell the rate limiter about throttling, in bounded memory whatever the rate.
 *
 * Not every 429 is throttling: some servers (and the sandbox's fault mode) refuse a random share of requests
 * whatever our rate. One answer cannot tell the two apart; a few seconds can: slowing down makes throttling's
 * 429s go away, while random ones keep their share. `DecreaseTrial` runs that experiment and measures the share
 * that remains, the noise; `AnswerLog` weighs each new 429 against it.
 */

const WINDOW_MS = 1000;
/** Most answers remembered per kind; above 10,000 a second, the last second's counts are extrapolated. */
const ANSWERS_CAPACITY = 10_000;
/*
 * Evidence of throttling: 429s are ≥10% of the answers of the last second, at least 10 of them (a random 5%
 * reaches 10% of a few dozen answers all too often: of 50, one time in 10), and above the noise.
 * Above the noise: the 429 share of about the last 400 answers is over twice the noise. Not the last second's
 * share: when every 429 makes its worker wait a second, that share swings with how many workers are awake.
 */
const EVIDENCE_SHARE = 0.1;
const EVIDENCE_THROTTLED = 10;
const NOISE_MARGIN = 2;
const RECENT_ANSWERS = 400;

/** The last `capacity` timestamps, oldest first; pushing into a full ring forgets the oldest. */
export class TimestampRing {
  readonly #items: Float64Array;
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size === this.capacity;
  }

  /** The oldest timestamp kept, or undefined when empty. */
  get oldest(): number | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  push(time: number): void {
    if (this.full) {
      this.#items[this.#head] = time;
      this.#head = (this.#head + 1) % this.capacity;
    } else {
      this.#items[(this.#head + this.#size) % this.capacity] = time;
      this.#size += 1;
    }
  }

  /** Forgets timestamps at or before `time`. */
  dropUntil(time: number): void {
    while (this.#size > 0 && (this.#items[this.#head] ?? Infinity) <= time) {
      this.#head = (this.#head + 1) % this.capacity;
      this.#size -= 1;
    }
  }

  /** How many fell in the last second (extrapolated from the span kept when full). */
  lastSecond(now: number): number {
    this.dropUntil(now - WINDOW_MS);
    const span = now - (this.oldest ?? now);
    return this.full && span > 0 ? (this.#size * WINDOW_MS) / span : this.#size;
  }
}

export interface Assessment {
  /** The recent 429 share is over twice the noise (always, while no noise is known). */
  readonly aboveNoise: boolean;
  /** Evidence of throttling (see EVIDENCE_SHARE). */
  readonly evidence: boolean;
}

/** The recent answers: what got through, how many were 429s, and since when answers have been coming. */
export class AnswerLog {
  readonly #accepted = new TimestampRing(ANSWERS_CAPACITY);
  readonly #throttled = new TimestampRing(ANSWERS_CAPACITY);
  #recentShare = 0;
  #recentAnswers = 0;
  #answeringSince = -Infinity;
  #lastAnswerAt = -Infinity;
  /** The 429 share that slowing down did not remove; 0 until a trial measures one. */
  noise = 0;

  add(now: number, throttled: boolean): void {
    if (now - this.#lastAnswerAt > WINDOW_MS) this.#answeringSince = now;
    this.#lastAnswerAt = now;
    (throttled ? this.#throttled : this.#accepted).push(now);
    this.#recentAnswers = Math.min(this.#recentAnswers + 1, RECENT_ANSWERS);
    this.#recentShare += ((throttled ? 1 : 0) - this.#recentShare) / this.#recentAnswers;
  }

  /** Answers that were not 429 in the last second: what the server actually lets through. */
  acceptedLastSecond(now: number): number {
    return this.#accepted.lastSecond(now);
  }

  /** How long answers have been coming with no gap of a second. */
  answeringFor(now: number): number {
    return now - this.#answeringSince;
  }

  assess(now: number): Assessment {
    const throttled = this.#throttled.lastSecond(now);
    const answers = throttled + this.acceptedLastSecond(now);
    const aboveNoise = this.noise === 0 || this.#recentShare > this.noise * NOISE_MARGIN;
    const evidence = aboveNoise && throttled >= Math.max(EVIDENCE_THROTTLED, answers * EVIDENCE_SHARE);
    return { aboveNoise, evidence };
  }
}

/*
 * A decrease on trial. We count the 429 share three times, each at a time fixed in advance, never at the
 * burst that started the trial (high by selection: whatever we did next would seem to have helped):
 * - s0 in the second after the first decrease: answers to requests sent before it, at the old rate;
 * - s1 once the decrease has settled, over 1 to 5 s: until 400 answers or 20 429s (a random 5% shows ~20).
 *   Fewer than 3 429s: they went away, it was throttling. Otherwise we may just have been far above the
 *   limit: we slow down to 90% of what got through during the count ('again'), where throttling's 429s
 *   must stop, and count
 * - s2 the same way. Fewer than 3 429s, or under a third of s1: slowing down helped, it was throttling.
 *   Otherwise the 429s do not depend on our rate ('noise'): undo the second decrease, and the first too
 *   unless s1 was under a fifth of s0 (a flood of 429s, 50–95%, that the first decrease did stop).
 * A third: two counts of ~20 429s from one random share differ that much about once in 1,500 trials. A fifth
 * of s0, and s0 only over 20 answers or more: it directly follows the burst that started the trial, so it runs
 * high (10–20% under a random 5% when each 429 sends its worker to sleep and the 429s bunch up), and a pause
 * may leave it only a few answers. The noise is the larger of s1 and s2: a share underestimated by chance
 * would let the next bunch of random 429s start another trial.
 */
const VERDICT_ANSWERS = 400;
const VERDICT_ENOUGH_THROTTLED = 20;
const VERDICT_MAX_MS = 5000;
const VERDICT_THROTTLED = 3;
const HELPED_FALL = 3;
const FLOOD_FALL = 5;
const FLOOD_ANSWERS = 20;

export type Verdict<State> =
  | { readonly kind: 'wait' | 'throttling' }
  /** `accepted`: answers per second that were not 429 during the count. */
  | { readonly kind: 'again'; readonly accepted: number }
  /** `share`: the noise; `undo`: the state to go back to. */
  | { readonly kind: 'noise'; readonly share: number; readonly undo: State };

interface Count {
  answers: number;
  throttled: number;
}

const shareOf = (count: Count): number => (count.answers === 0 ? 0 : count.throttled / count.answers);

/** `State`: what a decrease changes, to be restored if it did not help. */
export class DecreaseTrial<State> {
  readonly #startedAt: number;
  readonly #before: State;
  #beforeSecond: State | undefined;
  readonly #s0: Count = { answers: 0, throttled: 0 };
  #count: Count = { answers: 0, throttled: 0 };
  #settledAt: number;
  #s1: number | undefined;

  /** Starts with the first decrease, made at `now` from `before`. */
  constructor(now: number, before: State, settleMs: number) {
    this.#startedAt = now;
    this.#before = before;
    this.#settledAt = now + settleMs;
  }

  /** Whether the last decrease of the trial is still settling: nothing is counted yet. */
  settling(now: number): boolean {
    return now < this.#settledAt;
  }

  /** After 'again', the second decrease, made from `before`: counting starts again once it has settled. */
  decreasedAgain(settledAt: number, before: State): void {
    this.#settledAt = settledAt;
    this.#beforeSecond = before;
    this.#count = { answers: 0, throttled: 0 };
  }

  /** Counts an answer; then says what the counts mean so far. */
  answered(now: number, throttled: boolean): Verdict<State> {
    const count =
      now < this.#startedAt + WINDOW_MS ? this.#s0 : now >= this.#settledAt ? this.#count : undefined;
    if (count === undefined) return { kind: 'wait' };
    count.answers += 1;
    if (throttled) count.throttled += 1;
    const elapsed = now - this.#settledAt;
    const enough = count.answers >= VERDICT_ANSWERS || count.throttled >= VERDICT_ENOUGH_THROTTLED;
    if (elapsed < WINDOW_MS || (!enough && elapsed < VERDICT_MAX_MS)) return { kind: 'wait' };
    const share = shareOf(count);
    const s1 = this.#s1;
    if (count.throttled < VERDICT_THROTTLED || (s1 !== undefined && share < s1 / HELPED_FALL)) {
      return { kind: 'throttling' };
    }
    if (s1 === undefined) {
      this.#s1 = share;
      return { kind: 'again', accepted: ((count.answers - count.throttled) * WINDOW_MS) / elapsed };
    }
    // The first decrease stopped a flood of 429s (s0), and the second changed nothing: keep the first.
    const flood = this.#s0.answers >= FLOOD_ANSWERS && s1 < shareOf(this.#s0) / FLOOD_FALL;
    const undo = flood ? (this.#beforeSecond ?? this.#before) : this.#before;
    return { kind: 'noise', share: Math.max(s1, share), undo };
  }
}
