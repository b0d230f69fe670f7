import fs from 'node:fs';
import type { Logger } from 'pino';
import type { ImportOptionsInput } from '../config.js';
import { NlpearlLeadsError } from '../errors.js';
import { importOptionEntries } from '../options/import-options.js';
import { flagName } from '../options/yargs-flag.js';
import { importLeads, retryFailedRows } from '../pipeline/import-leads.js';
import type { RowProblem, RunProgress } from '../pipeline/run-tally.js';
import { formatSummary, type ImportSummary } from '../pipeline/summary.js';
import { canaryQuestion } from './canary-question.js';
import { exitStatusOf } from './exit-status.js';
import type { CliIo, OutputStream } from './io.js';
import { createCliLogger } from './logger.js';
import { countLines, noProgress, progressDisplay, progressLog, type ProgressReporter } from './progress.js';
import type { Redactor } from './secrets.js';
import { resolveSettings, type CliSettings, type ImportCommand, type ImportFlags } from './settings.js';
import { handleStopSignals } from './signals.js';
import { StatusLine } from './status-line.js';
import { createStyle, wantsColor, type Style } from './style.js';
import { formatSummaryTable } from './summary-table.js';
import { formatValidationReport } from './validation-report.js';

export type { ImportCommand, ImportFlags } from './settings.js';

/**
 * Runs `import`, `validate` or `retry`. At a terminal: readable log lines, a progress display, a summary table.
 * Without one (a job): JSON log lines, a progress line every 10 s, and a final `finished` line with every count.
 */
