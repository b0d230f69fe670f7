/**
 * Remembers which row first had a key (a phone number or an externalId) in about 12 bytes per key, so that
 * duplicate detection over millions of rows stays within a few tens of MB. Keys are kept as 64-bit hashes,
 * not strings: two different keys share a hash with a probability near n²/2⁶⁵ (about 3·10⁻⁸ for a million
 * rows), which we accept in exchange for not holding every phone number of the file in memory.
 */
export class SeenKeys {
  #hi = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  #rows = new Int32Array(1024).fill(-1);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Records `key` as first seen at `row`, or returns the row that had it first. */
  firstRowOf(key: string, row: number): number | undefined {
    if ((this.#size + 1) * 2 > this.#rows.length) this.#grow();
    const [hi, lo] = hash64(key);
    const slot = this.#find(hi, lo);
    const existing = this.#rows[slot]!;
    if (existing >= 0) return existing;
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
    this.#rows[slot] = row;
    this.#size += 1;
    return undefined;
  }

  #find(hi: number, lo: number): number {
    const mask = this.#rows.length - 1;
    let slot = (lo ^ hi) & mask;
    while (this.#rows[slot]! >= 0 && (this.#hi[slot] !== hi || this.#lo[slot] !== lo))
      slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const [hi, lo, rows] = [this.#hi, this.#lo, this.#rows];
    const capacity = rows.length * 2;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#rows = new Int32Array(capacity).fill(-1);
    for (let i = 0; i < rows.length; i += 1) {
      if (rows[i]! < 0) continue;
      const slot = this.#find(hi[i]!, lo[i]!);
      this.#hi[slot] = hi[i]!;
      this.#lo[slot] = lo[i]!;
      this.#rows[slot] = rows[i]!;
    }
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
