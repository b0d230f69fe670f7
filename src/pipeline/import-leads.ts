import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import pino, { type Logger } from 'pino';
import { formatIssues, importOptionsSchema, type ImportOptions, type ImportOptionsInput } from '../config.js';
import { openCsv, type CsvSource } from '../csv/open-csv.js';
import { UsageError } from '../errors.js';
import { describeMapping, resolveMapping } from '../mapping/columns.js';
import { DuplicateFinder } from '../mapping/duplicates.js';
import { mapRecord } from '../mapping/lead.js';
import { RESULT_COLUMNS, isResultsHeader } from '../results/columns.js';
import { compactResultsFile } from '../results/compact-results.js';
import { ResultsWriter } from '../results/results-writer.js';
import type { RowStatus } from '../types.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { DEFAULT_RETRY_POLICY } from '../upload/retry-policy.js';
import { sendLead, type Pacer, type SendContext } from '../upload/send-lead.js';
import { budgetSpent, parseErrorBudget } from './error-budget.js';
import { checkAccess, type NlpearlApi } from './preflight.js';
import { checkApiUrl, checkToken, defaultResultsPath, resultsMode } from './preflight-checks.js';
import { loadPriorStates } from './prior-states.js';
import { emptyCounts, exitCodeOf, type ImportSummary, type StopCode } from './summary.js';

export interface ImportDependencies {
  /** Where the run logs (pino). Default: JSON on stderr at options.logLevel 'info'. */
  readonly logger?: Logger;
  /** Aborting it stops the run gracefully: no new request, those in flight finish, outcomes are written. */
  readonly signal?: AbortSignal;
  /** Read when `input` is '-'. Default: process.stdin. */
  readonly stdin?: NodeJS.ReadableStream;
  /** The NLPearl API; default: a got client built from the options. */
  readonly api?: NlpearlApi;
  /** Paces requests; default: a RateLimiter honouring `rate` and adapting to 429s. */
  readonly pacer?: Pacer;
  /** Receives a function that writes pending result lines now (for a CLI that must quit at once). */
  readonly onWriter?: (flush: () => void) => void;
}

interface RunMode {
  /** The input is a results file that is also the output: rows whose status is failed/invalid are redone. */
  readonly retry: boolean;
}

/** Imports a CSV of leads into an NLPearl outbound campaign; see the README for every option. */
export function importLeads(
  options: ImportOptionsInput,
  dependencies: ImportDependencies = {},
): Promise<ImportSummary> {
  return runImport(options, dependencies, { retry: false });
}

/** Sends again the rows of a results file whose latest status is failed or invalid, updating that file. */
export function retryFailedRows(
  options: Omit<ImportOptionsInput, 'input' | 'results' | 'resume' | 'overwrite'> & { results: string },
  dependencies: ImportDependencies = {},
): Promise<ImportSummary> {
  return runImport({ ...options, input: options.results, resume: true }, dependencies, { retry: true });
}

