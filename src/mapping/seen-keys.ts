/** Slots in a new table; a power of two. */
const INITIAL_SLOTS = 1024;
/** The table doubles before it is fuller than this: linear probing stays short up to about 0.8. */
const MAX_LOAD = 0.75;
/** Words per slot: the key's 64-bit hash as two words, then its row + 1 (0 marks an empty slot). */
const STRIDE = 3;

/**
 * Remembers which row first had a key (a phone number or an externalId) in one flat table of 12 bytes per
 * slot, at most 32 and at least 16 bytes per key (the table is 37–75% full): 1,000,000 keys take 25 MB, not
 * the ~60 MB a Map of strings would. Keys are kept as 64-bit hashes, not strings: two different keys share a
 * hash with a probability near n²/2⁶⁵ (about 3·10⁻⁸ for a million rows), which we accept in exchange for not
 * holding every phone number of the file in memory. A slot's three words are adjacent, so a lookup costs one
 * cache miss, not three: that is what keeps millions of rows fast once the table outgrows the CPU cache.
 */
export class SeenKeys {
  #table = new Uint32Array(INITIAL_SLOTS * STRIDE);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The row that had `key` first, or undefined when no row had it. */
  rowOf(key: string): number | undefined {
    const [hi, lo] = hash64(key);
    const stored = this.#table[this.#find(this.#table, this.#mask, hi, lo) + 2]!;
    return stored === 0 ? undefined : stored - 1;
  }

  /** Records `key` as first seen at `row` (a whole number ≥ 0), or returns the row that had it first. */
  firstRowOf(key: string, row: number): number | undefined {
    if (this.#size + 1 > (this.#mask + 1) * MAX_LOAD) this.#grow();
    const [hi, lo] = hash64(key);
    const table = this.#table;
    const at = this.#find(table, this.#mask, hi, lo);
    const stored = table[at + 2]!;
    if (stored !== 0) return stored - 1;
    table[at] = hi;
    table[at + 1] = lo;
    table[at + 2] = row + 1;
    this.#size += 1;
    return undefined;
  }

  /** The index of the slot holding this hash, or of the empty slot where it belongs. */
  #find(table: Uint32Array, mask: number, hi: number, lo: number): number {
    let slot = (lo ^ hi) & mask;
    for (;;) {
      const at = slot * STRIDE;
      if (table[at + 2] === 0 || (table[at] === hi && table[at + 1] === lo)) return at;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const old = this.#table;
    const slots = (this.#mask + 1) * 2;
    // A new typed array is zeroed memory that the OS maps only as it is written: no fill needed.
    const table = new Uint32Array(slots * STRIDE);
    const mask = slots - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 2] === 0) continue;
      const to = this.#find(table, mask, old[at]!, old[at + 1]!);
      table[to] = old[at]!;
      table[to + 1] = old[at + 1]!;
      table[to + 2] = old[at + 2]!;
    }
    this.#table = table;
    this.#mask = mask;
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
