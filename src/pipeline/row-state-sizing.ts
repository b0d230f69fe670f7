import { DuplicateFinder } from '../mapping/duplicates.js';
import { ESTIMATE_AFTER_BYTES, expectedRows } from './expected-rows.js';

/**
 * Input read before the per-row state is first guessed at: early enough that V8's young generation has not
 * grown yet (a few thousand rows), late enough for a fair average row length.
 */
export const GUESS_AFTER_BYTES = 512 * 1024;

/**
 * The guess is raised by a quarter: the reader runs up to 128 KB ahead of the records handed out, which at 512 KB
 * makes rows look up to a quarter longer than they are (a million-row file was guessed at ~840,000 rows). A guess
 * too high only leaves V8's young generation smaller than it could be; one too low lets it grow past what the
 * real size then allows, and it cannot be shrunk.
 */
const GUESS_MARGIN = 1.25;

/** The shortest line that can hold a phone number: what bounds the rows of an input of a known size. */
const MIN_ROW_BYTES = 8;

/**
 * Told the bytes of a run's per-row state as they become known: a bound, then a guess, then the size; or
 * undefined when they cannot be known (input of unknown size).
 */
export type RowStateListener = (bytes: number | undefined) => void;

/**
 * Sizes the duplicate tables once, from the input's size after its first 4 MB (growing them step by step holds
 * two tables at once near the end of a big run), and tells a listener (the CLI, which fits V8's young generation
 * around it) how large the run's per-row state will be, as soon as it can: when the input opens, a bound from
 * its size (0 without duplicate checks); for an input of 512 KB or more, a guess after its first 512 KB; for 4 MB
 * or more, the tables' bytes once sized; undefined for stdin, whose size is unknown.
 */
export class RowStateSizing {
  readonly #duplicates: DuplicateFinder | undefined;
  readonly #totalBytes: number | undefined;
  readonly #withExternalIds: boolean;
  readonly #tell: RowStateListener | undefined;
  #guessed: boolean;
  #sized: boolean;

  constructor(
    duplicates: DuplicateFinder | undefined,
    totalBytes: number | undefined,
    withExternalIds: boolean,
    tell?: RowStateListener,
  ) {
    this.#duplicates = duplicates;
    this.#totalBytes = totalBytes;
    this.#withExternalIds = withExternalIds;
    this.#tell = tell;
    const size = duplicates === undefined ? 0 : (totalBytes ?? 0);
    this.#sized = size < ESTIMATE_AFTER_BYTES;
    this.#guessed = tell === undefined || size < GUESS_AFTER_BYTES;
    if (duplicates === undefined) tell?.(0);
    else if (totalBytes === undefined) tell?.(undefined);
    else tell?.(DuplicateFinder.bytesFor(Math.ceil(totalBytes / MIN_ROW_BYTES), withExternalIds));
  }

  /** Whether `onRecord` still has something to do; the reader stops calling it once it has not. */
  get pending(): boolean {
    return !(this.#sized && this.#guessed);
  }

  /** Called with the input's progress at each record while `pending`. */
  onRecord(bytesRead: number, rowsRead: number): void {
    if (!this.#guessed) {
      const rows = expectedRows(this.#totalBytes, bytesRead, rowsRead, GUESS_AFTER_BYTES);
      if (rows !== undefined) {
        this.#guessed = true;
        this.#tell?.(DuplicateFinder.bytesFor(Math.ceil(rows * GUESS_MARGIN), this.#withExternalIds));
      }
    }
    const rows = this.#sized ? undefined : expectedRows(this.#totalBytes, bytesRead, rowsRead);
    if (rows === undefined || this.#duplicates === undefined) return;
    this.#sized = true;
    const bytes = this.#duplicates.reserve(rows, this.#withExternalIds); // not inside `?.()`: it must run
    this.#tell?.(bytes);
  }
}
