import { UsageError } from '../errors.js';
import { headerHint, headerNames, type HeaderContext } from './header-hint.js';
import { looksLikePhone } from './phone.js';
import { MAIN, labelRank, nameWords, phoneColumnRank } from './phone-names.js';

/** A column the phone number may come from. */
export interface PhoneColumn {
  readonly index: number;
  /** Its name in the header, for messages. */
  readonly name: string;
  /**
   * Its place in the order of preference, lowest first: a PhoneRank (mobile, main, work or home, other) for a
   * detected column, the position in the list for columns the user named.
   */
  readonly rank: number;
  /**
   * The column beside it that says what kind of number each row holds (Google's "Phone 1 - Type" or "- Label"
   * beside "Phone 1 - Value"): a row's own "Mobile" or "Work Fax" ranks the number instead of the name.
   */
  readonly typeIndex?: number | undefined;
}

export interface DetectedPhones {
  /** In order of preference (see choosePhone). */
  readonly columns: PhoneColumn[];
  /** Said after the columns in the mapping's description when their cells, not their names, found them. */
  readonly note?: string | undefined;
}

/** The share of a column's non-empty sampled cells that must be phone numbers for the cells to decide. */
const CELLS_DECIDE = 0.8;
/** Columns named in the "no phone column" error. */
const LIKELY_SHOWN = 3;
/** Up to this many columns, the "no phone column" error lists them all. */
const HEADER_SHOWN = 12;

/**
 * Finds the phone columns. Names decide first (see phone-names.ts): every column named like a phone is one,
 * except one whose sampled cells hold words and no digit at all (a "Mobile App" column of Yes/No) while another
 * remains. When no name is a phone's, the cells decide: each column of which at least 80% of the non-empty
 * sampled cells parse as phone numbers. Throws a UsageError naming the likely columns when neither finds one.
 * `usable` leaves out the columns that are already something else (externalId, the results file's own).
 */
export function detectPhoneColumns(
  header: readonly string[],
  context: HeaderContext,
  defaultCountry: string | undefined,
  usable: (index: number) => boolean,
): DetectedPhones {
  const words = header.map((name) => nameWords(name).join(' '));
  const named: PhoneColumn[] = [];
  header.forEach((name, index) => {
    if (!usable(index)) return;
    const rank = phoneColumnRank(name);
    if (rank === undefined) return;
    named.push({ index, name, rank, typeIndex: typeColumn(words, index) });
  });
  const withDigits = named.filter((column) => !wordsOnly(column.index, context.sample));
  const chosen = withDigits.length > 0 ? withDigits : named;
  // A stable sort: equal ranks keep the header's order.
  if (chosen.length > 0) return { columns: chosen.sort((a, b) => a.rank - b.rank) };

  const shares = header.map((_, index) =>
    usable(index) ? phoneShare(index, context.sample, defaultCountry) : undefined,
  );
  const byCells = shares.flatMap((share, index) =>
    share !== undefined && share.phones > 0 && share.phones >= CELLS_DECIDE * share.filled
      ? [{ index, name: header[index] ?? '', rank: MAIN, share }]
      : [],
  );
  if (byCells.length === 0) throw noPhoneColumn(header, context, shares);
  const only = byCells.length === 1 ? byCells[0] : undefined;
  return {
    columns: byCells.map(({ index, name, rank }) => ({ index, name, rank })),
    note:
      only === undefined
        ? 'found by their cells, not by a name'
        : `found by its cells: ${only.share.phones} of ${only.share.filled} sampled cells are phone numbers`,
  };
}

/** Google's "Phone 1 - Type" or "Phone 1 - Label" for "Phone 1 - Value", by the words of the names. */
function typeColumn(words: readonly string[], index: number): number | undefined {
  const name = words[index] ?? '';
  if (!name.endsWith(' value')) return undefined;
  const prefix = name.slice(0, -'value'.length);
  const found = words.findIndex((other) => other === `${prefix}type` || other === `${prefix}label`);
  return found >= 0 ? found : undefined;
}

/** Whether a column's sampled cells are words: three or more non-empty, none with a digit. */
function wordsOnly(index: number, sample: HeaderContext['sample']): boolean {
  let filled = 0;
  for (const row of sample) {
    const cell = (row.cells[index] ?? '').trim();
    if (cell === '') continue;
    if (/\d/.test(cell)) return false;
    filled++;
  }
  return filled >= 3;
}

interface Share {
  /** Non-empty sampled cells. */
  readonly filled: number;
  /** Those that are phone numbers. */
  readonly phones: number;
}

