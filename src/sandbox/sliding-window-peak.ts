/**
 * The largest number of events in any window of `windowMs`. Keeps only the timestamps still inside the window
 * (a deque over an array), so each event costs amortised O(1) even over hundreds of thousands of requests.
 */
export class SlidingWindowPeak {
  #times: number[] = [];
  #head = 0;
  max = 0;

  constructor(readonly windowMs: number) {}

  note(now: number): void {
    this.#times.push(now);
    while (this.#times[this.#head]! <= now - this.windowMs) this.#head += 1;
    const inWindow = this.#times.length - this.#head;
    if (inWindow > this.max) this.max = inWindow;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  reset(): void {
    this.#times = [];
    this.#head = 0;
    this.max = 0;
  }
}
