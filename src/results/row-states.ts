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
  'removed',
];
const CODES = new Map(STATUSES.map((status, code) => [status, code]));
/** A row the file has a line for, with a status this version does not know (a hand-edited file). */
const OTHER = STATUSES.length;

/**
 * What a results file recorded of every row, for `--resume`: its latest status, one byte a row, and a hash of
 * its cells (`hashCells`), four bytes a row, to tell whether the input's row is still the one recorded.
 */
export class RowStates {
  #codes = new Uint8Array(1024);
  #hashes = new Uint32Array(1024);
  #lastRow = 0;

  set(row: number, status: string, cellsHash: number): void {
    if (row >= this.#codes.length) {
      const length = Math.max(row + 1, this.#codes.length * 2);
      const codes = new Uint8Array(length);
      codes.set(this.#codes);
      this.#codes = codes;
      const hashes = new Uint32Array(length);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
    }
    this.#codes[row] = CODES.get(status as RowStatus) ?? OTHER;
    this.#hashes[row] = cellsHash;
    this.#lastRow = Math.max(this.#lastRow, row);
  }

  /** The row's latest status; undefined when the file has no line for it, or a status we do not know. */
  get(row: number): RowStatus | undefined {
    return STATUSES[this.#codes[row] ?? 0];
  }

  /** Whether the file has a line for the row, whatever its status. */
  has(row: number): boolean {
    return (this.#codes[row] ?? 0) !== 0;
  }

  /** The hash of the cells recorded for the row (meaningful only when `has(row)`). */
  cellsHash(row: number): number {
    return this.#hashes[row] ?? 0;
  }

  /** The highest row the file has a line for; 0 when it has none. */
  get lastRow(): number {
    return this.#lastRow;
  }
}
