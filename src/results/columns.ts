/**
 * The columns the results file puts before the input's own. The leading underscore keeps them from clashing
 * with a lead file's own "status" or "error" column, and lets a results file be read back as input.
 */
export const RESULT_COLUMNS = ['_row', '_status', '_leadId', '_error', '_attempts'] as const;

/** True when a header is a results file's (so `_row` gives row numbers and the first columns are ours). */
export function isResultsHeader(header: readonly string[]): boolean {
  return RESULT_COLUMNS.every((name, index) => header[index] === name);
}

/** A record of a results file read back as input: the row it stands for, its status, and the lead's cells. */
export interface ResultsRecord {
  readonly row: number;
  readonly status: string;
  readonly cells: string[];
}

/** Splits a results file's record into our columns and the input's own (see RESULT_COLUMNS). */
export function splitResultsRecord(cells: readonly string[]): ResultsRecord {
  return { row: Number(cells[0]), status: cells[1] ?? '', cells: cells.slice(RESULT_COLUMNS.length) };
}