function phoneShare(index: number, sample: HeaderContext['sample'], country: string | undefined): Share {
  let filled = 0;
  let phones = 0;
  for (const row of sample) {
    const cell = (row.cells[index] ?? '').trim();
    if (cell === '') continue;
    filled++;
    if (looksLikePhone(phoneText(cell), country)) phones++;
  }
  return { filled, phones };
}

function noPhoneColumn(
  header: readonly string[],
  context: HeaderContext,
  shares: readonly (Share | undefined)[],
): UsageError {
  const likely = shares
    .flatMap((share, index) => (share !== undefined && share.phones > 0 ? [{ index, ...share }] : []))
    .sort((a, b) => b.phones / b.filled - a.phones / a.filled || b.phones - a.phones)
    .slice(0, LIKELY_SHOWN);
  const parts = [
    'no phone column found: no column is named like a phone (Phone, Mobile, Telefon, Phone 1 - Value…) and none holds mostly phone numbers',
  ];
  if (likely.length > 0) {
    const shown = likely.map(
      ({ index, filled, phones }) =>
        `"${header[index]}" (${Math.round((100 * phones) / filled)}% of its ${filled} sampled cells parse as phone numbers)`,
    );
    parts.push(`likely: ${shown.join(', ')}`);
  } else if (context.sample.length > 0) {
    parts.push(`no cell of the first ${context.sample.length} rows is a phone number`);
  }
  parts.push('name it with --phone <column>');
  const found = header.length <= HEADER_SHOWN ? headerNames(header) : '';
  return new UsageError(parts.join('; ') + found + headerHint(header, context), 'COLUMN_MISSING');
}

/** What choosePhone found in a row: the column, and the text to read as the number. */
export interface PhoneCell {
  readonly column: number;
  /** The cell, trimmed, or the one number of it to dial (see phoneText); '' when it holds only a fax or pager. */
  readonly text: string;
  /** When every number of the row is one not to dial: the row's type for it ("Work Fax"). */
  readonly type?: string | undefined;
}

/**
 * The phone of a row: of the columns whose cell holds a digit, the one ranked first, its rank read from the row's
 * own type cell where it has one (a "Work Fax" is never dialled); ties go to the earlier column of the list. A
 * cell without a digit ("n/a", "-") is passed over like an empty one, unless no cell has one: then the first such
 * cell is returned, for its reason. Undefined when every phone cell is empty; `text` '' when every number is typed
 * as one not to dial.
 */
export function choosePhone(
  cells: readonly string[],
  columns: readonly PhoneColumn[],
): PhoneCell | undefined {
  let chosen: PhoneColumn | undefined;
  let chosenRank = Infinity;
  let refused: PhoneCell | undefined;
  let wordy: PhoneColumn | undefined;
  for (const column of columns) {
    const cell = cells[column.index];
    if (cell === undefined || cell.trim() === '') continue;
    if (!DIGIT.test(cell)) {
      wordy ??= column;
      continue;
    }
    const type = column.typeIndex === undefined ? '' : (cells[column.typeIndex] ?? '').trim();
    const rank = type === '' ? column.rank : labelRank(type);
    if (rank === undefined) refused ??= { column: column.index, text: '', type };
    else if (rank < chosenRank) {
      chosen = column;
      chosenRank = rank;
    }
  }
  chosen ??= refused === undefined ? wordy : undefined;
  if (chosen === undefined) return refused;
  return { column: chosen.index, text: phoneText((cells[chosen.index] ?? '').trim()) };
}

const DIGIT = /\d/;

// "Phone:(650) 555-0147 Mobile:(650) 555-0148": a label, a colon, a number; the label starts with a letter.
const LABEL = /([\p{L}][\p{L}\p{N} .'&/-]{0,30}?)\s*:\s*/u;
const LABELS = new RegExp(LABEL.source, 'gu');

/**
 * The number to dial in a cell that holds several: Google writes two numbers of one type as "a ::: b" (the
 * first is taken); a QuickBooks report writes "Phone:a Mobile:b Fax:c" (the best label is taken, mobile first,
 * never a fax). Any other cell is returned as it is.
 */
export function phoneText(cell: string): string {
  if (!cell.includes(':')) return cell;
  const several = cell.indexOf(':::');
  const text = several >= 0 ? cell.slice(0, several).trim() : cell;
  if (!LABEL.test(text)) return text;
  const parts = text.split(LABELS);
  if ((parts[0] ?? '').trim() !== '') return text;
  let best: string | undefined;
  let bestRank = Infinity;
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const number = (parts[i + 1] ?? '').trim();
    const rank = labelRank(parts[i] ?? '');
    if (number !== '' && rank !== undefined && rank < bestRank) {
      best = number;
      bestRank = rank;
    }
  }
  return best ?? '';
}
