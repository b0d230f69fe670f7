import fs from 'node:fs';
import { openCsv, type CsvRecord, type OpenCsvOptions } from '../csv/open-csv.js';
import { UsageError } from '../errors.js';
import { hashCells } from '../results/cells-hash.js';
import type { RowStates } from '../results/row-states.js';

const ADVICE =
  '--resume continues the same file only: for a fresh export every night, use the ledger (the default; see README) or --overwrite';

/** The first difference between the input and what a results file recorded of it. */
export type InputChange =
  /** The input's row `row` has other cells than the row recorded under that number. */
  | { readonly kind: 'differs'; readonly row: number; readonly line: number }
  /** The results file recorded `row`, and the input ends before it, at `lastRow` (line `lastLine`). */
  | { readonly kind: 'gone'; readonly row: number; readonly lastRow: number; readonly lastLine: number };

/**
 * Compares each record with the row recorded under its number, up to the last recorded row; reading stops
 * there, since rows past it are new whatever they hold. Rows the file has no line for (a run that stopped
 * part-way, out of order) are new too.
 */
export async function findChange(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  recorded: RowStates,
): Promise<InputChange | undefined> {
  const last = recorded.lastRow;
  if (last === 0) return undefined;
  let lastRow = 0;
  let lastLine = 0;
  for await (const { row, line, cells } of records) {
    if (recorded.has(row) && hashCells(cells) !== recorded.cellsHash(row))
      return { kind: 'differs', row, line };
    if (row >= last) return undefined;
    lastRow = row;
    lastLine = line;
  }
  let row = lastRow + 1;
  while (!recorded.has(row)) row += 1;
  return { kind: 'gone', row, lastRow, lastLine };
}

export interface ResumedInput {
  /** The input as the user named it: a path, or '-' for standard input. */
  readonly input: string;
  /** The options the run opens it with: the same decoding, delimiter and header row, so cells compare equal. */
  readonly csv: OpenCsvOptions;
  readonly resultsPath: string;
  readonly recorded: RowStates;
  /** `inputIdentity(input)` taken before the run opened the input. */
  readonly identity: string | undefined;
}

/**
 * `--resume` matches rows by number, so it is safe only on the input the results file was written for: a
 * changed export would have new rows skipped and others sent in their place. This reads the input once before
 * the run reads it again to send (a first pass, up to the last row the file recorded) and throws UsageError
 * 'INPUT_CHANGED' at the first row that is not the one recorded, so that nothing is sent, not even the rows
 * before it. Standard input cannot be read twice: resuming it is refused.
 */
export async function checkResumedInput(resumed: ResumedInput): Promise<void> {
  const { input, resultsPath, recorded } = resumed;
  if (recorded.lastRow === 0) return;
  if (input === '-') {
    throw new UsageError(
      `--resume cannot check standard input against ${resultsPath} before sending (it can be read only once): save it to a file and import that, or use the ledger (the default; see README) or --overwrite`,
      'USAGE',
    );
  }
  const csv = await openCsv({ path: input }, resumed.csv);
  let change: InputChange | undefined;
  try {
    change = await findChange(csv.records, recorded);
  } finally {
    await csv.close();
  }
  const since = `the input ${input} has changed since ${resultsPath}`;
  if (change?.kind === 'differs') {
    throw new UsageError(
      `${since}: row ${change.row} (line ${change.line}) is not the row it recorded; ${ADVICE}`,
      'INPUT_CHANGED',
    );
  }
  if (change?.kind === 'gone') {
    throw new UsageError(
      `${since}: row ${change.row} is gone (the input ends at row ${change.lastRow}, line ${change.lastLine}); ${ADVICE}`,
      'INPUT_CHANGED',
    );
  }
  // The run holds the input open from before this pass: the pass read the same file only if it is still there.
  if (resumed.identity !== inputIdentity(input)) {
    throw new UsageError(
      `the input ${input} changed while it was being read; run again once it is written in full`,
      'INPUT_CHANGED',
    );
  }
}

/** Which file a path names, and its size and time: equal before and after, the same unchanged file. */
export function inputIdentity(input: string): string | undefined {
  if (input === '-') return undefined;
  try {
    const stat = fs.statSync(input);
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
