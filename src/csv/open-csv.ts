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
import { RecordReader, createParser } from './record-reader.js';
import type { RawRecord } from './record-reader.js';

export type { CsvSource } from './byte-source.js';

/** One data record of the input. */
export interface CsvRecord {
  /** 1-based record number; the header and blank records are not counted. */
  row: number;
  /** 1-based line the record starts on, counting every physical line (header, blank lines, breaks in cells). */
  line: number;
  /** The cells as read, not trimmed. A good record has exactly as many cells as the header. */
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
}

export interface OpenedCsv {
  /** Column names: trimmed, never empty, unique (see `normalizeHeader`). */
  readonly header: string[];
  /** The encoding used: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', or the override. */
  readonly encoding: string;
  readonly delimiter: string;
  /**
   * The data records, in order; single use. Records are parsed only as the consumer asks for them, so an
   * awaiting consumer keeps memory flat. A record whose cells are all empty or whitespace (a blank line,
   * `,,,`) is skipped like a blank line. Extra cells past the header's width that are all empty (a trailing
   * delimiter) are dropped. Throws InputError 'CSV_UNREADABLE_RECORD' at a record that cannot be read past
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

    const headerRecord = await reader.next();
    if (headerRecord === undefined) {
      throw notCsv(bytes.head.length <= encoding.bomLength ? 'is empty' : 'is empty (only blank lines)');
    }
    const header = normalizeHeader(headerRecord.cells);
    const first = await reader.next();
    if (first === undefined) throw notCsv('has a header but no rows');

    return {
      header,
      encoding: encoding.name,
      delimiter,
      records: readRecords(reader, first, { width: header.length, delimiter }, release),
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
  const { endByte } = options;
  if (endByte !== undefined && !(Number.isSafeInteger(endByte) && endByte >= 0)) {
    throw new RangeError(`endByte must be a whole number of bytes ≥ 0, got ${endByte}`);
  }
  return { encoding, delimiter };
}

interface Shape {
  /** Fields in the header. */
  readonly width: number;
  readonly delimiter: string;
}

async function* readRecords(
  reader: RecordReader,
  first: RawRecord,
  shape: Shape,
  close: () => Promise<void>,
): AsyncGenerator<CsvRecord, void, undefined> {
  let row = 1;
  try {
    yield toCsvRecord(first, row, shape);
    for (;;) {
      // Read synchronously while the parser has records buffered; wait only when it has none.
      let record = reader.read();
      while (record === null) {
        await reader.ready();
        record = reader.read();
      }
      if (record === undefined) return;
      yield toCsvRecord(record, ++row, shape);
    }
  } finally {
    await close();
  }
}

function toCsvRecord({ cells, line }: RawRecord, row: number, { width, delimiter }: Shape): CsvRecord {
  if (cells.length === width) return { row, line, cells };
  if (cells.length > width && isBlankFrom(cells, width)) {
    cells.length = width;
    return { row, line, cells };
  }
  const fields = `${cells.length} field${cells.length === 1 ? '' : 's'}`;
  const shown = delimiter === '\t' ? 'tab' : `"${delimiter}"`;
  // The usual causes: a cell holding the delimiter, or a line break, that the program writing it did not quote.
  const hint =
    cells.length > width
      ? `check for a ${shown} inside a cell that is not quoted`
      : `check for a missing ${shown}, or a line break inside a cell that is not quoted`;
  return { row, line, cells, error: `line ${line}: ${fields}, expected ${width} (header); ${hint}` };
}

function isBlankFrom(cells: readonly string[], start: number): boolean {
  for (let i = start; i < cells.length; i++) if ((cells[i] ?? '').trim() !== '') return false;
  return true;
}
