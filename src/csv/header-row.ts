import { InputError } from '../errors.js';
import type { RawRecord, RecordReader } from './record-reader.js';

/** Records looked at for title lines above the header: a report's title block is a few lines. */
const TITLE_SEARCH = 12;
/** Data records read ahead for the mapping's sample (phone columns by their cells, a header that looks wrong). */
export const SAMPLE_ROWS = 20;

/** Where the header is, and the first records after it. */
export interface LocatedHeader {
  readonly header: RawRecord;
  /** The first data records (up to SAMPLE_ROWS), read ahead: they are handed out first. */
  readonly rows: RawRecord[];
  /** A record that cannot be read past, met while reading ahead: thrown after `rows`, in its place. */
  readonly error: InputError | undefined;
  /** Whether lines above the header were left out (title lines, or --header-row): a report's framing. */
  readonly framed: boolean;
}

/**
 * Reads up to the header and a few rows past it. The header is the record starting on line `headerRow` or the
 * first after it when that is given; otherwise the first record, unless title lines precede it (see
 * findHeader). Undefined when the input has no record at all. Throws InputError when `headerRow` is past the
 * end of the input.
 */
export async function locateHeader(
  reader: RecordReader,
  name: string,
  headerRow: number | undefined,
): Promise<LocatedHeader | undefined> {
  const records: RawRecord[] = [];
  let error: InputError | undefined;
  let seen = false;
  const pull = async (): Promise<RawRecord | undefined> => {
    if (error !== undefined) return undefined;
    try {
      const record = await reader.next();
      seen ||= record !== undefined;
      return record;
    } catch (caught) {
      // Before any record there is nothing to read: the input itself is broken.
      if (!(caught instanceof InputError) || !seen) throw caught;
      error = caught;
      return undefined;
    }
  };

  let start = 0;
  let skipped = false;
  if (headerRow !== undefined) {
    let record = await pull();
    while (record !== undefined && record.line < headerRow) {
      skipped = true;
      record = await pull();
    }
    if (record === undefined) {
      if (error !== undefined) throw error;
      if (!seen) return undefined;
      throw new InputError(
        `--header-row ${headerRow}: ${name} ends before line ${headerRow}`,
        'INPUT_NOT_CSV',
      );
    }
    records.push(record);
  } else {
    for (let record; records.length < TITLE_SEARCH && (record = await pull()) !== undefined;) {
      records.push(record);
    }
    if (records.length === 0) return undefined;
    start = findHeader(records);
  }
  const header = records[start]!;
  const rows = records.slice(start + 1);
  for (let record; rows.length < SAMPLE_ROWS && (record = await pull()) !== undefined;) rows.push(record);
  return { header, rows, error, framed: skipped || start > 0 };
}

/**
 * The header's index among the first records. A report export (QuickBooks' "Customer Contact List") starts
 * with title lines, one cell each (the company, the report's name, its dates), then the header at the file's
 * real width. So the header is the first record of two or more cells when every record before it has one, it
 * names columns rather than holding numbers, and most records after it are as wide: a file of one column stays
 * as it is, and so does every file whose first line has two cells or more.
 */
export function findHeader(records: readonly RawRecord[]): number {
  let start = 0;
  while (start < records.length && filled(records[start]!.cells) <= 1) start++;
  const candidate = records[start];
  if (start === 0 || candidate === undefined || !namesColumns(candidate.cells)) return 0;
  const after = records.slice(start + 1);
  const wide = after.filter((record) => filled(record.cells) >= 2).length;
  return wide * 2 >= after.length ? start : 0;
}

/** Non-empty cells. */
export function filled(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) if (cell.trim() !== '') count++;
  return count;
}

/** No cell holds a number of 7 digits or more: a header names, a row of leads holds phone numbers. */
function namesColumns(cells: readonly string[]): boolean {
  return cells.every((cell) => !/\d{7}/.test(cell.replace(/[\s()./-]/g, '')));
}

// A report's closing line: a date with a time ("Monday, March 3, 2025 09:41 AM GMT-05:00", "2025-03-03 09:41").
const STAMP = /\b\d{1,2}:\d{2}\b/;
const YEAR = /\b(?:19|20)\d{2}\b/;

/**
 * Whether a record after the rows of a report (`framed`) is its closing line, not a row: one cell, holding a
 * date with a time of day, as QuickBooks ends a report with when it was run.
 */
export function isReportFooter(cells: readonly string[]): boolean {
  if (filled(cells) !== 1) return false;
  const text = cells.find((cell) => cell.trim() !== '') ?? '';
  return STAMP.test(text) && YEAR.test(text);
}
