import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { RESULT_COLUMNS, isResultsHeader } from './columns.js';

/** One line of a results file: where it is (byte offsets, for compaction) and what it says. */
export interface ResultsLine {
  readonly row: number;
  readonly status: string;
  /** Every field of the line, as written: ours (RESULT_COLUMNS), then the input's own cells. */
  readonly fields: readonly string[];
  readonly start: number;
  readonly end: number;
}

export interface ResultsScan {
  /** The input's own columns (after the result columns). */
  readonly header: string[];
  /** Byte length of the header line. */
  readonly headerBytes: number;
  /** Bytes that hold whole lines; anything after is a torn last line. */
  readonly usableBytes: number;
}

/**
 * Reads a results file written by ResultsWriter (UTF-8, comma, our header). A row may have several lines, and
 * the last one counts. A torn last line, which only a crash mid-write can leave, is ignored with a warning.
 */
export async function scanResultsFile(
  file: string,
  onLine: (line: ResultsLine) => void,
  warn: (message: string) => void,
): Promise<ResultsScan> {
  const name = path.basename(file);
  const usableBytes = await wholeLinesLength(file);
  const size = fs.statSync(file).size;
  if (usableBytes < size)
    warn(`${name}: ignored a torn last line (${size - usableBytes} bytes) left by a crash`);

  let header: string[] | undefined;
  let headerBytes = 0;
  let previousEnd = 0;
  let wholeBytes = usableBytes;
  const parser = parse({ info: true, relax_column_count: true, skip_empty_lines: true });
  // 'data' events, not an async iterator: records parsed before an error must still be seen.
  parser.on('data', ({ record, info }: { record: string[]; info: { bytes: number; lines: number } }) => {
    const start = previousEnd;
    previousEnd = info.bytes;
    if (header === undefined) {
      if (!isResultsHeader(record)) {
        parser.destroy(
          new InputError(
            `${name} is not a results file of nlpearl-leads: its header does not start with ${RESULT_COLUMNS.join(',')}`,
            'RESULTS_UNREADABLE',
          ),
        );
        return;
      }
      header = record.slice(RESULT_COLUMNS.length);
      headerBytes = info.bytes;
      return;
    }
    const row = Number(record[0]);
    if (!Number.isSafeInteger(row) || row < 1) {
      warn(`${name}: line ${info.lines}: _row "${record[0]}" is not a row number; line ignored`);
      return;
    }
    onLine({ row, status: record[1] ?? '', fields: record, start, end: info.bytes });
  });
  try {
    await pipeline(fs.createReadStream(file, { start: 0, end: Math.max(0, usableBytes - 1) }), parser);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as { code?: string }).code !== 'CSV_QUOTE_NOT_CLOSED') {
      throw new InputError(`cannot read ${name}: ${(error as Error).message}`, 'RESULTS_UNREADABLE', {
        cause: error,
      });
    }
    // A newline inside a quoted cell was the last thing written: the record is torn.
    warn(`${name}: ignored a torn last line left by a crash`);
    wholeBytes = previousEnd;
  }
  if (header === undefined) {
    throw new InputError(`${name} is empty: it is not a results file`, 'RESULTS_UNREADABLE');
  }
  return { header, headerBytes, usableBytes: wholeBytes };
}

/** The length of the file up to and including its last newline. */
async function wholeLinesLength(file: string): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
