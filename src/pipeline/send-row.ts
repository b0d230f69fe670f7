import type { ResultsWriter } from '../results/results-writer.js';
import { callWithRetries } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import { sendLead, type SendOutcome } from '../upload/send-lead.js';
import { ledgerAction, type ActionSettings } from './ledger-action.js';
import type { LedgerRun } from './ledger-run.js';
import type { RowPlan } from './plan-rows.js';
import { recordOutcome, type OutcomeContext, type RowResult, type WriteOutcome } from './record-outcome.js';

export type SendPlan = Extract<RowPlan, { kind: 'send' }>;

export interface RowContext {
  readonly api: NlpearlApi;
  readonly send: SendContext;
  readonly out: ResultsWriter;
  readonly outcomes: OutcomeContext;
  readonly ledger: LedgerRun | undefined;
  readonly actions: ActionSettings;
}

/** Sends one row (or, with a ledger, updates it or leaves it be), records what it came to and returns it. */
export async function sendRow(plan: SendPlan, context: RowContext): Promise<RowResult> {
  const write: WriteOutcome = (status, extra) =>
    context.out.write({ row: plan.row, status, attempts: extra.attempts ?? 0, ...extra }, plan.cells);
  const result =
    context.ledger === undefined
      ? await add(plan, context, false)
      : await withLedger(plan, context, context.ledger);
  recordOutcome(result, plan, write, context.outcomes);
  return result;
}

async function withLedger(plan: SendPlan, context: RowContext, ledger: LedgerRun): Promise<RowResult> {
  if (ledger.lockLost) {
    // Another run found this one's heartbeat too old and took over: two runs must never send one campaign.
    context.outcomes.stopRun(
      'LOCK_LOST',
      `another run took over the ledger's lock of outbound "${ledger.outbound}"; stopping, so the two do not both send`,
    );
    return { status: 'not-sent' };
  }
  const lead = ledger.leadOf(plan.body);
  const hash = ledger.hash(plan.body);
  const action = ledgerAction(await ledger.ledger.get(lead.outbound, lead.key), hash, context.actions);
  switch (action.kind) {
    case 'create':
    case 'look-up-then-create': {
      const outcome = await add(plan, context, action.kind === 'look-up-then-create', async () => {
        await ledger.ledger.markSending(lead);
      });
      if (outcome.status === 'created' && outcome.leadId !== undefined) {
        ledger.defer(ledger.ledger.markCreated(lead, { leadId: outcome.leadId, bodyHash: hash }));
      } else if (outcome.status === 'failed' && outcome.notCreated) {
        ledger.defer(ledger.ledger.cancelSending(lead.outbound, lead.key));
      }
      // Anything else stays `sending`: the next run looks the lead up before it sends it again.
      return outcome;
    }
    case 'unchanged':
      ledger.defer(ledger.ledger.markSeen(lead));
      return { status: 'unchanged', leadId: action.leadId, attempts: 0 };
    case 'skip-change':
      ledger.defer(ledger.ledger.markSeen(lead));
      return {
        status: 'skipped',
        leadId: action.leadId,
        attempts: 0,
        note: 'changed since it was last sent; not updated (--on-change skip)',
      };
    case 'update': {
      const { leadId } = action;
      const answer = await callWithRetries(() => context.api.updateLead(leadId, plan.body), context.send);
      if (answer.kind === 'ok') {
        ledger.defer(ledger.ledger.markUpdated(lead, { bodyHash: hash, leadId }));
        return { status: 'updated', leadId, attempts: answer.attempts };
      }
      if (answer.kind === 'stopped') return { status: 'not-sent' };
      // The ledger knows a lead the campaign no longer has: deleted on the platform. Add it again.
      if (answer.failure.kind === 'http' && answer.failure.status === 404) {
        return withLedgerCreate(plan, context, ledger);
      }
      return {
        status: 'failed',
        error: `Update Lead: ${answer.message}`,
        attempts: answer.attempts,
        notCreated: false,
        fatal: answer.fatal,
      };
    }
  }
}

async function withLedgerCreate(plan: SendPlan, context: RowContext, ledger: LedgerRun): Promise<RowResult> {
  const lead = ledger.leadOf(plan.body);
  const outcome = await add(plan, context, false, () => ledger.ledger.markSending(lead));
  if (outcome.status === 'created' && outcome.leadId !== undefined) {
    ledger.defer(
      ledger.ledger.markCreated(lead, { leadId: outcome.leadId, bodyHash: ledger.hash(plan.body) }),
    );
  }
  return outcome;
}

/** Add Lead, journaled first: in the ledger (when there is one), then in the results file. */
function add(
  plan: SendPlan,
  context: RowContext,
  mayExist: boolean,
  intent?: () => Promise<void>,
): Promise<SendOutcome> {
  return sendLead(plan.body, context.send, {
    mayExist: mayExist || plan.mayExist,
    // Both journals in the same turn: the request waits for one commit and one write, not one after the other.
    beforeFirstRequest: async () => {
      const line = context.out.writeBeforeSending(
        { row: plan.row, status: 'sending', attempts: 0 },
        plan.cells,
      );
      await Promise.all([intent?.(), line]);
    },
  });
}
