import type { RowStatus } from '../types.js';

const STATUSES: readonly (RowStatus | undefined)[] = [
  undefined,
  'created',
  'invalid',
  'failed',
  'skipped',
  'valid',
  'sending',
  'updated',
  'unchanged',
];
const CODES = new Map(STATUSES.map((status, code) => [status, code]));

/** The latest status of every row of a results file, one byte a row, for `--resume`. */
export class RowStates {
  #codes = new Uint8Array(1024);

  set(row: number, status: string): void {
    const code = CODES.get(status as RowStatus);
    if (code === undefined) return;
    if (row >= this.#codes.length) {
      const grown = new Uint8Array(Math.max(row + 1, this.#codes.length * 2));
      grown.set(this.#codes);
      this.#codes = grown;
    }
    this.#codes[row] = code;
  }

  get(row: number): RowStatus | undefined {
    return STATUSES[this.#codes[row] ?? 0];
  }
}
