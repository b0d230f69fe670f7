import { pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { InputError } from '../errors.js';
import { openByteSource } from './byte-source.js';
import type { CsvSource } from './byte-source.js';
import { DELIMITER_HINT, delimiterFromOption, detectDelimiter } from './delimiter.js';
import {
  ENCODING_HINT,
  SNIFF_BYTES,
  createDecoder,
  decodeHead,
  encodingFromOption,
  guessEncoding,
} from './encoding.js';
import { normalizeHeader } from './header.js';
import { SAMPLE_ROWS, isReportFooter, locateHeader } from './header-row.js';
import { RecordReader, createParser } from './record-reader.js';
import type { RawRecord } from './record-reader.js';

export type { CsvSource } from './byte-source.js';

/** One data record of the input. */
export interface CsvRecord {
  /** 1-based record number; the header and blank records are not counted. */
  row: number;
  /** 1-based line the record starts on, counting every physical line (header, blank lines, breaks in cells). */
  line: number;
  /**
   * The cells as read, not trimmed. A good record has exactly as many cells as the header: one that leaves out
   * its trailing empty cells (as some exports do) is given them.
   */
  cells: string[];
  /**
   * Set when the record is broken but reading goes on, e.g. 'line 12: 9 fields, expected 7 (header); check
   * for a "," inside a cell that is not quoted'.
   */
  error?: string;
}

export interface OpenCsvOptions {
  /** Encoding, any name iconv-lite knows ('utf8', 'utf16le', 'windows-1252', 'latin1'…). Default: detected. */
  readonly encoding?: string | undefined;
  /** Delimiter: ',' ';' '\t' '|' or the word 'tab'. Default: detected from the first lines. */
  readonly delimiter?: string | undefined;
  /** Read only bytes [0, endByte) of the input, e.g. a results file that is being appended to. Default: all. */
  readonly endByte?: number | undefined;
  /**
   * The line the header is on (1-based): the lines above it are left out. Default: line 1, unless title lines
   * come first (a report export: one cell per line, then the header at the file's real width).
   */
  readonly headerRow?: number | undefined;
}

/** A data record read ahead of the run, as read. */
export interface SampleRow {
  readonly line: number;
  readonly cells: readonly string[];
}

export interface OpenedCsv {
  /** Column names: trimmed, never empty, unique (see `normalizeHeader`). */
  readonly header: string[];
  /** The line the header was read from: 1, or lower down after title lines or with `headerRow`. */
  readonly headerLine: number;
  /**
   * The first data records (up to 20), as read: for what the header's names cannot tell (which column holds the
   * phone numbers) and for the messages when the header looks wrong. They are still handed out by `records`.
   */
  readonly sample: readonly SampleRow[];
  /** The encoding used: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', or the override. */
  readonly encoding: string;
  readonly delimiter: string;
  /**
   * The data records, in order; single use. Records are parsed only as the consumer asks for them, so an
   * awaiting consumer keeps memory flat. A record whose cells are all empty or whitespace (a blank line,
   * `,,,`) is skipped like a blank line. Extra cells past the header's width that are all empty (a trailing
   * delimiter) are dropped; a record shorter than the header is given empty cells up to its width. Below the
   * rows of a report (title lines were left out), a closing line of one cell with a date and time is no row.
   * Throws InputError 'CSV_UNREADABLE_RECORD' at a record that cannot be read past
   * (a quote never closed), after every record before it.
   */
  readonly records: AsyncIterable<CsvRecord>;
  /** Bytes of the input consumed so far, for progress. */
  bytesRead(): number;
  /** The input's size in bytes when known (a file), limited by `endByte`. */
  readonly totalBytes: number | undefined;
  /** Releases the input; idempotent, and safe while records are only partly read. */
  close(): Promise<void>;
}

/**
 * Opens a CSV input: detects its encoding and delimiter, reads the header and peeks at the first record, so
 * that an input that is unreadable, empty, binary, or has a header but no rows fails here, before anything is
 * sent. Throws InputError ('INPUT_UNREADABLE', 'INPUT_NOT_CSV', 'CSV_UNREADABLE_RECORD').
 */
export async function openCsv(source: CsvSource, options: OpenCsvOptions = {}): Promise<OpenedCsv> {
  const override = checkOptions(options);
  const bytes = await openByteSource(source, SNIFF_BYTES, options.endByte);
  const { name } = bytes;
  const notCsv = (what: string) => new InputError(`${name} ${what}`, 'INPUT_NOT_CSV');
  let release: () => Promise<void> = () => bytes.close();
  try {
    if (bytes.head.length === 0) throw notCsv('is empty');
    const guess = guessEncoding(bytes.head, bytes.atEof, override.encoding);
    if (guess.kind === 'binary') throw notCsv(`does not look like a CSV file (binary data)${guess.hint}`);
    const { encoding } = guess;
    const delimiter = override.delimiter ?? detectDelimiter(decodeHead(bytes.head, encoding), bytes.atEof);

    const input = bytes.stream(encoding.bomLength);
    const decoder = createDecoder(encoding);
    const parser = createParser(delimiter);
    const stages: (NodeJS.ReadableStream | Transform)[] = decoder
      ? [input, decoder, parser]
      : [input, parser];
    // Errors reach the parser, destroyed with them, and the reader reports them; nothing more to do here.
    pipeline(stages, () => undefined);
    const reader = new RecordReader(parser, name);
    let closing: Promise<void> | undefined;
    release = () => {
      closing ??= (async () => {
        reader.stop();
        parser.destroy();
        decoder?.destroy();
        input.destroy();
        await bytes.close();
      })();
      return closing;
    };

    const located = await locateHeader(reader, name, options.headerRow);
    if (located === undefined) {
      throw notCsv(bytes.head.length <= encoding.bomLength ? 'is empty' : 'is empty (only blank lines)');
    }
    const header = normalizeHeader(located.header.cells);
    if (located.rows.length === 0) throw located.error ?? notCsv('has a header but no rows');
    const shape: Shape = { width: header.length, delimiter, framed: located.framed };

    return {
      header,
      headerLine: located.header.line,
      sample: located.rows
        .filter((record) => !(located.framed && isReportFooter(record.cells)))
        .slice(0, SAMPLE_ROWS)
        .map(({ line, cells }) => ({ line, cells: [...cells] })),
      encoding: encoding.name,
      delimiter,
      records: readRecords(reader, located.rows, located.error, shape, release),
      bytesRead: () => bytes.bytesRead(),
      totalBytes: bytes.totalBytes,
      close: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

function checkOptions(options: OpenCsvOptions) {
  const encoding = options.encoding === undefined ? undefined : encodingFromOption(options.encoding);
  if (options.encoding !== undefined && encoding === undefined) {
    throw new InputError(`unknown encoding "${options.encoding}"; ${ENCODING_HINT}`, 'INPUT_UNREADABLE');
  }
  const delimiter = options.delimiter === undefined ? undefined : delimiterFromOption(options.delimiter);
  if (options.delimiter !== undefined && delimiter === undefined) {
    throw new InputError(`unknown delimiter "${options.delimiter}"; ${DELIMITER_HINT}`, 'INPUT_UNREADABLE');
  }
  const { endByte, headerRow } = options;
  if (endByte !== undefined && !(Number.isSafeInteger(endByte) && endByte >= 0)) {
    throw new RangeError(`endByte must be a whole number of bytes ≥ 0, got ${endByte}`);
  }
  if (headerRow !== undefined && !(Number.isSafeInteger(headerRow) && headerRow >= 1)) {
    throw new RangeError(`headerRow must be a line number ≥ 1, got ${headerRow}`);
  }
  return { encoding, delimiter };
}

interface Shape {
  /** Fields in the header. */
  readonly width: number;
  readonly delimiter: string;
  /** Title lines were left out above the header: a closing line below the rows is left out too. */
  readonly framed: boolean;
}

async function* readRecords(
  reader: RecordReader,
  ahead: readonly RawRecord[],
  deferred: InputError | undefined,
  shape: Shape,
  close: () => Promise<void>,
): AsyncGenerator<CsvRecord, void, undefined> {
  let row = 0;
  // Closing lines of a report, held until a row follows them (then they were rows) or the input ends.
  const held: RawRecord[] = [];
  try {
    for (let i = 0; ;) {
      let record: RawRecord | undefined;
      try {
        if (reader.stopped) record = undefined;
        else if (i < ahead.length) record = ahead[i++];
        else if (deferred !== undefined) throw deferred;
        else {
          // Read synchronously while the parser has records buffered; wait only when it has none.
          let next = reader.read();
          while (next === null) {
            await reader.ready();
            next = reader.read();
          }
          record = next;
        }
      } catch (error) {
        for (const kept of held) yield toCsvRecord(kept, ++row, shape);
        throw error;
      }
      if (record === undefined) return;
      if (shape.framed && isReportFooter(record.cells)) {
        held.push(record);
        continue;
      }
      if (held.length > 0) {
        for (const kept of held) yield toCsvRecord(kept, ++row, shape);
        held.length = 0;
      }
      yield toCsvRecord(record, ++row, shape);
    }
  } finally {
    await close();
  }
}

function toCsvRecord({ cells, line }: RawRecord, row: number, { width, delimiter }: Shape): CsvRecord {
  if (cells.length === width) return { row, line, cells };
  // Trailing empty cells left out (Google's own sample files) or added (a trailing delimiter) say nothing.
  if (cells.length < width) {
    while (cells.length < width) cells.push('');
    return { row, line, cells };
  }
  if (isBlankFrom(cells, width)) {
    cells.length = width;
    return { row, line, cells };
  }
  const fields = `${cells.length} fields`;
  const shown = delimiter === '\t' ? 'tab' : `"${delimiter}"`;
  // The usual cause: a cell holding the delimiter that the program writing it did not quote.
  return {
    row,
    line,
    cells,
    error: `line ${line}: ${fields}, expected ${width} (header); check for a ${shown} inside a cell that is not quoted`,
  };
}

function isBlankFrom(cells: readonly string[], start: number): boolean {
  for (let i = start; i < cells.length; i++) if ((cells[i] ?? '').trim() !== '') return false;
  return true;
}
