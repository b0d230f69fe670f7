import pLimit, { type LimitFunction } from 'p-limit';

/**
 * The requests a run has in flight, at most `size`. The reader asks for `room` before it pulls the next
 * record, so a file of any size holds at most `size` rows in memory at once.
 */
export class SendSlots {
  readonly #size: number;
  readonly #stop: AbortSignal;
  readonly #limit: LimitFunction;
  readonly #tasks = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  #error: unknown = undefined;

  /** `stop` ends any wait for room at once. */
  constructor(size: number, stop: AbortSignal) {
    this.#size = size;
    this.#stop = stop;
    this.#limit = pLimit(size);
    stop.addEventListener('abort', () => this.#wakeReader(), { once: true });
  }

  get inFlight(): number {
    return this.#tasks.size;
  }

  /** Resolves true once a slot is free, or false as soon as the run stops. */
  async room(): Promise<boolean> {
    while (this.#tasks.size >= this.#size && !this.#stop.aborted) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return !this.#stop.aborted;
  }

  /** Starts `work` in a slot. `work` handles what it expects; anything it throws is rethrown by `drain`. */
  start(work: () => Promise<void>): void {
    const task: Promise<void> = this.#limit(work)
      .catch((error: unknown) => {
        this.#error ??= error;
      })
      .finally(() => {
        this.#tasks.delete(task);
        this.#wakeReader();
      });
    this.#tasks.add(task);
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Waits for every task started; then throws the first error a task threw, if one did. */
  async drain(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
    if (this.#error !== undefined) throw this.#error as Error;
  }
}
