import pino, { type Logger } from 'pino';
import type { ImportOptionsInput } from '../config.js';
import { InputError, OutputError, describeFsError } from '../errors.js';
import { DuplicateFinder } from '../mapping/duplicates.js';
import { compactResultsFile } from '../results/compact-results.js';
import { ResultsWriter } from '../results/results-writer.js';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from '../upload/circuit-breaker.js';
import { systemClock } from '../upload/clock.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { DEFAULT_RETRY_POLICY } from '../upload/retry-policy.js';
import { sendLead, type SendContext } from '../upload/send-lead.js';
import { checkAccess } from './check-access.js';
import { parseErrorBudget } from './error-budget.js';
import { planRows, type RowPlan } from './plan-rows.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';
import { recordOutcome, type OutcomeContext, type WriteOutcome } from './record-outcome.js';
import { RunStop } from './run-stop.js';
import { RunTally, type RunProgress } from './run-tally.js';
import { SendSlots } from './send-slots.js';
import { exitCodeOf, type ImportSummary } from './summary.js';

export interface ImportDependencies {
  /** Where the run logs (pino). Default: JSON on stderr at level 'info'. */
  readonly logger?: Logger;
  /** Aborting it stops the run gracefully: no new request, those in flight finish, outcomes are written. */
  readonly signal?: AbortSignal;
  /** Read when `input` is '-'. Default: process.stdin. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Where the token came from ("NLPEARL_API_TOKEN", "the token file …"), named when it is refused. */
  readonly tokenSource?: string;
  /** Called once the first row is about to be read, with a way to read the run's progress at any time. */
  readonly onStart?: (run: { progress(): RunProgress }) => void;
  /** Receives a function that writes pending result lines now (for a CLI that must quit at once). */
  readonly onWriter?: (flush: () => void) => void;
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
  const run = await prepareRun(input, retry, logger, deps);
  const { options, csv } = run;
  const tally = new RunTally();
  const stop = new RunStop(logger);
  const onSignal = () =>
    stop.stop('INTERRUPTED', 'interrupted; the outcomes reached so far are in the results file');
  const api = new NlpearlClient({
    apiUrl: run.apiUrl,
    token: run.token,
    outboundId: run.outbound,
    timeoutMs: options.timeout * 1000,
    concurrency: options.concurrency,
  });
  const limiter = new RateLimiter({ maxPerSecond: options.rate });
  // --rate counts every request: the pre-flight check and the circuit breaker's probes are paced too.
  const pacedCheck = async () => {
    await limiter.acquire();
    return api.checkAccess();
  };
  const slots = new SendSlots(options.concurrency, stop.signal);
  let writer: ResultsWriter | undefined;
  try {
    if (!options.dryRun && options.preflight) await checkAccess(pacedCheck, run.outbound, logger);
    const out = (writer = ResultsWriter.open(run.resultsPath, run.outputHeader, run.writeMode, (error) =>
      stop.fail(error),
    ));
    deps.onWriter?.(() => out.flush());
    if (deps.signal?.aborted) onSignal();
    deps.signal?.addEventListener('abort', onSignal, { once: true });
    const send: SendContext = {
      api,
      pacer: new CircuitBreaker(limiter, DEFAULT_CIRCUIT_BREAKER, {
        probe: async () => (await pacedCheck()).ok,
        onOpen: (failures) =>
          logger.warn({ failures }, 'the API looks down: sending paused; probing it before going on'),
        onClose: (downMs) => logger.info({ downMs }, 'the API answers again: sending resumed'),
        onGiveUp: (downMs) =>
          stop.stop(
            'API_DOWN',
            `the API did not answer for ${Math.round(downMs / 1000)} s; run again with --resume`,
          ),
        clock: systemClock,
      }),
      policy: { ...DEFAULT_RETRY_POLICY, retries: options.retries },
      stop: stop.signal,
      clock: systemClock,
      random: Math.random,
    };
    const outcomes: OutcomeContext = {
      tally,
      budget: parseErrorBudget(options.maxErrors),
      outbound: run.outbound,
      stopRun: (code, message) => stop.stop(code, message),
    };
    deps.onStart?.({
      progress: () =>
        tally.progress({
          bytesRead: csv.bytesRead(),
          totalBytes: csv.totalBytes,
          allowedRate: limiter.currentRate,
          inFlight: slots.inFlight,
        }),
    });
    await sendRows(run, retry, { tally, stop, slots, out, send, outcomes });
  } finally {
    deps.signal?.removeEventListener('abort', onSignal);
    // Leaving on an error: the rows already sent still get their outcomes written before the file closes.
    if (slots.inFlight > 0) stop.stop('INTERRUPTED', 'stopping: an unexpected error ended the run');
    await slots.drain();
    writer?.close();
    await csv.close();
    api.close();
  }
  await compact(run, logger, stop);
  return summarize(run, tally, stop);
}

