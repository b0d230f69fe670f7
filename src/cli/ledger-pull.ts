import type { Logger } from 'pino';
import type { LedgerLocation } from '../ledger/location.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { Ledger, RunEnd } from '../ledger/types.js';
import { pullCampaign } from '../pipeline/reconcile.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import { checkCampaign, openApiSession } from './api-session.js';
import type { CliIo } from './io.js';
import type { LedgerFlags } from './ledger-actions.js';
import type { Redactor } from './secrets.js';
import { thisProcess } from '../ledger/lock-policy.js';

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
  const { api, send, logger, close } = openApiSession(
    flags,
    outbound,
    { activity: 'pulling', concurrency: 1 },
    io,
    redactor,
  );
  let ledger: Ledger | undefined;
  try {
    // Checked before the ledger is opened: a wrong token or outbound leaves no new ledger file behind.
    const leads = await checkCampaign(api, send, outbound, 'the ledger was not changed');
    ledger = await openLedger(location, { warn: (message) => logger.warn(message) });
    const lock = await ledger.acquireLock(outbound, thisProcess());
    try {
      logger.info({ outbound, leads, ledger: ledger.location }, "pulling the campaign's leads");
      return await pullAsRun(ledger, api, outbound, send, logger, io);
    } finally {
      await lock.release();
    }
  } finally {
    await ledger?.close();
    close();
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
