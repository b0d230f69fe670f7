import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import pino, { type Logger } from 'pino';
import type { ImportOptionsInput } from '../config.js';
import type { CsvRecord } from '../csv/open-csv.js';
import { InputError } from '../errors.js';
import { DuplicateFinder } from '../mapping/duplicates.js';
import { mapRecord } from '../mapping/lead.js';
import { compactResultsFile } from '../results/compact-results.js';
import { ResultsWriter } from '../results/results-writer.js';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from '../upload/circuit-breaker.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { DEFAULT_RETRY_POLICY } from '../upload/retry-policy.js';
import { sendLead, type Pacer, type SendContext } from '../upload/send-lead.js';
import { parseErrorBudget } from './error-budget.js';
import { checkAccess, type NlpearlApi } from './preflight.js';
import { prepareRun } from './prepare-run.js';
import { recordOutcome, type WriteOutcome } from './record-outcome.js';
import { RowStateSizing, type RowStateListener } from './row-state-sizing.js';
import { RunTally, type RunProgress } from './run-tally.js';
import { exitCodeOf, type ImportSummary, type StopCode } from './summary.js';

export interface ImportDependencies {
  /** Where the run logs (pino). Default: JSON on stderr at level 'info'. */
  readonly logger?: Logger;
  /** Aborting it stops the run gracefully: no new request, those in flight finish, outcomes are written. */
  readonly signal?: AbortSignal;
  /** Read when `input` is '-'. Default: process.stdin. */
  readonly stdin?: NodeJS.ReadableStream;
  /** The NLPearl API; default: a got client built from the options. */
  readonly api?: NlpearlApi;
  /** Paces requests; default: a RateLimiter honouring `rate` and adapting to 429s. */
  readonly pacer?: Pacer;
  /** Called once the first row is about to be read, with a way to read the run's progress at any time. */
  readonly onStart?: (run: { progress(): RunProgress }) => void;
  /** Receives a function that writes pending result lines now (for a CLI that must quit at once). */
  readonly onWriter?: (flush: () => void) => void;
  /** Told how large the run's per-row state will be (see RowStateSizing); the CLI fits V8's memory to it. */
  readonly onRowStateSize?: RowStateListener;
}

/** Imports a CSV of leads into an NLPearl outbound campaign; see the README for every option. */
export function importLeads(
  options: ImportOptionsInput,
  dependencies: ImportDependencies = {},
): Promise<ImportSummary> {
  return runImport(options, dependencies, false);
}

/** Sends again the rows of a results file whose latest status is failed or invalid, updating that file. */
export function retryFailedRows(
  options: Omit<ImportOptionsInput, 'input' | 'results' | 'resume' | 'overwrite'> & { results: string },
  dependencies: ImportDependencies = {},
): Promise<ImportSummary> {
  return runImport({ ...options, input: options.results, resume: true }, dependencies, true);
}

