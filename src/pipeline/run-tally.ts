import type { ColumnMapping } from '../mapping/columns.js';
import { PhoneColumnCounts, type PhoneColumnCount } from '../mapping/phone-column-counts.js';
import type { RowStatus } from '../types.js';
import { emptyCounts, type StatusCounts } from './summary.js';

/** A row that could not be sent, for the validation report and the summary: where it is and why. */
export interface RowProblem {
  readonly row: number;
  readonly line: number;
  /** The input column at fault, when one is. */
  readonly column?: string | undefined;
  /** invalid: our reason, which names columns but never a cell; failed: the API's text, which may echo the lead. */
  readonly status: 'invalid' | 'failed';
  readonly reason: string;
}

/** How far a run has got, for a progress display or a periodic log line. */
export interface RunProgress {
  /** Rows with an outcome (this run's, and those an earlier run had done). */
  readonly rowsDone: number;
  readonly counts: StatusCounts;
  readonly alreadyDone: number;
  readonly inFlight: number;
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
  readonly elapsedMs: number;
  /** Outcomes per second this run, over the whole run. */
  readonly rowsPerSecond: number;
  /** The pace the rate limiter allows now (undefined while unlimited). */
  readonly allowedRate: number | undefined;
}

/**
 * The statuses a row ends an import with; `unknown`: the run stopped while the row's outcome was unknown.
 * (`removed` is undo's, never an import's.)
 */
export type FinalStatus = Exclude<RowStatus, 'sending' | 'removed'> | 'unknown';

const MAX_PROBLEMS = 20;

/** The counts of a run, kept in one place so the summary and the progress agree; changed only by its methods. */
export class RunTally {
  readonly #counts: StatusCounts = emptyCounts();
  readonly #problems: RowProblem[] = [];
  readonly #phoneColumns = new PhoneColumnCounts();
  readonly #started = performance.now();
  #alreadyDone = 0;
  #doNotCall = 0;

  /** A row an earlier run finished (--resume, retry): not sent again. */
  addAlreadyDone(): void {
    this.#alreadyDone += 1;
  }

  /**
   * A row's outcome in this run; an invalid or failed row's problem is kept for the report (the first 20). Only
   * the problem's own fields are kept: a caller may pass the row's whole plan, cells and body included.
   */
  add(status: FinalStatus, problem?: Omit<RowProblem, 'status'>): void {
    this.#counts[status] += 1;
    if (problem !== undefined && (status === 'invalid' || status === 'failed')) {
      if (this.#problems.length >= MAX_PROBLEMS) return;
      const { row, line, column, reason } = problem;
      this.#problems.push({ row, line, ...(column === undefined ? {} : { column }), status, reason });
    }
  }

  /** A row that goes on (sent, or valid in a dry run), by the index of the phone column its number came from. */
  addPhoneColumn(column: number): void {
    this.#phoneColumns.add(column);
  }

  /** A row skipped because a do-not-call column marks it; it is counted as skipped too. */
  addDoNotCall(): void {
    this.#doNotCall += 1;
  }

  /** How many rows took their number from each phone column, in the mapping's order of preference. */
  phoneColumns(mapping: ColumnMapping): PhoneColumnCount[] {
    return this.#phoneColumns.counts(mapping);
  }

  /** Of the skipped rows, those that a do-not-call column marks. */
  get doNotCall(): number {
    return this.#doNotCall;
  }

  get counts(): Readonly<StatusCounts> {
    return this.#counts;
  }

  get problems(): readonly RowProblem[] {
    return this.#problems;
  }

  get alreadyDone(): number {
    return this.#alreadyDone;
  }

  /** Rows that reached the API and ended created or failed: the base of a `--max-errors n%` budget. */
  get sent(): number {
    return this.#counts.created + this.#counts.failed;
  }

  /** Whether any lead may have reached the API in this run. */
  get sentAny(): boolean {
    return this.sent + this.#counts.unknown > 0;
  }

  /** Rows given an outcome in this run. */
  get done(): number {
    return Object.values(this.#counts).reduce((sum, count) => sum + count, 0);
  }

  elapsedMs(): number {
    return performance.now() - this.#started;
  }

  progress(io: {
    bytesRead: number;
    totalBytes: number | undefined;
    allowedRate: number | undefined;
    inFlight: number;
  }): RunProgress {
    const elapsedMs = this.elapsedMs();
    return {
      rowsDone: this.done + this.#alreadyDone,
      counts: { ...this.#counts },
      alreadyDone: this.#alreadyDone,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
      ...io,
    };
  }
}
