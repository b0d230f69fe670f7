import type { Clock } from '../../src/upload/clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** A virtual clock: time moves only in `runUntil`, timer by timer, so every run is deterministic. */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason as Error);
      };
      const fire = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Fires due timers in time order, letting every promise chain settle in between. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      let next: Timer | undefined;
      for (const t of this.#timers) {
        if (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
      }
      if (next === undefined || next.at > end) {
        this.#now = Math.max(this.#now, end);
        return;
      }
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
  }
}
