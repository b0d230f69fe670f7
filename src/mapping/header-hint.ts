import { looksLikePhone } from './phone.js';

/** The first rows of the input, read before the run, for what the header's names cannot tell. */
export interface HeaderContext {
  /** The line the header was read from (1-based). */
  readonly headerLine: number;
  /** The first data rows (up to 20), as read: the cells untrimmed, a short row not yet padded. */
  readonly sample: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

export const NO_CONTEXT: HeaderContext = { headerLine: 1, sample: [] };

/**
 * Why the header may be the wrong line, said after a "column not found" message: most rows are wider than it
 * (title lines above the real header that were not recognised as such), or it holds a phone number (the file
 * has no header). '' when it looks right.
 */
export function headerHint(header: readonly string[], context: HeaderContext): string {
  const { headerLine, sample } = context;
  const number = phoneInHeader(header);
  if (number >= 0) {
    // The position, not the cell: a header that is a row holds a lead's data, which messages never repeat.
    return `; line ${headerLine} looks like a row, not a header (its column ${number + 1} holds a phone number): add a header line, or pass --header-row N if the header is further down`;
  }
  const wider = sample.filter((row) => filledWidth(row.cells) > header.length);
  if (wider.length === 0 || wider.length * 2 < sample.length) return '';
  const columns = `${header.length} column${header.length === 1 ? '' : 's'}`;
  const likely = wider.find((row) => looksLikeHeader(row.cells));
  return likely === undefined
    ? `; the header (line ${headerLine}) has ${columns} but most rows have more: if the header is on another line, pass --header-row N with its line number`
    : `; the header (line ${headerLine}) has ${columns} but most rows have more: if the header is on line ${likely.line}, pass --header-row ${likely.line}`;
}

/**
 * The header's names, quoted and listed for a "column not found" message; '' when the header looks like a row
 * (it holds a phone number), as its names are then a lead's cells.
 */
export function headerNames(header: readonly string[]): string {
  return phoneInHeader(header) >= 0 ? '' : `; found: ${header.map((name) => `"${name}"`).join(', ')}`;
}

/** The index of a header name that is a phone number (the file has no header), or -1. */
function phoneInHeader(header: readonly string[]): number {
  return header.findIndex((name) => /\d{7}/.test(name.replace(/\D/g, '')) && looksLikePhone(name, undefined));
}

/** Cells up to the last non-empty one. */
function filledWidth(cells: readonly string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if ((cells[i] ?? '').trim() !== '') return i + 1;
  return 0;
}

/** Two or more names and no number among them: what a header row looks like. */
function looksLikeHeader(cells: readonly string[]): boolean {
  const filled = cells.filter((cell) => cell.trim() !== '');
  return filled.length >= 2 && filled.every((cell) => !/\d{3}/.test(cell));
}
