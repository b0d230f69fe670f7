import fs from 'node:fs';
import { scanResultsFile } from './results-scan.js';

const BLOCK = 1 << 20;

export interface CompactionReport {
  /** Rows in the compacted file. */
  readonly rows: number;
  /** Lines the file held before (each row's earlier lines are dropped). */
  readonly linesBefore: number;
  readonly rewritten: boolean;
}

/**
 * Rewrites a results file to hold exactly one line per row, the row's last, in row order; atomically (a new
 * file, synced, then renamed over the old one), so a crash during compaction leaves the old file intact.
 * Memory: 8 bytes per row for the offsets (12 for a file of 4 GiB or more), whatever the width of the lines.
 */
export async function compactResultsFile(
  file: string,
  warn: (message: string) => void,
): Promise<CompactionReport> {
  // Nothing writes to the file while it is compacted: its size is read once.
  const { size } = fs.statSync(file);
  // Offsets fit 32 bits in any file under 4 GiB: 8 bytes per row instead of 12.
  const Offsets = size < 2 ** 32 ? Uint32Array : Float64Array;
  let starts: Uint32Array | Float64Array = new Offsets(1024);
  let lengths = new Uint32Array(starts.length);
  let maxRow = 0;
  let lines = 0;
  let inOrder = true;
  let lastRow = 0;
  const scan = await scanResultsFile(
    file,
    (line) => {
      lines += 1;
      if (line.row <= lastRow) inOrder = false;
      lastRow = line.row;
      if (line.row >= lengths.length) {
        const grown = Math.max(line.row + 1, lengths.length * 2);
        const grownStarts = new Offsets(grown);
        grownStarts.set(starts);
        starts = grownStarts;
        const grownLengths = new Uint32Array(grown);
        grownLengths.set(lengths);
        lengths = grownLengths;
      }
      starts[line.row] = line.start;
      lengths[line.row] = line.end - line.start;
      maxRow = Math.max(maxRow, line.row);
    },
    warn,
  );
  let rows = 0;
  for (let row = 1; row <= maxRow; row += 1) if (lengths[row]! > 0) rows += 1;
  if (inOrder && scan.usableBytes === size) return { rows, linesBefore: lines, rewritten: false };

  const temporary = `${file}.compacting-${process.pid}`;
  const source = fs.openSync(file, 'r');
  const target = fs.openSync(temporary, 'w');
  try {
    const reader = new BlockReader(source);
    const out = new OutputBuffer(target);
    out.write(reader.read(0, scan.headerBytes));
    for (let row = 1; row <= maxRow; row += 1) {
      const length = lengths[row]!;
      if (length > 0) out.write(reader.read(starts[row]!, length));
    }
    out.flush();
    fs.fsyncSync(target);
  } catch (error) {
    fs.closeSync(target);
    fs.rmSync(temporary, { force: true });
    throw error;
  } finally {
    fs.closeSync(source);
  }
  fs.closeSync(target);
  fs.renameSync(temporary, file);
  return { rows, linesBefore: lines, rewritten: true };
}

/** Positioned reads through a 1 MB window: lines come mostly in file order, so most reads are a slice. */
class BlockReader {
  readonly #fd: number;
  #block = Buffer.alloc(BLOCK);
  #blockStart = 0;
  #blockEnd = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  read(start: number, length: number): Buffer {
    if (start < this.#blockStart || start + length > this.#blockEnd) {
      if (length > this.#block.length) this.#block = Buffer.alloc(length);
      // Centred on the wanted line: rows that arrived in reverse order are read as cheaply as in order.
      const from = Math.max(0, Math.min(start, start + length - this.#block.length / 2));
      const bytes = fs.readSync(this.#fd, this.#block, 0, this.#block.length, from);
      this.#blockStart = from;
      this.#blockEnd = from + bytes;
    }
    const offset = start - this.#blockStart;
    return this.#block.subarray(offset, offset + length);
  }
}

class OutputBuffer {
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(BLOCK);
  #used = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  write(bytes: Buffer): void {
    if (this.#used + bytes.length > this.#buffer.length) this.flush();
    if (bytes.length > this.#buffer.length) {
      fs.writeSync(this.#fd, bytes);
      return;
    }
    bytes.copy(this.#buffer, this.#used);
    this.#used += bytes.length;
  }

  flush(): void {
    let offset = 0;
    while (offset < this.#used) offset += fs.writeSync(this.#fd, this.#buffer, offset, this.#used - offset);
    this.#used = 0;
  }
}
