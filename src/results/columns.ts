/**
 * The columns the results file puts before the input's own. The leading underscore keeps them from clashing
 * with a lead file's own "status" or "error" column, and lets a results file be read back as input.
 */
export const RESULT_COLUMNS = ['_row', '_status', '_leadId', '_error', '_attempts'] as const;

/** True when a header is a results file's (so `_row` gives row numbers and the first columns are ours). */
export function isResultsHeader(header: readonly string[]): boolean {
  return RESULT_COLUMNS.every((name, index) => header[index] === name);
}
