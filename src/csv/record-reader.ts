import type { TransformCallback } from 'node:stream';
import { Parser } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { InputError } from '../errors.js';
import { unreadable } from './byte-source.js';

/**
 * Longest record csv-parse will hold, in characters. Lead rows are far shorter; the limit is what stops a
 * quote that is never closed from reading a whole large file into memory.
 */
export const MAX_RECORD_CHARS = 1_000_000;

/** A record as parsed, with the line it starts on. */
export interface RawRecord {
  readonly cells: string[];
  readonly line: number;
}

/**
 * A parse error that stops the run, passed down the stream in order after the records before it. An error
 * would destroy the stream, and records still buffered in a destroyed stream are not reliably readable (Node's
 * own async iterator drops them), so the records before a broken one could be lost.
 */
class Stop {
  constructor(readonly error: unknown) {}
}

class InOrderParser extends Parser {
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => this.#settle(error, callback));
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => this.#settle(error, callback));
  }

  #settle(error: Error | null | undefined, callback: TransformCallback): void {
    // After an error csv-parse ignores further input; the reader stops at the Stop and closes the pipeline.
    if (error) this.push(new Stop(error));
    callback();
  }
}

/** The csv-parse stream for one delimiter: every record as an array of strings, nothing skipped or cast. */
export function createParser(delimiter: string): Parser {
  return new InOrderParser({
    delimiter,
    // The three line endings, each wherever it appears: files mixing them (an edited export) still split.
    record_delimiter: ['\r\n', '\n', '\r'],
    // Field counts are compared with the header by the reader, so a broken record becomes a row with a reason.
    relax_column_count: true,
    // A quote inside an unquoted cell is text: `5" screen`.
    relax_quotes: true,
    // Blank lines come through as records and are skipped by the reader, which keeps line numbers exact.
    skip_empty_lines: false,
    // The byte-order mark is skipped before the parser, whatever the encoding.
    bom: false,
    max_record_size: MAX_RECORD_CHARS,
  });
}

/**
 * Pulls records from a parser one at a time, skipping blank ones, and numbers their lines. Every physical line
 * belongs to exactly one parsed record (blank lines too), so a record starts on the line after the previous
 * one ends, and ends after as many lines as the line breaks inside its quoted cells.
 */
export class RecordReader {
  /** The line the next record starts on. */
  #line = 1;
  #wake: (() => void) | undefined;
  #stopped = false;
  readonly #parser: Parser;
  readonly #name: string;

  constructor(parser: Parser, name: string) {
    this.#parser = parser;
    this.#name = name;
    const wake = () => {
      const resolve = this.#wake;
      this.#wake = undefined;
      resolve?.();
    };
    for (const event of ['readable', 'end', 'error', 'close']) parser.on(event, wake);
  }

  /**
   * The next non-blank record, `null` when none is buffered yet (await `ready()`), or undefined at the end.
   * Throws InputError for a record the parser cannot read past, or when the input cannot be read.
   */
  read(): RawRecord | null | undefined {
    for (;;) {
      // After stop() the pipeline is torn down on purpose: its premature-close errors are no news.
      if (this.#stopped) return undefined;
      const item = this.#parser.read() as string[] | Stop | null;
      if (item === null) {
        const error: unknown = this.#parser.errored;
        if (error) throw this.#unreadable(error);
        return this.#parser.readableEnded || this.#parser.destroyed ? undefined : null;
      }
      if (item instanceof Stop) throw this.#unreadable(item.error);
      const line = this.#line;
      this.#line = line + 1 + lineBreaks(item);
      if (!isBlank(item)) return { cells: item, line };
    }
  }

  /** Ends reading: `read()` returns undefined from now on, and a pending `ready()` resolves. */
  stop(): void {
    this.#stopped = true;
    const resolve = this.#wake;
    this.#wake = undefined;
    resolve?.();
  }

  /** Whether stop() was called: records read ahead of the consumer are not handed out after it either. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Resolves when `read()` may have something new: a record, the end, or an error. */
  ready(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** The next non-blank record, or undefined at the end. */
  async next(): Promise<RawRecord | undefined> {
    for (;;) {
      const record = this.read();
      if (record !== null) return record;
      await this.ready();
    }
  }

  #unreadable(error: unknown): InputError {
    if (error instanceof InputError) return error;
    const code = (error as Partial<CsvError> | undefined)?.code;
    const at = `${this.#name}: line ${this.#line}`;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      return new InputError(
        `${at}: a quoted cell opened here is never closed; check for a stray " in this row`,
        'CSV_UNREADABLE_RECORD',
        { line: this.#line, cause: error },
      );
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      return new InputError(
        `${at}: a record starting here is longer than ${MAX_RECORD_CHARS} characters; check for a stray " in this row`,
        'CSV_UNREADABLE_RECORD',
        { line: this.#line, cause: error },
      );
    }
    if (code !== undefined && code.startsWith('CSV_')) {
      // Not csv-parse's own text, which may quote the record (a cell, a character of one): the cause keeps it.
      return new InputError(
        `${at}: the record starting here cannot be read (${code}); check for a stray " in this row`,
        'CSV_UNREADABLE_RECORD',
        { line: this.#line, cause: error },
      );
    }
    return unreadable(this.#name, error);
  }
}

/** A record of only empty or whitespace cells (a blank line, `,,,`) is no row: it is skipped like a blank line. */
function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.length !== 0 && cell.trim().length !== 0) return false;
  return true;
}

/** Line breaks inside a record's cells: CRLF, LF and a lone CR each count once. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (cell.length === 0 || (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1)) continue;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if (code === 0x0a) count++;
      else if (code === 0x0d && cell.charCodeAt(i + 1) !== 0x0a) count++;
    }
  }
  return count;
}