export async function runImportCommand(
  command: ImportCommand,
  flags: ImportFlags,
  io: CliIo,
  redactor: Redactor,
  argv: readonly string[] = [],
): Promise<number> {
  const settings = resolveSettings(command, flags, io.env, redactor);
  const terminal = io.stderr.isTTY === true;
  const style = createStyle(wantsColor(io.stderr, io.env));
  const statusLine = terminal ? new StatusLine(io.stderr) : undefined;
  const { logger, fileLogger, close } = createCliLogger({
    level: settings.logLevel,
    format: terminal ? 'human' : 'json',
    stderr: io.stderr,
    statusLine,
    style,
    logFile: settings.logFile,
    redactor,
  });
  try {
    const { options } = settings;
    const dryRun = options.dryRun === true;
    const reporter = progressReporter(settings, { statusLine, style, dryRun, logger, io });
    const say = (text: string) =>
      statusLine === undefined ? logger.warn(text) : statusLine.print(`nlpearl-leads: ${text}`);
    let flush: (() => void) | undefined;
    // A second signal quits at once: pending outcomes written, the progress line cleared first.
    const stop = handleStopSignals({ signals: io.signals, exitNow: io.exitNow, say }, () => {
      flush?.();
      reporter.stop();
    });
    let summary: ImportSummary;
    let progress: (() => RunProgress) | undefined;
    try {
      const deps = {
        logger,
        signal: stop.signal,
        stdin: io.stdin,
        ...(settings.tokenSource === undefined ? {} : { tokenSource: settings.tokenSource }),
        onWriter: (f: () => void) => (flush = f),
        // Logged once the checks passed and the first row is next, so a refused run prints only its one line.
        onStart: (run: { progress(): RunProgress }) => {
          logger.info(
            {
              command,
              input: options.input,
              results: options.results,
              outbound: options.outbound,
              apiUrl: options.apiUrl,
              tokenSource: settings.tokenSource,
              config: flags.config,
            },
            'starting',
          );
          reporter.start((progress = () => run.progress()));
        },
        onCanary: canaryQuestion(io, {
          show: !stdoutIsTheLog(io),
          signal: stop.signal,
          pause: () => reporter.stop(),
          resume: () => progress !== undefined && reporter.start(progress),
        }),
      };
      summary =
        command === 'retry'
          ? await retryFailedRows({ ...options, results: options.input }, deps)
          : await importLeads(options, deps);
    } finally {
      reporter.stop();
      stop.dispose();
    }
    const unsent = summary.counts.failed + summary.counts.invalid + summary.counts.unknown;
    // Stopped part-way: the same command with --resume finishes the job (and resends what failed); otherwise
    // failed or invalid rows are sent again by `retry`.
    const resume =
      summary.stopped === undefined
        ? undefined
        : summary.stopped.code === 'CANARY'
          ? canaryContinueCommand(argv, summary.ledger !== undefined)
          : resumeCommand(command, argv);
    const retry =
      resume === undefined && !summary.dryRun && unsent > 0
        ? retryCommand(summary.resultsPath, flags, options)
        : undefined;
    // At a terminal the table below is the summary; the log line is for machines (and the log file).
    const summaryLogger = terminal ? fileLogger : logger;
    if (summaryLogger !== undefined) logSummary(summaryLogger, command, summary, { retry, resume });
    io.stdout.write(summaryText(summary, { retry, resume }, io));
    return summary.exitCode;
  } catch (error) {
    // The one plain line on stderr is main's; the log file gets the same, so a job's log says why it ended.
    const code = error instanceof NlpearlLeadsError ? error.code : 'UNEXPECTED';
    const exitCode = exitStatusOf(error);
    fileLogger?.fatal({ code, exitCode }, error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    close();
  }
}

function progressReporter(
  settings: CliSettings,
  context: { statusLine: StatusLine | undefined; style: Style; dryRun: boolean; logger: Logger; io: CliIo },
): ProgressReporter {
  if (!settings.progress) return noProgress;
  const { statusLine, io } = context;
  const input = settings.options.input;
  const countRows = input === '-' ? undefined : () => countLines(input);
  if (statusLine !== undefined && !isCi(io.env)) {
    return progressDisplay(statusLine, {
      style: context.style,
      dryRun: context.dryRun,
      width: () => (io.stderr.columns ?? 80) - 1,
      countRows,
    });
  }
  return progressLog(context.logger, settings.progressIntervalMs, countRows);
}

/** CI services set CI=true (or 1); a progress display redrawn in place only garbles their logs. */
function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** The last log line of a run: every count and the duration, for whatever reads a job's logs. */
function logSummary(logger: Logger, command: ImportCommand, summary: ImportSummary, next: NextCommands) {
  const fields = {
    command,
    exitCode: summary.exitCode,
    rows: summary.rows,
    created: summary.counts.created,
    invalid: summary.counts.invalid,
    failed: summary.counts.failed,
    skipped: summary.counts.skipped,
    ...(summary.doNotCall === 0 ? {} : { doNotCall: summary.doNotCall }),
    ...(summary.phoneColumns.length === 0 ? {} : { phoneColumns: summary.phoneColumns }),
    ...(summary.ledger === undefined
      ? {}
      : {
          updated: summary.counts.updated,
          unchanged: summary.counts.unchanged,
          ledger: summary.ledger.location,
          runId: summary.ledger.runId,
          pulled: summary.ledger.pulled,
          absent: summary.ledger.absent,
          ...(summary.ledger.planned === undefined ? {} : { planned: summary.ledger.planned }),
        }),
    ...(summary.dryRun ? { valid: summary.counts.valid } : {}),
    unknown: summary.counts.unknown,
    alreadyDone: summary.alreadyDone,
    durationMs: Math.round(summary.durationMs),
    rowsPerSecond: Math.round(summary.rowsPerSecond * 10) / 10,
    resultsPath: summary.resultsPath,
    ...(summary.stopped === undefined
      ? {}
      : { stopped: summary.stopped.code, reason: summary.stopped.message }),
    ...(next.resume === undefined ? {} : { resumeCommand: next.resume }),
    ...(next.retry === undefined ? {} : { retryCommand: next.retry }),
    ...(summary.problems.length === 0 ? {} : { problems: summary.problems.map(loggedProblem) }),
  };
  if (summary.exitCode === 0) logger.info(fields, 'finished');
  else logger.warn(fields, summary.stopped === undefined ? 'finished with rows not created' : 'stopped');
}

/**
 * A problem as the log carries it. An invalid row's reason is ours, and names columns, never cells. A failed
 * row's is the API's text, which may quote what it refused (ASP.NET's validation messages can echo a value):
 * the log gets only where the row is; its reason is in the results file and the summary.
 */
function loggedProblem(problem: RowProblem): Omit<RowProblem, 'reason'> & { reason?: string } {
  const { row, line, column, status, reason } = problem;
  const where = { row, line, ...(column === undefined ? {} : { column }), status };
  return status === 'invalid' ? { ...where, reason } : where;
}

/**
 * stdout at the end: a table at a terminal; the plain summary in a pipe; nothing when stdout and stderr go to
 * the same place and stderr carries JSON (`2>&1`, a systemd journal): the `finished` line already says it all,
 * and a job's log stays JSON lines only.
 */
function summaryText(summary: ImportSummary, next: NextCommands, io: CliIo): string {
  if (stdoutIsTheLog(io)) return '';
  if (summary.dryRun) return formatValidationReport(summary);
  if (io.stdout.isTTY === true) {
    return formatSummaryTable(summary, createStyle(wantsColor(io.stdout, io.env)), next);
  }
  const resume = next.resume === undefined ? '' : `Continue with: ${next.resume}\n`;
  return `${formatSummary(summary, next.retry)}${resume}`;
}

/** stdout and stderr are one destination off a terminal, where the log's JSON lines go. */
function stdoutIsTheLog(io: CliIo): boolean {
  return io.stdout.isTTY !== true && io.stderr.isTTY !== true && sameDestination(io.stdout, io.stderr);
}

/** What to run next: `resume` after a stop (a canary's included), `retry` when rows failed or are invalid. */
export interface NextCommands {
  readonly retry?: string | undefined;
  readonly resume?: string | undefined;
}

/** The command as it was typed, with --resume instead of --overwrite (retry always continues its file). */
export function resumeCommand(command: ImportCommand, argv: readonly string[]): string {
  return rerun(argv, command === 'retry' ? undefined : '--resume');
}

/**
 * After a canary's stop: the command as it was typed without --canary, so the rest go without another stop.
 * With a ledger, a plain re-run over the whole file (--overwrite): the ledger finds the canary's leads
 * unchanged and sends nothing for them, and they count as seen, never as absent, as --resume's rows done
 * before would. Without one, --resume: the results file says which rows are done.
 */
export function canaryContinueCommand(argv: readonly string[], ledger: boolean): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--canary') i += 1;
    else if (!arg.startsWith('--canary=')) kept.push(arg);
  }
  return rerun(kept, ledger ? '--overwrite' : '--resume');
}

