import type { RowResult } from './record-outcome.js';

/** A canary row: one that reached the API (created, updated, failed or outcome unknown). */
export interface CanaryRow {
  readonly row: number;
  readonly status: 'created' | 'updated' | 'failed' | 'unknown';
  /** NLPearl's id, when created or updated. */
  readonly leadId?: string;
  /** Why it failed, or a note on its outcome. */
  readonly error?: string;
}

/**
 * `--canary N`: lets rows go to the API until N of them have reached it, and not one more. A row is admitted
 * before its slot starts, holding a place until it settles, because with a ledger a row may turn out unchanged
 * and send nothing: its place is then given back. So with any concurrency exactly N rows are sent, when the
 * input has that many to send. Once N have settled and none is in flight, the gate is `full`.
 */
export class CanaryGate {
  readonly #size: number;
  readonly #rows: CanaryRow[] = [];
  #held = 0;
  /** Rows waiting for a place, woken in the order they came (the row loop has one at a time). */
  #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /** The rows sent so far, in the order their outcomes came. */
  get rows(): readonly CanaryRow[] {
    return this.#rows;
  }

  /**
   * `send`: the row may go, and holds a place until `settle`; `full`: N rows were sent and none is in flight;
   * `stopped`: the run stopped while the row waited.
   */
  async admit(stop: AbortSignal): Promise<'send' | 'full' | 'stopped'> {
    for (;;) {
      if (stop.aborted) return 'stopped';
      if (this.#rows.length >= this.#size && this.#held === 0) return 'full';
      if (this.#rows.length + this.#held < this.#size) {
        this.#held += 1;
        return 'send';
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          stop.removeEventListener('abort', done);
          resolve();
        };
        this.#waiting.push(done);
        stop.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** An admitted row's outcome: its place is counted as sent when it reached the API, else given back. */
  settle(row: number, result: RowResult): void {
    this.#held -= 1;
    const sent = canaryRow(row, result);
    if (sent !== undefined) this.#rows.push(sent);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}

function canaryRow(row: number, result: RowResult): CanaryRow | undefined {
  switch (result.status) {
    case 'created':
    case 'updated':
      return {
        row,
        status: result.status,
        ...(result.leadId === undefined ? {} : { leadId: result.leadId }),
        ...(result.status === 'created' && result.note !== undefined ? { error: result.note } : {}),
      };
    case 'failed':
    case 'unknown':
      return { row, status: result.status, error: result.error };
    case 'unchanged':
    case 'skipped':
    case 'not-sent':
      return undefined;
  }
}
