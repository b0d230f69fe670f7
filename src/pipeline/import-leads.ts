import pino, { type Logger } from 'pino';
import type { ImportOptionsInput } from '../config.js';
import { ApiRejectedError } from '../errors.js';
import { LedgerError } from '../ledger/errors.js';
import { ResultsWriter } from '../results/results-writer.js';
import { callWithRetries } from '../upload/attempts.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { createSendContext } from '../upload/send-context.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import { handleAbsent } from './absent-leads.js';
import { createCanary, type CanaryQuestion } from './canary-leads.js';
import { checkAccess } from './check-access.js';
import { parseErrorBudget } from './error-budget.js';
import type { LedgerRun } from './ledger-run.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';
import { pullCampaign, pullReason } from './reconcile.js';
import type { OutcomeContext } from './record-outcome.js';
import { RunStop } from './run-stop.js';
import { compact, summarize } from './run-summary.js';
import { RunTally, type RunProgress } from './run-tally.js';
import { SendSlots } from './send-slots.js';
import { sendRows } from './send-rows.js';
import type { ImportSummary, LedgerReport } from './summary.js';

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
  /**
   * With `canary: N`: called once N rows were sent, with them as the campaign now holds them (Get Lead); true
   * sends the rest in the same run. Without it, or on false, the run stops there (`stopped.code` 'CANARY').
   */
  readonly onCanary?: CanaryQuestion;
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
  const { options, csv, ledger } = run;
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
  const send = createSendContext({
    api,
    limiter,
    retries: options.retries,
    stop: stop.signal,
    logger,
    activity: 'sending',
    onGiveUp: (downMs) =>
      stop.stop(
        'API_DOWN',
        `the API did not answer for ${Math.round(downMs / 1000)} s; run again with --resume`,
      ),
  });
  let writer: ResultsWriter | undefined;
  let report: LedgerReport | undefined;
  let ended = false;
  try {
    const campaignCount =
      !options.dryRun && options.preflight ? await checkAccess(pacedCheck, run.outbound, logger) : undefined;
    const pulled =
      ledger === undefined || options.dryRun
        ? 0
        : await pullIfDoubtful(ledger, api, send, campaignCount, options.refresh, logger);
    const out = (writer = ResultsWriter.open(run.resultsPath, run.outputHeader, run.writeMode, (error) =>
      stop.fail(error),
    ));
    deps.onWriter?.(() => out.flush());
    if (deps.signal?.aborted) onSignal();
    deps.signal?.addEventListener('abort', onSignal, { once: true });
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
    const planned = { create: 0, update: 0, unchanged: 0 };
    const actions = { onChange: options.onChange, updateExisting: options.updateExisting };
    ledger?.onFailure((error) =>
      stop.stop(
        error instanceof LedgerError ? error.code : 'LEDGER_UNAVAILABLE',
        `the ledger could not record an outcome (${error instanceof Error ? error.message : String(error)}); run again: what it did not record is looked up first`,
      ),
    );
    const canary =
      options.canary === undefined
        ? undefined
        : createCanary(options.canary, { api, send, stop, ledger, ask: deps.onCanary });
    const parts = { tally, stop, slots, out, send, outcomes, api, ledger, actions, planned, canary };
    await sendRows(run, retry, parts);
    // A failed write has stopped the run already (onFailure): absent leads are then left alone.
    await ledger?.settle().catch(() => undefined);
    if (ledger !== undefined) {
      const absent = await absentLeads(run, ledger, tally, stop, api, send);
      report = {
        location: ledger.ledger.location,
        runId: ledger.runId,
        pulled,
        ...(options.dryRun ? { planned } : {}),
        ...absent,
      };
    }
    ended = true;
  } finally {
    deps.signal?.removeEventListener('abort', onSignal);
    // Leaving on an error: the rows already sent still get their outcomes written before the file closes.
    if (slots.inFlight > 0) stop.stop('INTERRUPTED', 'stopping: an unexpected error ended the run');
    await slots.drain();
    writer?.close();
    await csv.close();
    api.close();
    // A run that ends with an error is recorded with exit status 2; the error goes on to the caller.
    if (!ended) await ledger?.finish({ counts: tally.counts, exitStatus: 2 });
  }
  let summary: ImportSummary;
  try {
    await compact(run, logger, stop);
    summary = summarize(run, tally, stop, report);
  } catch (error) {
    await ledger?.finish({ counts: tally.counts, exitStatus: 2 });
    throw error;
  }
  await ledger?.finish({ counts: tally.counts, exitStatus: summary.exitCode });
  return summary;
}

/** Pulls the campaign's leads into the ledger first when it has reason to doubt itself; how many it found. */
async function pullIfDoubtful(
  ledger: LedgerRun,
  api: NlpearlApi,
  send: SendContext,
  campaignCount: number | undefined,
  refresh: boolean,
  logger: Logger,
): Promise<number> {
  let count = campaignCount;
  if (count === undefined) {
    const answer = await callWithRetries(() => api.checkAccess(), send);
    if (answer.kind !== 'ok')
      throw new ApiRejectedError(
        `cannot count the campaign's leads (${answer.kind === 'failed' ? answer.message : 'stopped'}); nothing was sent`,
        'PREFLIGHT_FAILED',
      );
    count = answer.value;
  }
  const reason = await pullReason(ledger.ledger, ledger.outbound, count, refresh);
  if (reason === undefined) return 0;
  logger.info({ reason, leads: count }, "pulling the campaign's leads into the ledger before sending");
  const pulled = await pullCampaign(api, ledger.ledger, ledger.outbound, send, logger);
  if (!pulled.ok) throw new ApiRejectedError(`${pulled.message}; nothing was sent`, 'PREFLIGHT_FAILED');
  logger.info({ pulled: pulled.pulled, added: pulled.added, gone: pulled.gone }, 'campaign pulled');
  return pulled.added;
}

/** Absent leads are judged only after a real run that read its whole input and was not stopped. */
async function absentLeads(
  run: PreparedRun,
  ledger: LedgerRun,
  tally: RunTally,
  stop: RunStop,
  api: NlpearlApi,
  send: SendContext,
): Promise<Pick<LedgerReport, 'absent' | 'absentAction'>> {
  const { options } = run;
  if (options.dryRun || stop.reason !== undefined || ledger.runId === undefined) {
    return { absent: 0, absentAction: undefined };
  }
  // An invalid row's lead cannot be told from an absent one: acting on absent leads would touch it.
  const policy = tally.counts.invalid > 0 && options.absent !== 'keep' ? 'keep' : options.absent;
  const result = await handleAbsent(ledger, policy, options.maxAbsent, api, send);
  if (policy !== options.absent && result.absent > 0) {
    return {
      absent: result.absent,
      absentAction: {
        kind: 'refused',
        message: `${tally.counts.invalid} rows are invalid, and their leads would look absent; fix them, then run again to ${options.absent} the absent leads`,
      },
    };
  }
  if (result.kind === 'refused')
    return { absent: result.absent, absentAction: { kind: 'refused', message: result.message } };
  if (result.kind === 'failed') stop.stop('API_DOWN', `acting on absent leads: ${result.message}`);
  return { absent: result.absent, absentAction: { kind: options.absent, done: result.done } };
}
