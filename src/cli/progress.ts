import fs from 'node:fs';
import type { Logger } from 'pino';
import type { RunProgress } from '../pipeline/run-tally.js';
import type { StatusLine } from './status-line.js';
import { visibleLength } from './status-line.js';
import type { Style } from './style.js';

/** A run's progress with what can be inferred from it: the total, the recent pace, the time left. */
export interface ProgressEstimate {
  readonly progress: RunProgress;
  /** Rows in the input, estimated from the bytes read; undefined when it cannot be told (stdin). */
  readonly totalRows: number | undefined;
  /** Outcomes per second over the last few seconds (this run's only). */
  readonly rowsPerSecond: number;
  readonly etaMs: number | undefined;
}

const RATE_WINDOW_MS = 10_000;
/** Inputs up to this size may be read once more to count their lines (see countLines). */
const MAX_COUNTED_BYTES = 4 * 1024 * 1024;

interface Point {
  readonly bytes: number;
  readonly rows: number;
}

/**
 * Turns successive RunProgress samples into estimates. The input is read ahead of the rows sent, in 64 KiB
 * chunks, so `bytesRead` moves in steps and runs a roughly constant buffer ahead of the rows: `rowsDone /
 * bytesRead` would count that buffer as done. Between two steps ("edges"), though, Δbytes / Δrows is the bytes
 * per row whatever the buffer holds, and totalBytes over it is the number of rows. A file small enough to be
 * read again in a moment (up to 4 MiB) has its lines counted instead, by `countRows`: exact from the first
 * frame, where the slope needs a few chunks.
 */
export class ProgressEstimator {
  readonly #countRows: (() => number | undefined) | undefined;
  #initial: Point | undefined;
  #firstEdge: Point | undefined;
  #lastEdge: Point | undefined;
  #edges = 0;
  #lastBytes = 0;
  #counted: { rows: number | undefined } | undefined;
  readonly #samples: { at: number; done: number }[] = [];

  constructor(countRows?: () => number | undefined) {
    this.#countRows = countRows;
  }

