import os from 'node:os';
import type { Logger } from 'pino';
import { ApiRejectedError } from '../errors.js';
import type { LedgerLocation } from '../ledger/location.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { Ledger, RunEnd } from '../ledger/types.js';
import { IMPORT_OPTIONS } from '../options/import-options.js';
import { pullCampaign } from '../pipeline/reconcile.js';
import { checkApiUrl } from '../upload/api-url.js';
import { callWithRetries } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { createSendContext } from '../upload/send-context.js';
import type { SendContext } from '../upload/send-context.js';
import { checkToken } from '../upload/token.js';
import type { CliIo } from './io.js';
import type { LedgerFlags } from './ledger-actions.js';
import { createCliLogger } from './logger.js';
import { resolveToken, type Redactor } from './secrets.js';
import { handleStopSignals } from './signals.js';
import { createStyle, wantsColor } from './style.js';

/** A pull stopped part-way (a signal, the API gone, the token revoked): what it recorded stays recorded. */
const STOPPED = 3;

/**
 * `ledger pull`: pages through the campaign's leads and records them in the ledger now, holding the outbound's
 * lock, as a run of its own (command `pull`) that `ledger runs` lists. The token comes from the same places as
 * for import; the token and the outbound are checked (one Search Leads call) before the ledger is opened.
 */
export async function pullNow(
  location: LedgerLocation,
  outbound: string,
  flags: LedgerFlags,
  io: CliIo,
  redactor: Redactor,
): Promise<number> {
  const apiUrl = checkApiUrl(
    flags.apiUrl ?? nonEmpty(io.env.NLPEARL_API_URL) ?? IMPORT_OPTIONS.apiUrl.default,
  );
  const resolved = resolveToken({ tokenFileFlag: flags.tokenFile, env: io.env }, redactor);
  const token = checkToken(resolved.token, resolved.source);
  const terminal = io.stderr.isTTY === true;
  const { logger, close: closeLog } = createCliLogger({
    level: flags.logLevel ?? 'info',
    format: terminal ? 'human' : 'json',
    stderr: io.stderr,
    style: createStyle(wantsColor(io.stderr, io.env)),
    redactor,
  });
  const signals = handleStopSignals(
    { signals: io.signals, exitNow: io.exitNow, stderr: io.stderr },
    () => {},
  );
  const api = new NlpearlClient({
    apiUrl,
    token,
    outboundId: outbound,
    timeoutMs: IMPORT_OPTIONS.timeout.default * 1000,
    concurrency: 1,
  });
  const gaveUp = new AbortController();
  const send = createSendContext({
    api,
    limiter: new RateLimiter(),
    stop: AbortSignal.any([signals.signal, gaveUp.signal]),
    logger,
    activity: 'pulling',
    onGiveUp: (downMs) => {
      logger.error({ downMs }, 'the API did not answer: pull stopped');
      gaveUp.abort();
    },
  });
  let ledger: Ledger | undefined;
  try {
    // Checked before the ledger is opened: a wrong token or outbound leaves no new ledger file behind.
    const leads = await countLeads(api, send, outbound);
    ledger = await openLedger(location, { warn: (message) => logger.warn(message) });
    const lock = await ledger.acquireLock(outbound, {
      pid: process.pid,
      host: os.hostname(),
      startedAt: new Date(),
    });
    try {
      logger.info({ outbound, leads, ledger: ledger.location }, "pulling the campaign's leads");
      return await pullAsRun(ledger, api, outbound, send, logger, io);
    } finally {
      await lock.release();
    }
  } finally {
    signals.dispose();
    api.close();
    await ledger?.close();
    closeLog();
  }
}

/** The pull, recorded as a run with its counts and exit status, whatever way it ends. */
async function pullAsRun(
  ledger: Ledger,
  api: NlpearlApi,
  outbound: string,
  send: SendContext,
  logger: Logger,
  io: CliIo,
): Promise<number> {
  const runId = await ledger.startRun({ command: 'pull', outbound });
  let end: RunEnd = { counts: {}, exitStatus: 2 };
  try {
    const pulled = await pullCampaign(api, ledger, outbound, send, logger);
    if (!pulled.ok) {
      io.stderr.write(
        `nlpearl-leads: ${pulled.message}; what was read so far is recorded: run ledger pull again\n`,
      );
      end = { counts: {}, exitStatus: STOPPED };
      return STOPPED;
    }
    end = { counts: { pulled: pulled.pulled, added: pulled.added, gone: pulled.gone }, exitStatus: 0 };
    io.stdout.write(
      [
        `Pulled outbound ${outbound} into the ledger ${ledger.location} (run ${runId}):`,
        `  ${pulled.pulled} leads in the campaign`,
        `  ${pulled.added} new to the ledger, recorded as pulled`,
        `  ${pulled.gone} the ledger held that the campaign no longer has, marked removed`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await ledger.finishRun(runId, end);
  }
}

/**
 * What pullCampaign sends with: paced like an import (the adaptive rate, the circuit breaker), with the
 * default retries, one request at a time. `onGiveUp` is told when the API stays down past the breaker's limit.
 */
/**
 * One cheap call (Search Leads, limit 1) before the run is recorded: a wrong token or outbound id is told in one
 * line with what to fix, and the ledger is left as it was. → how many leads the campaign holds.
 */
async function countLeads(api: NlpearlApi, send: SendContext, outbound: string): Promise<number> {
  const answer = await callWithRetries(() => api.checkAccess(), send);
  if (answer.kind === 'ok') return answer.value;
  if (answer.kind === 'stopped') {
    throw new ApiRejectedError(
      'stopped before the campaign was read; the ledger was not changed',
      'PREFLIGHT_FAILED',
    );
  }
  const status = answer.failure.kind === 'http' ? answer.failure.status : undefined;
  if (answer.fatal === 'credentials') {
    throw new ApiRejectedError(
      `credentials rejected by NLPearl (HTTP ${status}): the token must be "AccountId:SecretKey" from Settings → API, both parts current`,
      'CREDENTIALS_REJECTED',
      { status },
    );
  }
  if (answer.fatal === 'outbound') {
    throw new ApiRejectedError(
      `outbound "${outbound}" not found (HTTP 404): v1 wants the outbound campaign's id, not the Pearl id in the platform's URL`,
      'OUTBOUND_NOT_FOUND',
      { status },
    );
  }
  throw new ApiRejectedError(
    `cannot read the campaign (${answer.message}); the ledger was not changed`,
    'PREFLIGHT_FAILED',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
