import type { InputErrorCode, OutputErrorCode } from '../errors.js';
import type { LedgerErrorCode } from '../ledger/errors.js';
import { describePhoneColumns } from '../mapping/phone-column-counts.js';
import type { FinalStatus, RowProblem } from './run-tally.js';

/**
 * Why a run stopped part-way: a signal, an answer about the whole run, the error budget, the API gone, an
 * input or results file that failed after leads were sent (before, they are thrown as errors), or the end of
 * a `canary` whose rows are to be checked before the rest go (not a failure: exit 0 unless rows failed).
 */
export type StopCode =
  | 'CANARY'
  | 'INTERRUPTED'
  | 'CREDENTIALS_REJECTED'
  | 'OUTBOUND_NOT_FOUND'
  | 'ERROR_BUDGET'
  | 'API_DOWN'
  | 'LOCK_LOST'
  | InputErrorCode
  | OutputErrorCode
  | LedgerErrorCode;

export type StatusCounts = Record<FinalStatus, number>;

export interface ImportSummary {
  readonly resultsPath: string;
  readonly dryRun: boolean;
  /** Rows reached in this run (read from the input and given an outcome, or found done by --resume). */
  readonly rows: number;
  readonly counts: StatusCounts;
  /** Of the skipped rows, those a do-not-call column marks (the others repeat an earlier row's phone or id). */
  readonly doNotCall: number;
  /**
   * How many rows took their number from each phone column, in the mapping's order of preference: every row
   * that went on (sent, or valid in a dry run). Shown when more than one column gave numbers. Spelled out, not
   * named: the library's summary type mentions no type that the package does not export.
   */
  readonly phoneColumns: readonly { readonly column: string; readonly rows: number }[];
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
  /** What the ledger said and did, when the run had one. */
  readonly ledger?: LedgerReport;
  /** Why the run stopped part-way, when it did. */
  readonly stopped?: { readonly code: StopCode; readonly message: string };
  /**
   * 0 every row created, updated, unchanged or skipped (dry run: all valid); 1 some rows invalid or failed;
   * 2 the ledger's guard refused to touch the absent leads (nothing was changed of them); 3 stopped part-way
   * (a `canary` stop is 0 or 1, by the rows it reached).
   */
  readonly exitCode: 0 | 1 | 2 | 3;
}

export function emptyCounts(): StatusCounts {
  return { created: 0, updated: 0, unchanged: 0, invalid: 0, failed: 0, skipped: 0, valid: 0, unknown: 0 };
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
        ...(summary.ledger === undefined
          ? []
          : [`${counts.updated} updated`, `${counts.unchanged} unchanged`]),
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
  const phones = phoneColumnsLine(summary);
  if (phones !== undefined) lines.push(phones);
  lines.push(...ledgerLines(summary));
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

/** `Phone numbers from "Mobile": 12 rows, "Phone": 3 rows`, when more than one column gave numbers. */
export function phoneColumnsLine(
  summary: ImportSummary,
  count: (rows: number) => string = String,
): string | undefined {
  if (summary.phoneColumns.length <= 1) return undefined;
  return `Phone numbers from ${describePhoneColumns(summary.phoneColumns, count)}`;
}

export interface LedgerReport {
  /** Where it is, fit to print. */
  readonly location: string;
  /** This run's id in the ledger (`ledger runs`); undefined for a dry run, which records nothing. */
  readonly runId: number | undefined;
  /** Leads found in the campaign and recorded before the rows were sent (a new or doubtful ledger). */
  readonly pulled: number;
  /** A dry run's plan: what a real run would send. */
  readonly planned?: { readonly create: number; readonly update: number; readonly unchanged: number };
  /** Leads this tool added from the same source on earlier runs that are not in this input. */
  readonly absent: number;
  /** What was done with them: kept, completed or deleted (how many), or refused by the guard (why). */
  readonly absentAction:
    | { readonly kind: 'keep' | 'complete' | 'delete'; readonly done: number }
    | { readonly kind: 'refused'; readonly message: string }
    | undefined;
}

export function ledgerLines(summary: ImportSummary): string[] {
  const report = summary.ledger;
  if (report === undefined) return [];
  const lines = [`Ledger: ${report.location}${report.runId === undefined ? '' : ` (run ${report.runId})`}`];
  if (report.pulled > 0) lines.push(`${report.pulled} leads found in the campaign were recorded first`);
  if (report.planned !== undefined) {
    const { create, update, unchanged } = report.planned;
    lines.push(`Would create ${create}, update ${update}, leave ${unchanged} unchanged`);
  }
  if (report.absent > 0) {
    const action = report.absentAction;
    const done =
      action === undefined || action.kind === 'keep'
        ? 'kept (--absent complete or delete acts on them)'
        : action.kind === 'refused'
          ? `not touched: ${action.message}`
          : `${action.done} ${action.kind === 'complete' ? 'completed' : 'deleted'}`;
    lines.push(`${report.absent} leads of earlier runs are not in this file: ${done}`);
  }
  return lines;
}