function rerun(argv: readonly string[], results: '--resume' | '--overwrite' | undefined): string {
  const kept = argv.filter((arg) => !['--overwrite', '--resume', '--no-resume'].includes(arg));
  return ['nlpearl-leads', ...kept, ...(results === undefined ? [] : [results])].map(shellQuote).join(' ');
}

/** Whether two outputs are one file, pipe or socket (`2>&1`). */
export function sameDestination(a: OutputStream, b: OutputStream): boolean {
  if (typeof a.fd !== 'number' || typeof b.fd !== 'number') return false;
  try {
    const [x, y] = [fs.fstatSync(a.fd), fs.fstatSync(b.fd)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * The exact command that sends the failed and invalid rows again: the flags the option table marks for a retry,
 * in its order, as they were typed, and the outbound the run used.
 */
export function retryCommand(results: string, flags: ImportFlags, options: ImportOptionsInput): string {
  const args = ['nlpearl-leads', 'retry', results];
  for (const [name, spec] of importOptionEntries) {
    if (spec.where.retry === undefined) continue;
    const source: Record<string, unknown> = spec.where.retry === 'used' ? options : flags;
    const value = source[name];
    if (value === true) args.push(`--${flagName(name)}`);
    else if (value === false) args.push(`--no-${flagName(name)}`);
    else if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      args.push(`--${flagName(name)}`, String(value));
    }
  }
  return args.map(shellQuote).join(' ');
}

function shellQuote(text: string): string {
  return /^[\w./:@%+,=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
