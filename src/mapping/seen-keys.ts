/** Slots in a new table. */
const INITIAL_SLOTS = 1024;
/** The table grows before it is fuller than this: linear probing stays short up to about 0.8. */
const MAX_LOAD = 0.8;
/**
 * Growing by half, not doubling, keeps the table 53–80% full instead of 37–75%: 1,000,000 keys take 18 MB, not
 * 25 MB, and the old and new tables of a growth step hold 30 MB at once, not 38 MB.
 */
const GROWTH = 1.5;
/** Words per slot: the key's 64-bit hash as two words, then its row + 1 (0 marks an empty slot). */
const STRIDE = 3;
const TWO_TO_32 = 2 ** 32;

/**
 * Remembers which row first had a key (a phone number or an externalId) in one flat table of 12 bytes per
 * slot, 15–23 bytes per key: 1,000,000 keys take 18 MB, not the ~60 MB a Map of strings would. Keys are kept as
 * 64-bit hashes, not strings: two different keys share a hash with a probability near n²/2⁶⁵ (about 3·10⁻⁸ for
 * a million rows), which we accept in exchange for not holding every phone number of the file in memory. A
 * slot's three words are adjacent, so a lookup costs one cache miss, not three: that is what keeps millions of
 * rows fast once the table outgrows the CPU cache.
 */
export class SeenKeys {
  #table = new Uint32Array(INITIAL_SLOTS * STRIDE);
  #slots = INITIAL_SLOTS;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Slots in the table (for tests of its growth). */
  get capacity(): number {
    return this.#slots;
  }

  /** The row that had `key` first, or undefined when no row had it. */
  rowOf(key: string): number | undefined {
    const [hi, lo] = hash64(key);
    const stored = this.#table[find(this.#table, this.#slots, hi, lo) + 2]!;
    return stored === 0 ? undefined : stored - 1;
  }

  /** Records `key` as first seen at `row` (a whole number ≥ 0), or returns the row that had it first. */
  firstRowOf(key: string, row: number): number | undefined {
    if (this.#size + 1 > this.#slots * MAX_LOAD) this.#grow();
    const [hi, lo] = hash64(key);
    const table = this.#table;
    const at = find(table, this.#slots, hi, lo);
    const stored = table[at + 2]!;
    if (stored !== 0) return stored - 1;
    table[at] = hi;
    table[at + 1] = lo;
    table[at + 2] = row + 1;
    this.#size += 1;
    return undefined;
  }

  #grow(): void {
    this.#resize(Math.ceil(this.#slots * GROWTH));
  }

  #resize(slots: number): void {
    const old = this.#table;
    // A new typed array is zeroed memory that the OS maps only as it is written: no fill needed.
    const table = new Uint32Array(slots * STRIDE);
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 2] === 0) continue;
      const to = find(table, slots, old[at]!, old[at + 1]!);
      table[to] = old[at]!;
      table[to + 1] = old[at + 1]!;
      table[to + 2] = old[at + 2]!;
    }
    this.#table = table;
    this.#slots = slots;
  }
}

/**
 * The index of the slot holding this hash, or of the empty slot where it belongs. The home slot maps the hash
 * onto [0, slots) by multiplication (Lemire's "fastrange"), so the table need not be a power of two.
 */
function find(table: Uint32Array, slots: number, hi: number, lo: number): number {
  let slot = Math.floor((((lo ^ hi) >>> 0) * slots) / TWO_TO_32);
  for (;;) {
    const at = slot * STRIDE;
    if (table[at + 2] === 0 || (table[at] === hi && table[at + 1] === lo)) return at;
    slot = slot + 1 === slots ? 0 : slot + 1;
  }
}

/** Two independent 32-bit FNV-1a style hashes over UTF-16 code units, with murmur3's finaliser. */
function hash64(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return [fmix(h1) >>> 0, fmix(h2 ^ 0x9e3779b9) >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