  update(progress: RunProgress): ProgressEstimate {
    const { rowsDone, alreadyDone, bytesRead, elapsedMs } = progress;
    const taken = rowsDone + progress.inFlight;
    if (this.#initial === undefined) this.#initial = { bytes: bytesRead, rows: taken };
    else if (bytesRead !== this.#lastBytes) {
      this.#lastEdge = { bytes: bytesRead, rows: taken };
      this.#firstEdge ??= this.#lastEdge;
      this.#edges += 1;
    }
    this.#lastBytes = bytesRead;
    const estimated = this.#totalRows(progress);
    const totalRows = estimated === undefined ? undefined : Math.max(taken, estimated);

    this.#samples.push({ at: elapsedMs, done: rowsDone - alreadyDone });
    while (this.#samples.length > 2 && this.#samples[0]!.at < elapsedMs - RATE_WINDOW_MS)
      this.#samples.shift();
    const first = this.#samples[0]!;
    const span = elapsedMs - first.at;
    const rowsPerSecond =
      span >= 500 ? ((rowsDone - alreadyDone - first.done) * 1000) / span : progress.rowsPerSecond;
    const etaMs =
      totalRows !== undefined && rowsPerSecond > 0
        ? (Math.max(0, totalRows - rowsDone) / rowsPerSecond) * 1000
        : undefined;
    return { progress, totalRows, rowsPerSecond, etaMs };
  }

  #totalRows({ totalBytes }: RunProgress): number | undefined {
    this.#counted ??= { rows: this.#countRows?.() };
    if (this.#counted.rows !== undefined) return this.#counted.rows;
    if (totalBytes === undefined) return undefined;
    const slope = (from: Point | undefined, to: Point | undefined) =>
      from !== undefined && to !== undefined && to.rows > from.rows && to.bytes > from.bytes
        ? Math.round((totalBytes * (to.rows - from.rows)) / (to.bytes - from.bytes))
        : undefined;
    // Between two edges the buffer is the same; from the first sample to the first edge it is nearly so.
    return this.#edges >= 2 ? slope(this.#firstEdge, this.#lastEdge) : slope(this.#initial, this.#lastEdge);
  }
}

/**
 * The rows of a small CSV file, by its line breaks (less the header): an upper bound, as a quoted cell may hold
 * a line break. Undefined for a larger file or one that cannot be read.
 */
export function countLines(file: string): number | undefined {
  try {
    if (fs.statSync(file).size > MAX_COUNTED_BYTES) return undefined;
    const bytes = fs.readFileSync(file);
    const breaks = bytes.includes(0x0a) ? 0x0a : 0x0d;
    let lines = 0;
    for (let i = bytes.indexOf(breaks); i !== -1; i = bytes.indexOf(breaks, i + 1)) lines += 1;
    const last = bytes.at(-1);
    if (last !== undefined && last !== 0x0a && last !== 0x0d) lines += 1;
    return Math.max(0, lines - 1);
  } catch {
    return undefined;
  }
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const BAR_WIDTH = 12;

/**
 * The progress display's line, as long as `width` allows: parts are left out from the least useful (the bar)
 * to the most (rows done).
 */
export function formatProgressLine(
  estimate: ProgressEstimate,
  options: { width: number; style: Style; dryRun: boolean; frame: number },
): string {
  const { progress, totalRows, rowsPerSecond, etaMs } = estimate;
  const { style } = options;
  const { counts } = progress;
  const share = totalRows === undefined ? undefined : Math.min(1, progress.rowsDone / Math.max(1, totalRows));
  const spinner = SPINNER[options.frame % SPINNER.length]!;
  const percent = share === undefined ? undefined : `${Math.floor(share * 100)}%`.padStart(4);
  const filled = share === undefined ? 0 : Math.round(share * BAR_WIDTH);
  const bar =
    share === undefined
      ? undefined
      : `${style.green('█'.repeat(filled))}${style.dim('░'.repeat(BAR_WIDTH - filled))}`;
  const rows = `${number(progress.rowsDone)}${totalRows === undefined ? '' : `/≈${number(totalRows)}`} rows`;
  const rate = `${number(Math.round(rowsPerSecond))} rows/s`;
  const paint = (value: number, colour: (text: string) => string) =>
    value > 0 ? colour(number(value)) : number(value);
  const tally = [
    options.dryRun
      ? `valid ${paint(counts.valid, style.green)}`
      : `created ${paint(counts.created, style.green)}`,
    `invalid ${paint(counts.invalid, style.yellow)}`,
    ...(options.dryRun ? [] : [`failed ${paint(counts.failed, style.red)}`]),
    `skipped ${number(counts.skipped)}`,
  ].join(', ');
  const eta = etaMs === undefined ? undefined : `ETA ${duration(etaMs)}`;
  const layouts = [
    [spinner, percent, bar, rows, '·', rate, '·', tally, '·', eta],
    [spinner, percent, rows, '·', rate, '·', tally, '·', eta],
    [spinner, percent, rows, '·', rate, '·', eta],
    [spinner, percent, rows, '·', eta],
    [spinner, rows],
  ].map((parts) => dropDanglingDots(parts.filter((part): part is string => part !== undefined)).join(' '));
  return layouts.find((line) => visibleLength(line) <= options.width) ?? layouts.at(-1)!;
}

function dropDanglingDots(parts: string[]): string[] {
  return parts.filter((part, i) => part !== '·' || (i > 0 && i < parts.length - 1 && parts[i + 1] !== '·'));
}

/** The fields of the periodic progress log line (no TTY). */
export function progressFields(estimate: ProgressEstimate): Record<string, number> {
  const { progress, totalRows, rowsPerSecond, etaMs } = estimate;
  return {
    rowsDone: progress.rowsDone,
    ...(totalRows === undefined
      ? {}
      : { totalRows, percent: Math.round((progress.rowsDone / Math.max(1, totalRows)) * 1000) / 10 }),
    rowsPerSecond: Math.round(rowsPerSecond * 10) / 10,
    ...(etaMs === undefined ? {} : { etaSeconds: Math.round(etaMs / 1000) }),
    ...progress.counts,
    alreadyDone: progress.alreadyDone,
    inFlight: progress.inFlight,
    elapsedSeconds: Math.round(progress.elapsedMs / 100) / 10,
  };
}

export interface ProgressReporter {
  start(read: () => RunProgress): void;
  stop(): void;
}

/** Redraws the status line a few times a second. */
export function progressDisplay(
  statusLine: StatusLine,
  options: {
    style: Style;
    dryRun: boolean;
    width: () => number;
    countRows?: () => number | undefined;
    everyMs?: number;
  },
): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  return {
    start(read) {
      const estimator = new ProgressEstimator(options.countRows);
      let frame = 0;
      const draw = () => {
        const line = formatProgressLine(estimator.update(read()), {
          ...options,
          width: options.width(),
          frame,
        });
        frame += 1;
        statusLine.show(line);
      };
      draw();
      timer = setInterval(draw, options.everyMs ?? 200);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      statusLine.clear();
    },
  };
}

/** Logs one `progress` line every `everyMs` (10 s by default): for a job whose logs a machine reads. */
export function progressLog(
  logger: Logger,
  everyMs: number,
  countRows?: () => number | undefined,
): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  return {
    start(read) {
      const estimator = new ProgressEstimator(countRows);
      // Sampled more often than logged, so the pace is measured over the last seconds, not the last line.
      let lastLog = 0;
      const tick = () => {
        const estimate = estimator.update(read());
        if (estimate.progress.elapsedMs - lastLog < everyMs - 50) return;
        lastLog = estimate.progress.elapsedMs;
        logger.info(progressFields(estimate), 'progress');
      };
      timer = setInterval(tick, Math.min(1000, everyMs));
      timer.unref();
      lastLog = estimator.update(read()).progress.elapsedMs;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export const noProgress: ProgressReporter = { start() {}, stop() {} };

/** 1234567 → "1,234,567". */
export function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 78_000 → "1:18"; 3_723_000 → "1:02:03". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
