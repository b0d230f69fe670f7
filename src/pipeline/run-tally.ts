import type { RowStatus } from '../types.js';
import { emptyCounts, type StatusCounts } from './summary.js';

/** A row that could not be sent, for the validation report: where it is and why. */
export interface RowProblem {
  readonly row: number;
  readonly line: number;
  /** The input column at fault, when one is. */
  readonly column?: string | undefined;
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

const MAX_PROBLEMS = 20;

/** The counts of a run, kept in one place so the summary and the progress agree. */
export class RunTally {
  readonly counts: StatusCounts = emptyCounts();
  readonly problems: RowProblem[] = [];
  readonly started = performance.now();
  /** Rows read from the input that got (or will get) an outcome in this run. */
  rows = 0;
  alreadyDone = 0;
  /** Rows that reached the API and ended created or failed: the base of a `--max-errors n%` budget. */
  sent = 0;
  inFlight = 0;

  add(
    status: Exclude<RowStatus, 'sending'>,
    problem?: Omit<RowProblem, 'reason'> & { reason?: string },
  ): void {
    this.counts[status] += 1;
    if (status === 'created' || status === 'failed') this.sent += 1;
    if (problem?.reason !== undefined && (status === 'invalid' || status === 'failed')) {
      if (this.problems.length < MAX_PROBLEMS) this.problems.push({ ...problem, reason: problem.reason });
    }
  }

  get done(): number {
    const { created, invalid, failed, skipped, valid, unknown } = this.counts;
    return created + invalid + failed + skipped + valid + unknown;
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  progress(io: {
    bytesRead: number;
    totalBytes: number | undefined;
    allowedRate: number | undefined;
  }): RunProgress {
    const elapsedMs = this.elapsedMs();
    return {
      rowsDone: this.done + this.alreadyDone,
      counts: { ...this.counts },
      alreadyDone: this.alreadyDone,
      inFlight: this.inFlight,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
      ...io,
    };
  }
}
