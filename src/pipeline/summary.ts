import type { InputErrorCode, OutputErrorCode } from '../errors.js';
import type { FinalStatus, RowProblem } from './run-tally.js';

/**
 * Why a run stopped part-way: a signal, an answer about the whole run, the error budget, the API gone, or an
 * input or results file that failed after leads were sent (before, they are thrown as errors).
 */
export type StopCode =
  | 'INTERRUPTED'
  | 'CREDENTIALS_REJECTED'
  | 'OUTBOUND_NOT_FOUND'
  | 'ERROR_BUDGET'
  | 'API_DOWN'
  | InputErrorCode
  | OutputErrorCode;

export type StatusCounts = Record<FinalStatus, number>;

export interface ImportSummary {
  readonly resultsPath: string;
  readonly dryRun: boolean;
  /** Rows reached in this run (read from the input and given an outcome, or found done by --resume). */
  readonly rows: number;
  readonly counts: StatusCounts;
  /** Rows already created or skipped by an earlier run (--resume, retry): not sent again. */
  readonly alreadyDone: number;
  readonly durationMs: number;
  readonly rowsPerSecond: number;
  /** How the input was read: detected or given. */
  readonly input?: { readonly encoding: string; readonly delimiter: string };
  /** Which column went where ("phoneNumber ← \"Phone\"", …). */
  readonly mapping: readonly string[];
  /** The first rows that are invalid or failed, with row, line, column and reason. */
  readonly problems: readonly RowProblem[];
  /** Why the run stopped part-way, when it did. */
  readonly stopped?: { readonly code: StopCode; readonly message: string };
  /** 0 all created (dry run: all valid); 1 some rows invalid or failed; 3 stopped part-way. */
  readonly exitCode: 0 | 1 | 3;
}

export function emptyCounts(): StatusCounts {
  return { created: 0, invalid: 0, failed: 0, skipped: 0, valid: 0, unknown: 0 };
}

export function exitCodeOf(counts: StatusCounts, stopped: boolean): 0 | 1 | 3 {
  if (stopped) return 3;
  return counts.invalid + counts.failed + counts.unknown > 0 ? 1 : 0;
}

/** The lines printed on stdout at the end of a run. */
export function formatSummary(summary: ImportSummary, retryCommand?: string): string {
  const { counts } = summary;
  const parts = summary.dryRun
    ? [`${counts.valid} valid`, `${counts.invalid} invalid`, `${counts.skipped} skipped`]
    : [
        `${counts.created} created`,
        `${counts.invalid} invalid`,
        `${counts.failed} failed`,
        `${counts.skipped} skipped`,
        ...(counts.unknown > 0 ? [`${counts.unknown} outcome unknown`] : []),
      ];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const lines = [
    `${summary.dryRun ? 'Validated' : 'Imported'} ${summary.rows} rows in ${seconds} s (${Math.round(summary.rowsPerSecond)} rows/s): ${parts.join(', ')}`,
  ];
  if (summary.alreadyDone > 0) lines.push(`${summary.alreadyDone} rows were already done by an earlier run`);
  if (summary.stopped) lines.push(`Stopped: ${summary.stopped.message}`);
  lines.push(`Results: ${summary.resultsPath}`);
  if (retryCommand !== undefined) {
    lines.push(
      counts.failed + counts.unknown > 0
        ? `Retry the failed rows with: ${retryCommand}`
        : `Fix the invalid rows in the results file, then send them with: ${retryCommand}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