async function runImport(
  input: ImportOptionsInput,
  deps: ImportDependencies,
  mode: RunMode,
): Promise<ImportSummary> {
  const started = performance.now();
  const parsed = importOptionsSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues).join('; '), 'CONFIG');
  const options: ImportOptions = parsed.data;
  const logger = deps.logger ?? pino({ level: 'info' }, pino.destination(2));

  const apiUrl = checkApiUrl(options.apiUrl);
  const token = options.dryRun ? '' : checkToken(options.token);
  const outbound = options.outbound ?? '';
  if (!options.dryRun && outbound === '') {
    throw new UsageError('no outbound id: pass --outbound <id> or set NLPEARL_OUTBOUND_ID', 'USAGE');
  }
  if (options.input === '-' && options.results === undefined) {
    throw new UsageError('--results <file> is required when the leads come from standard input', 'USAGE');
  }
  const resultsPath = options.results ?? defaultResultsPath(options.input);
  const writeMode = mode.retry
    ? 'append'
    : resultsMode(resultsPath, {
        resume: options.resume,
        overwrite: options.overwrite,
        input: options.input,
      });
  const warn = (message: string) => logger.warn(message);
  const prior = writeMode === 'append' ? await loadPriorStates(resultsPath, warn) : undefined;

  const source: CsvSource =
    options.input === '-'
      ? { stream: deps.stdin ?? process.stdin, name: '<stdin>' }
      : { path: options.input };
  const csv = await openCsv(source, {
    encoding: options.encoding,
    delimiter: options.delimiter,
    endByte: mode.retry ? prior?.usableBytes : undefined,
  });
  const ownApi = deps.api === undefined;
  const api: NlpearlApi =
    deps.api ??
    new NlpearlClient({
      apiUrl,
      token,
      outboundId: outbound,
      timeoutMs: options.timeout * 1000,
      concurrency: options.concurrency,
    });
  let writer: ResultsWriter | undefined;
  const counts = emptyCounts();
  let rows = 0;
  let alreadyDone = 0;
  let stopped: { code: StopCode; message: string } | undefined;

  try {
    const header = csv.header;
    const fromResults = isResultsHeader(header);
    // A results file read as input: its own columns are ours, never the lead's.
    const firstUserColumn = fromResults ? RESULT_COLUMNS.length : 0;
    const outputHeader = header.slice(firstUserColumn);
    if (prior !== undefined && prior.header.join('\u0000') !== outputHeader.join('\u0000')) {
      throw new UsageError(
        `${resultsPath} was written for a file with other columns; pass --overwrite to start again, or --results <file>`,
        'RESULTS_EXISTS',
      );
    }
    const mapping = resolveMapping(header, options);
    logger.info(
      { mapping: describeMapping(mapping, header), encoding: csv.encoding, delimiter: csv.delimiter },
      'mapping',
    );

    if (!options.dryRun && options.preflight) await checkAccess(api, outbound, logger);
    writer = ResultsWriter.open(resultsPath, outputHeader, writeMode);
    const out = writer;
    deps.onWriter?.(() => out.flush());

    const stop = new AbortController();
    const stopRun = (code: StopCode, message: string) => {
      if (stopped !== undefined) return;
      stopped = { code, message };
      logger.warn({ code }, message);
      stop.abort();
      wakeReader();
    };
    const onSignal = () =>
      stopRun('INTERRUPTED', 'interrupted by a signal; outcomes so far are in the results file');
    if (deps.signal?.aborted) onSignal();
    deps.signal?.addEventListener('abort', onSignal, { once: true });

    const context: SendContext = {
      api,
      pacer: deps.pacer ?? new RateLimiter({ maxPerSecond: options.rate }),
      policy: { ...DEFAULT_RETRY_POLICY, retries: options.retries },
      stop: stop.signal,
      sleep: (ms, signal) => delay(ms, undefined, { signal }),
      random: Math.random,
      now: Date.now,
    };
    const budget = parseErrorBudget(options.maxErrors);
    const duplicates = options.allowDuplicates ? undefined : new DuplicateFinder();
    const limit = pLimit(options.concurrency);
    let wake: (() => void) | undefined;
    const wakeReader = () => {
      wake?.();
      wake = undefined;
    };
    const hasRoom = () => limit.activeCount + limit.pendingCount < options.concurrency;
    let sent = 0;
    const tasks = new Set<Promise<void>>();

    const record = (
      row: number,
      status: Exclude<RowStatus, 'sending'>,
      cells: readonly string[],
      extra = {},
    ) => {
      counts[status] += 1;
      out.write({ row, status, attempts: 0, ...extra }, cells);
    };

    for await (const csvRecord of csv.records) {
      if (stop.signal.aborted) break;
      const row = fromResults ? Number(csvRecord.cells[0]) : csvRecord.row;
      const cells = firstUserColumn === 0 ? csvRecord.cells : csvRecord.cells.slice(firstUserColumn);
      const previous: string | undefined =
        fromResults && mode.retry ? csvRecord.cells[1] : prior?.states.get(row);
      const done = mode.retry
        ? previous !== 'failed' && previous !== 'invalid' && previous !== 'sending'
        : previous === 'created' || previous === 'skipped';
      rows += 1;

      const mapped = csvRecord.error === undefined ? mapRecord(csvRecord.cells, mapping, options) : undefined;
      if (done) {
        alreadyDone += 1;
        if (mapped?.ok) duplicates?.check(mapped.body, row);
        continue;
      }
      if (mapped === undefined || !mapped.ok) {
        record(row, 'invalid', cells, {
          error: csvRecord.error ?? (mapped?.ok === false ? mapped.reason : ''),
        });
        continue;
      }
      const duplicate = duplicates?.check(mapped.body, row);
      if (duplicate !== undefined) {
        record(row, 'skipped', cells, { error: duplicate });
        continue;
      }
      if (options.dryRun) {
        record(row, 'valid', cells);
        continue;
      }

      while (!hasRoom() && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
      if (stop.signal.aborted) {
        rows -= 1;
        break;
      }
      const body = mapped.body;
      const mayExist = (previous === 'sending' || previous === 'failed') && body.externalId !== undefined;
      const task = limit(async () => {
        const outcome = await sendLead(body, context, {
          mayExist,
          beforeFirstRequest: () => out.write({ row, status: 'sending', attempts: 0 }, cells),
        });
        if (outcome.status === 'created') {
          sent += 1;
          record(row, 'created', cells, { leadId: outcome.leadId, attempts: outcome.attempts });
        } else if (outcome.status === 'failed') {
          sent += 1;
          record(row, 'failed', cells, { error: outcome.error, attempts: outcome.attempts });
          if (outcome.fatal === 'credentials') {
            stopRun(
              'CREDENTIALS_REJECTED',
              `NLPearl rejected the credentials mid-run (${outcome.error}); fix the token and run again with --resume`,
            );
          } else if (outcome.fatal === 'outbound') {
            stopRun(
              'OUTBOUND_NOT_FOUND',
              `NLPearl answered that outbound "${outbound}" does not exist mid-run (${outcome.error})`,
            );
          } else {
            const spent = budgetSpent(budget, counts.failed, sent);
            if (spent !== undefined) stopRun('ERROR_BUDGET', `error budget spent: ${spent}`);
          }
        } else if (outcome.status === 'unknown') {
          counts.unknown += 1;
        } else {
          rows -= 1;
        }
      }).finally(() => {
        tasks.delete(task);
        wakeReader();
      });
      tasks.add(task);
    }
    await Promise.all(tasks);
    deps.signal?.removeEventListener('abort', onSignal);
  } finally {
    writer?.close();
    await csv.close();
    if (ownApi) api.close();
  }
  if (writer !== undefined) {
    const compaction = await compactResultsFile(resultsPath, warn);
    logger.debug(compaction, 'results compacted');
  }
  const durationMs = performance.now() - started;
  const processed = rows - alreadyDone;
  return {
    resultsPath,
    dryRun: options.dryRun,
    rows,
    counts,
    alreadyDone,
    durationMs,
    rowsPerSecond: durationMs > 0 ? (processed * 1000) / durationMs : 0,
    ...(stopped === undefined ? {} : { stopped }),
    exitCode: exitCodeOf(counts, stopped !== undefined),
  };
}
