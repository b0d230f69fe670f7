import type { Logger } from 'pino';
import { ApiRejectedError } from '../errors.js';
import { IMPORT_OPTIONS } from '../options/import-options.js';
import { accessRefused } from '../pipeline/check-access.js';
import { checkApiUrl } from '../upload/api-url.js';
import { callWithRetries } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import { NlpearlClient } from '../upload/nlpearl-client.js';
import { RateLimiter } from '../upload/rate-limiter.js';
import { createSendContext, type SendContext } from '../upload/send-context.js';
import { checkToken } from '../upload/token.js';
import type { LogLevel } from '../config.js';
import type { CliIo } from './io.js';
import { createCliLogger } from './logger.js';
import { resolveToken, type Redactor } from './secrets.js';
import { handleStopSignals } from './signals.js';
import { createStyle, wantsColor } from './style.js';

/** The flags of the commands that talk to the API outside an import (`ledger pull`, `undo`). */
export interface ApiFlags {
  readonly apiUrl?: string;
  readonly tokenFile?: string;
  readonly logLevel?: LogLevel;
  /** `--rate`: at most this many requests a second. */
  readonly rate?: number;
}

/** What such a command sends with, and the one thing to call on every way out. */
export interface ApiSession {
  readonly api: NlpearlClient;
  readonly send: SendContext;
  readonly logger: Logger;
  /** Closes the API's sockets, the signal handlers and the log. */
  readonly close: () => void;
}

/**
 * The API as an import reaches it: the URL and the token from the same places (flags, environment, token file),
 * checked before anything is sent; requests paced and retried like an import's, stopped by Ctrl-C or SIGTERM
 * (a second one leaves at once), and given up when the API stays down past the circuit breaker's limit.
 */
export function openApiSession(
  flags: ApiFlags,
  outbound: string,
  settings: { readonly activity: string; readonly concurrency: number },
  io: CliIo,
  redactor: Redactor,
): ApiSession {
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
    concurrency: settings.concurrency,
  });
  const gaveUp = new AbortController();
  const send = createSendContext({
    api,
    limiter: new RateLimiter({ maxPerSecond: flags.rate }),
    stop: AbortSignal.any([signals.signal, gaveUp.signal]),
    logger,
    activity: settings.activity,
    onGiveUp: (downMs) => {
      logger.error({ downMs }, `the API did not answer: ${settings.activity} stopped`);
      gaveUp.abort();
    },
  });
  return {
    api,
    send,
    logger,
    close: () => {
      signals.dispose();
      api.close();
      closeLog();
    },
  };
}

/**
 * One cheap call (Search Leads, limit 1) before the run is recorded: a wrong token or outbound id is told in one
 * line with what to fix, before anything is changed (`unchanged` says what stays as it was). → how many
 * leads the campaign holds.
 */
export async function checkCampaign(
  api: NlpearlApi,
  send: SendContext,
  outbound: string,
  unchanged: string,
): Promise<number> {
  const answer = await callWithRetries(() => api.checkAccess(), send);
  if (answer.kind === 'ok') return answer.value;
  if (answer.kind === 'stopped') {
    throw new ApiRejectedError(`stopped before the campaign was read; ${unchanged}`, 'PREFLIGHT_FAILED');
  }
  const refused = accessRefused(answer.failure, outbound, unchanged);
  if (refused !== undefined) throw refused;
  throw new ApiRejectedError(
    `cannot read the campaign (${answer.message}); ${unchanged}`,
    'PREFLIGHT_FAILED',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
