import { TimestampRing } from './throttle-evidence.js';

const WINDOW_MS = 1000;
/**
 * How much later than its neighbours a request may reach the server. The server counts arrivals, we count
 * grants; between the two lie our own event loop (a garbage-collector pause of 5–15 ms lands between a grant
 * and its write now and then), got's set-up of the request and the network. Counting grants over a window this
 * much longer than a second keeps the server's one-second count at the cap as long as that spread stays under
 * the margin, for ~5% of throughput. Over the internet the spread can be larger: set `--rate` a little under a
 * limit that must never be crossed.
 */
export const CAP_MARGIN_MS = 50;

/**
 * The user's hard cap (`--rate n`): at most n requests in any one-second window as the server sees them,
 * retries and lookups included. Grants are paced evenly at 1/n s, never a window's worth at once: a burst at
 * the start of each second, plus the head of the next burst arriving early, is what a server counts as more
 * than n in one second.
 */
export class RequestCap {
  readonly #intervalMs: number;
  readonly #recent: TimestampRing;
  readonly #windowMs: number;
  #nextAt = -Infinity;

  constructor(readonly perSecond: number) {
    if (!(Number.isFinite(perSecond) && perSecond > 0)) {
      throw new RangeError(`Expected maxPerSecond to be a positive number, got ${String(perSecond)}`);
    }
    this.#intervalMs = WINDOW_MS / perSecond;
    // A fractional cap keeps "at most n in any second": 2.5/s allows 2 per second, 0.5/s one per 2 s.
    this.#recent = new TimestampRing(Math.max(1, Math.floor(perSecond)));
    this.#windowMs = perSecond < 1 ? this.#intervalMs : WINDOW_MS + CAP_MARGIN_MS;
  }

  /** The earliest time the next request may start. */
  earliest(): number {
    const oldest = this.#recent.full ? (this.#recent.oldest ?? -Infinity) : -Infinity;
    return Math.max(this.#nextAt, oldest + this.#windowMs);
  }

  granted(now: number): void {
    this.#recent.push(now);
    // A timer that fires late may catch up by less than one interval, so timer jitter does not lower the
    // rate; the window above bounds what a catch-up can add. After an idle spell the schedule starts afresh.
    const interval = this.#intervalMs;
    this.#nextAt = (this.#nextAt < now - interval ? now : this.#nextAt) + interval;
  }
}