interface RunParts {
  readonly tally: RunTally;
  readonly stop: RunStop;
  readonly slots: SendSlots;
  readonly out: ResultsWriter;
  readonly send: SendContext;
  readonly outcomes: OutcomeContext;
}

/** The bounded loop: a row is pulled from the input only when a request slot is free. */
async function sendRows(run: PreparedRun, retry: boolean, parts: RunParts): Promise<void> {
  const { options } = run;
  const { stop, slots, out, tally } = parts;
  const plans = planRows({
    records: run.csv.records,
    inputName: run.inputName,
    mapping: run.mapping,
    header: run.outputHeader,
    fromResults: run.fromResults,
    retry,
    prior: run.prior?.states,
    duplicates: options.allowDuplicates ? undefined : new DuplicateFinder(),
    dryRun: options.dryRun,
    lead: { defaultCountry: run.defaultCountry, keepPhone: options.keepPhone },
  });
  try {
    for await (const plan of plans) {
      if (stop.signal.aborted) break;
      if (plan.kind !== 'send') {
        recordPlan(plan, tally, out);
        continue;
      }
      if (!(await slots.room())) break;
      const write: WriteOutcome = (status, extra) =>
        out.write({ row: plan.row, status, attempts: extra.attempts ?? 0, ...extra }, plan.cells);
      slots.start(async () => {
        const outcome = await sendLead(plan.body, parts.send, {
          mayExist: plan.mayExist,
          beforeFirstRequest: () =>
            out.writeBeforeSending({ row: plan.row, status: 'sending', attempts: 0 }, plan.cells),
        });
        recordOutcome(outcome, plan, write, parts.outcomes);
      });
    }
  } catch (error) {
    // A record that cannot be read past: the rows before it are handled and written, then the run stops.
    if (!(error instanceof InputError)) throw error;
    stop.fail(error);
  }
  await slots.drain();
}

/** A row that is not sent: its result line and its count. */
function recordPlan(plan: Exclude<RowPlan, { kind: 'send' }>, tally: RunTally, out: ResultsWriter): void {
  if (plan.kind === 'done') {
    tally.addAlreadyDone();
    return;
  }
  const { row, line } = plan;
  if (plan.kind === 'invalid') tally.add('invalid', { row, line, column: plan.column, reason: plan.reason });
  else tally.add(plan.kind);
  const error = plan.kind === 'valid' ? undefined : plan.reason;
  out.write({ row, status: plan.kind, attempts: 0, ...(error === undefined ? {} : { error }) }, plan.cells);
}

/** Rewrites the results file to one line per row, in row order, now that no line is still coming. */
async function compact(run: PreparedRun, logger: Logger, stop: RunStop): Promise<void> {
  try {
    const report = await compactResultsFile(run.resultsPath, (message) => logger.warn(message));
    logger.debug(report, 'results compacted');
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputError) throw error;
    const message = `cannot rewrite the results file ${describeFsError(run.resultsPath, error)}; its lines are all there, in the order they came`;
    stop.fail(new OutputError(message, 'RESULTS_UNWRITABLE', { cause: error, path: run.resultsPath }));
  }
}

/**
 * The run's summary. A file that failed before any lead was sent is thrown (exit 2: nothing to resume);
 * after, the run is reported as stopped, with every outcome reached written.
 */
function summarize(run: PreparedRun, tally: RunTally, stop: RunStop): ImportSummary {
  const failure = stop.failure;
  const where = failure instanceof InputError ? `; the rows before it are in ${run.resultsPath}` : '';
  if (failure !== undefined && !tally.sentAny) {
    if (failure instanceof InputError) {
      throw new InputError(`${failure.message}${where}`, failure.code, {
        cause: failure,
        line: failure.line,
      });
    }
    throw failure;
  }
  const stopped =
    stop.reason === undefined ? undefined : { ...stop.reason, message: `${stop.reason.message}${where}` };
  const durationMs = tally.elapsedMs();
  return {
    resultsPath: run.resultsPath,
    dryRun: run.options.dryRun,
    rows: tally.done + tally.alreadyDone,
    counts: { ...tally.counts },
    alreadyDone: tally.alreadyDone,
    durationMs,
    rowsPerSecond: durationMs > 0 ? (tally.done * 1000) / durationMs : 0,
    mapping: run.mappingLines,
    input: { encoding: run.csv.encoding, delimiter: run.csv.delimiter },
    problems: [...tally.problems],
    ...(stopped === undefined ? {} : { stopped }),
    exitCode: exitCodeOf(tally.counts, stopped !== undefined),
  };
}