async function runImport(
  input: ImportOptionsInput,
  deps: ImportDependencies,
  retry: boolean,
): Promise<ImportSummary> {
  const logger = deps.logger ?? pino({ level: 'info' }, pino.destination(2));
  const run = await prepareRun(input, retry, logger, deps.stdin);
  const { options, csv, mapping, outbound, prior, firstUserColumn } = run;
  const fromResults = firstUserColumn > 0;
  const tally = new RunTally();
  const stop = new AbortController();
  let stopped: { code: StopCode; message: string } | undefined;
  const ownApi = deps.api === undefined;
  const api: NlpearlApi =
    deps.api ??
    new NlpearlClient({
      apiUrl: run.apiUrl,
      token: run.token,
      outboundId: outbound,
      timeoutMs: options.timeout * 1000,
      concurrency: options.concurrency,
    });
  const limiter = new RateLimiter({ maxPerSecond: options.rate });
  let writer: ResultsWriter | undefined;
  let unreadable: InputError | undefined;
  const stopRun = (code: StopCode, message: string) => {
    if (stopped !== undefined) return;
    stopped = { code, message };
    logger.warn({ code }, message);
    stop.abort();
  };
  const onSignal = () =>
    stopRun('INTERRUPTED', 'interrupted; the outcomes reached so far are in the results file');

  const tasks = new Set<Promise<void>>();
  let lastRow = 0;
  // --rate counts every request: the pre-flight check and the circuit breaker's probes are paced too.
  const pacedCheck = async () => {
    await limiter.acquire();
    return api.checkAccess();
  };
  try {
    if (!options.dryRun && options.preflight) await checkAccess(pacedCheck, outbound, logger);
    const out = (writer = ResultsWriter.open(run.resultsPath, run.outputHeader, run.writeMode));
    deps.onWriter?.(() => out.flush());
    if (deps.signal?.aborted) onSignal();
    deps.signal?.addEventListener('abort', onSignal, { once: true });

    const pacer =
      deps.pacer ??
      new CircuitBreaker(limiter, DEFAULT_CIRCUIT_BREAKER, {
        probe: async () => (await pacedCheck()).ok,
        onOpen: (failures) =>
          logger.warn({ failures }, 'the API looks down: sending paused; probing it before going on'),
        onClose: (downMs) => logger.info({ downMs }, 'the API answers again: sending resumed'),
        onGiveUp: (downMs) =>
          stopRun(
            'API_DOWN',
            `the API did not answer for ${Math.round(downMs / 1000)} s; run again with --resume`,
          ),
        sleep: (ms, signal) => delay(ms, undefined, { signal }),
        now: Date.now,
      });
    const context: SendContext = {
      api,
      pacer,
      policy: { ...DEFAULT_RETRY_POLICY, retries: options.retries },
      stop: stop.signal,
      sleep: (ms, signal) => delay(ms, undefined, { signal }),
      random: Math.random,
      now: Date.now,
    };
    const outcomes = { tally, budget: parseErrorBudget(options.maxErrors), outbound, stopRun };
    const duplicates = options.allowDuplicates ? undefined : new DuplicateFinder();
    const withIds = mapping.externalId !== undefined;
    const sizing = new RowStateSizing(duplicates, csv.totalBytes, withIds, deps.onRowStateSize);
    const limit = pLimit(options.concurrency);
    const leadOptions = { defaultCountry: run.defaultCountry, keepPhone: options.keepPhone };
    let wake: (() => void) | undefined;
    const wakeReader = () => {
      wake?.();
      wake = undefined;
    };
    stop.signal.addEventListener('abort', wakeReader);
    deps.onStart?.({
      progress: () =>
        tally.progress({
          bytesRead: csv.bytesRead(),
          totalBytes: csv.totalBytes,
          allowedRate: limiter.currentRate,
        }),
    });

    const records = csv.records[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<CsvRecord>;
      try {
        next = await records.next();
      } catch (error) {
        // A record that cannot be read past: the rows before it are handled and written, then the run stops.
        if (!(error instanceof InputError)) throw error;
        unreadable = error;
        break;
      }
      if (next.done === true) break;
      const record = next.value;
      if (stop.signal.aborted) break;
      const row = fromResults ? Number(record.cells[0]) : record.row;
      lastRow = Math.max(lastRow, row);
      if (sizing.pending) sizing.onRecord(csv.bytesRead(), record.row);
      const cells = fromResults ? record.cells.slice(firstUserColumn) : record.cells;
      const previous: string | undefined = retry ? record.cells[1] : prior?.states.get(row);
      const done = retry
        ? previous !== 'failed' && previous !== 'invalid' && previous !== 'sending'
        : previous === 'created' || previous === 'skipped';
      const mapped = record.error === undefined ? mapRecord(record.cells, mapping, leadOptions) : undefined;
      const write: WriteOutcome = (status, extra) => {
        out.write({ row, status, attempts: extra.attempts ?? 0, ...extra }, cells);
      };

      if (done) {
        tally.alreadyDone += 1;
        if (mapped?.ok) duplicates?.check(mapped.body, row);
        continue;
      }
      tally.rows += 1;
      if (mapped?.ok === false && mapped.skip !== undefined) {
        // A person who must not be called (do-not-call): never sent, and claims no phone or externalId.
        tally.add('skipped');
        write('skipped', { error: mapped.reason });
        continue;
      }
      if (mapped === undefined || !mapped.ok) {
        const reason = record.error ?? (mapped?.ok === false ? mapped.reason : 'unreadable record');
        const column =
          mapped?.ok === false && mapped.column !== undefined ? run.csv.header[mapped.column] : undefined;
        tally.add('invalid', { row, line: record.line, column, reason });
        write('invalid', { error: reason });
        continue;
      }
      const duplicate = duplicates?.check(mapped.body, row);
      if (duplicate !== undefined) {
        tally.add('skipped');
        write('skipped', { error: duplicate });
        continue;
      }
      if (options.dryRun) {
        tally.add('valid');
        write('valid', {});
        continue;
      }

      // Backpressure: the next record is read only when a request slot is free.
      while (limit.activeCount + limit.pendingCount >= options.concurrency && !stop.signal.aborted) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (stop.signal.aborted) {
        tally.rows -= 1;
        break;
      }
      const body = mapped.body;
      const mayExist = (previous === 'sending' || previous === 'failed') && body.externalId !== undefined;
      const line = record.line;
      tally.inFlight += 1;
      const task = limit(async () => {
        const outcome = await sendLead(body, context, {
          mayExist,
          beforeFirstRequest: () => out.writeBeforeSending({ row, status: 'sending', attempts: 0 }, cells),
        });
        recordOutcome(outcome, { row, line }, write, outcomes);
      }).finally(() => {
        tally.inFlight -= 1;
        tasks.delete(task);
        wakeReader();
      });
      tasks.add(task);
    }
    await Promise.all(tasks);
  } finally {
    deps.signal?.removeEventListener('abort', onSignal);
    if (tasks.size > 0) {
      // Leaving on an error: the rows already sent still get their outcomes written before the file closes.
      stop.abort();
      await Promise.allSettled(tasks);
    }
    writer?.close();
    await csv.close();
    if (ownApi) api.close();
  }
  const compaction = await compactResultsFile(run.resultsPath, (message) => logger.warn(message), lastRow);
  logger.debug(compaction, 'results compacted');
  if (unreadable !== undefined) {
    throw new InputError(
      `${unreadable.message}; the rows before it are in ${run.resultsPath}`,
      unreadable.code,
      {
        cause: unreadable,
        line: unreadable.line,
      },
    );
  }
  const durationMs = tally.elapsedMs();
  return {
    resultsPath: run.resultsPath,
    dryRun: options.dryRun,
    rows: tally.rows + tally.alreadyDone,
    counts: tally.counts,
    alreadyDone: tally.alreadyDone,
    durationMs,
    rowsPerSecond: durationMs > 0 ? (tally.done * 1000) / durationMs : 0,
    mapping: run.mappingLines,
    input: { encoding: csv.encoding, delimiter: csv.delimiter },
    problems: tally.problems,
    ...(stopped === undefined ? {} : { stopped }),
    exitCode: exitCodeOf(tally.counts, stopped !== undefined),
  };
}
