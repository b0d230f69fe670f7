import type { RowProblem } from '../pipeline/run-tally.js';
import { ledgerLines, phoneColumnsLine, type ImportSummary } from '../pipeline/summary.js';

/**
 * What `validate` (and `import --dry-run`) prints on stdout: the mapping used, counts by status, the first
 * problems with their row, line, column and reason, where every row's outcome is, and what to do next.
 *
 *     Read as: windows-1252, semicolon-separated      (when the summary carries `input`)
 *
 *     Mapping:
 *       phoneNumber ← "Phone"
 *       …
 *
 *     1200 rows: 1180 valid, 12 invalid, 8 skipped
 *     Phone numbers from "Mobile": 900 rows, "Phone": 280 rows   (when more than one column gave numbers)
 *
 *     First 10 of 12 invalid rows:
 *       row 7 (line 8): column "Phone": phone number has no country code; …
 *       row 9 (line 11): 4 fields, expected 3 (header); check for a "," inside a cell that is not quoted
 *
 *     5 skipped rows repeat the phone number or externalId of an earlier row: see their _error.
 *     3 skipped rows are marked do not call: they are never sent.
 *     Results: leads.results.csv (every row's status; _error says why a row is invalid or skipped)
 *     Nothing was sent. Fix the invalid rows, then validate again.
 */
export function formatValidationReport(summary: ImportSummary & { readonly input?: InputFormat }): string {
  const { counts, problems } = summary;
  const lines: string[] = [];
  if (summary.input !== undefined) lines.push(`Read as: ${describeInput(summary.input)}`, '');
  lines.push('Mapping:', ...summary.mapping.map((line) => `  ${line}`), '');
  lines.push(
    `${summary.rows} rows: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.skipped} skipped`,
  );
  if (summary.alreadyDone > 0) {
    lines.push(
      `(${summary.alreadyDone} of them were already done by an earlier run and were not checked again)`,
    );
  }
  const phones = phoneColumnsLine(summary);
  if (phones !== undefined) lines.push(phones);
  // With a ledger (validate --outbound): what a run would send, compared with what the ledger knows.
  lines.push(...ledgerLines(summary));
  const bad = counts.invalid + counts.failed;
  if (problems.length > 0) {
    const title =
      problems.length < bad
        ? `First ${problems.length} of ${bad} invalid rows:`
        : `${bad === 1 ? 'Invalid row' : 'Invalid rows'}:`;
    lines.push('', title, ...problems.map((problem) => `  ${formatProblem(problem)}`));
  }
  lines.push('');
  // A dry run skips only these two kinds: a ledger's changed leads are counted as valid.
  const repeats = counts.skipped - summary.doNotCall;
  if (repeats > 0) {
    lines.push(
      repeats === 1
        ? '1 skipped row repeats the phone number or externalId of an earlier row: see its _error.'
        : `${repeats} skipped rows repeat the phone number or externalId of an earlier row: see their _error.`,
    );
  }
  if (summary.doNotCall > 0) {
    lines.push(
      summary.doNotCall === 1
        ? '1 skipped row is marked do not call: it is never sent.'
        : `${summary.doNotCall} skipped rows are marked do not call: they are never sent.`,
    );
  }
  if (summary.stopped !== undefined) lines.push(`Stopped: ${summary.stopped.message}`);
  lines.push(
    `Results: ${summary.resultsPath} (every row's status; _error says why a row is invalid or skipped)`,
  );
  if (summary.stopped !== undefined) {
    lines.push('Nothing was sent. The rows after the last one in the results file were not checked.');
  } else if (bad > 0) {
    lines.push('Nothing was sent. Fix the invalid rows, then validate again.');
  } else {
    lines.push('Nothing was sent. No row is invalid: the file is ready to import.');
  }
  return `${lines.join('\n')}\n`;
}

/** How the input was read, when the summary says (the encoding and delimiter detected or given). */
export interface InputFormat {
  readonly encoding: string;
  readonly delimiter: string;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** `windows-1252, semicolon-separated`: so that a user sees at once when a file was read wrongly. */
function describeInput({ encoding, delimiter }: InputFormat): string {
  return `${encoding}, ${DELIMITER_NAMES[delimiter] ?? `"${delimiter}"`}-separated`;
}

/**
 * `row 7 (line 8): column "Phone": reason`. What the reason already says is not repeated: the line number (a
 * record with the wrong number of fields says `line 8: …` in the results file, which has no line column), or
 * the column (a typed callData value says `column "Age" (int): …`).
 */
function formatProblem(problem: RowProblem): string {
  const prefix = `line ${problem.line}: `;
  const reason = problem.reason.startsWith(prefix) ? problem.reason.slice(prefix.length) : problem.reason;
  const named = `column "${problem.column}"`;
  const column = problem.column === undefined || reason.startsWith(named) ? '' : ` ${named}:`;
  return `row ${problem.row} (line ${problem.line}):${column} ${reason}`;
}
