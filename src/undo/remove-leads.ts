import pLimit from 'p-limit';
import type { Ledger, LedgerEntry } from '../ledger/types.js';
import type { ApiAnswer } from '../upload/api-answer.js';
import { callWithRetries, type CallResult } from '../upload/attempts.js';
import { deleteRecorded } from './delete-recorded.js';
import type { LeadView, NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import { judgeLead, type LeadVerdict } from './lead-verdict.js';

/** Leads per Delete Leads request, and per ledger write. */
export const UNDO_BATCH = 50;

export interface UndoSettings {
  /** `--include-called`: remove leads that were called too (never one queued or on a call). */
  readonly includeCalled: boolean;
  /** Get Lead requests at once. */
  readonly concurrency: number;
  /** `--dry-run`: check every lead, change nothing, send no Delete. */
  readonly dryRun: boolean;
  /** Why the undo must stop before its next batch (its lock was taken over); undefined to go on. */
  readonly mustStop?: () => string | undefined;
}

/** A lead left in the campaign, with why (its id and status only: what undo prints may be a job's log). */
export interface KeptLead {
  readonly leadId: string;
  readonly status: string;
}

/** What an undo did (or, with --dry-run, would do), lead by lead. */
export interface UndoTally {
  /** Deleted from the campaign now (dry run: would be). */
  removed: number;
  /** Not in the campaign any more: marked removed without a request. */
  gone: number;
  /** Removed by an earlier undo. */
  alreadyRemoved: number;
  /** Left `sending` by a crash, and not in the campaign: never created, forgotten by the ledger. */
  neverCreated: number;
  readonly called: KeptLead[];
  readonly busy: KeptLead[];
}

export type UndoOutcome =
  | { readonly kind: 'done'; readonly tally: UndoTally }
  /** A request failed for good, or the run was stopped: what is done is recorded; undo again finishes. */
  | { readonly kind: 'stopped'; readonly tally: UndoTally; readonly message: string };

/** One lead's way out of a batch. */
type Step =
  | { readonly kind: 'delete'; readonly entry: LedgerEntry; readonly leadId: string }
  | { readonly kind: 'mark-gone'; readonly entry: LedgerEntry }
  | { readonly kind: 'forget'; readonly entry: LedgerEntry }
  | {
      readonly kind: 'keep';
      readonly entry: LedgerEntry;
      readonly verdict: LeadVerdict & { status: string };
      readonly lead: KeptLead;
    }
  | { readonly kind: 'already' };

class Stop extends Error {}

/**
 * Removes the leads in `entries` from the campaign, a batch at a time: each lead is looked at first (Get Lead)
 * and judged (judgeLead); the batch's deletions are committed to the ledger as `removing` before Delete Leads
 * leaves and as `removed` once it answered. So a crash at any point costs at most one look again: the next
 * undo finds `removing` leads, asks the campaign whether they are still there, and deletes only those.
 */
export async function removeLeads(
  entries: AsyncIterable<LedgerEntry>,
  ledger: Ledger,
  api: NlpearlApi,
  send: SendContext,
  settings: UndoSettings,
  onBatch?: (tally: UndoTally) => void,
): Promise<UndoOutcome> {
  const tally: UndoTally = { removed: 0, gone: 0, alreadyRemoved: 0, neverCreated: 0, called: [], busy: [] };
  const limit = pLimit(settings.concurrency);
  let batch: LedgerEntry[] = [];
  const flush = async () => {
    const reason = settings.mustStop?.();
    if (reason !== undefined) throw new Stop(reason);
    const steps = await Promise.all(batch.map((entry) => limit(() => stepFor(entry, api, send, settings))));
    batch = [];
    await apply(steps, ledger, api, send, settings, tally);
    onBatch?.(tally);
  };
  try {
    for await (const entry of entries) {
      batch.push(entry);
      if (batch.length >= UNDO_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } catch (error) {
    if (error instanceof Stop) return { kind: 'stopped', tally, message: error.message };
    throw error;
  }
  return { kind: 'done', tally };
}

/** Decides one lead's step, asking the campaign (Get Lead, or a lookup when the ledger has no lead id). */
async function stepFor(
  entry: LedgerEntry,
  api: NlpearlApi,
  send: SendContext,
  settings: UndoSettings,
): Promise<Step> {
  if (entry.state === 'removed') return { kind: 'already' };
  let leadId = entry.leadId;
  if (leadId === undefined) {
    // A crash while adding it (`sending`), or an answer without an id: find it as the import would have.
    const body = {
      phoneNumber: entry.phone,
      ...(entry.keyKind === 'externalId' && { externalId: entry.key }),
    };
    leadId = await succeed(() => api.findLead(body), send, 'look up a lead');
    if (leadId === undefined)
      return entry.state === 'sending' ? { kind: 'forget', entry } : { kind: 'mark-gone', entry };
  }
  const id = leadId;
  const view = await succeed<LeadView | undefined>(() => api.getLead(id), send, 'read a lead');
  // A lead a stopped undo left `removing` is judged again as any other: it may have been called since.
  const verdict = judgeLead(view, settings.includeCalled);
  switch (verdict.kind) {
    case 'remove':
      return { kind: 'delete', entry, leadId: id };
    case 'gone':
      return { kind: 'mark-gone', entry };
    case 'called':
    case 'busy':
      return { kind: 'keep', entry, verdict, lead: { leadId: id, status: verdict.status } };
  }
}

/** Carries out a batch's steps: ledger first, then the one Delete Leads request, then the ledger again. */
async function apply(
  steps: readonly Step[],
  ledger: Ledger,
  api: NlpearlApi,
  send: SendContext,
  settings: UndoSettings,
  tally: UndoTally,
): Promise<void> {
  const deletions = steps.filter((step) => step.kind === 'delete');
  const gone = steps.filter((step) => step.kind === 'mark-gone');
  const forgotten = steps.filter((step) => step.kind === 'forget');
  for (const step of steps) {
    if (step.kind === 'already') tally.alreadyRemoved += 1;
    if (step.kind === 'keep') (step.verdict.kind === 'busy' ? tally.busy : tally.called).push(step.lead);
  }
  tally.gone += gone.length;
  tally.neverCreated += forgotten.length;
  if (settings.dryRun) {
    tally.removed += deletions.length;
    return;
  }
  // Kept now, though a stopped undo had set out to remove them: back to created.
  const unremoved = steps.flatMap((step) =>
    step.kind === 'keep' && step.entry.state === 'removing' ? [step.entry] : [],
  );
  if (unremoved.length > 0) {
    await ledger.setState(
      unremoved[0]!.outbound,
      unremoved.map((entry) => entry.key),
      'created',
    );
  }
  if (deletions.length > 0) {
    const keys = deletions.map((step) => step.entry.key);
    const leadIds = deletions.map((step) => step.leadId);
    const deleted = await deleteRecorded(ledger, deletions[0]!.entry.outbound, { keys, leadIds }, api, send);
    if (deleted.kind !== 'ok') throw stopOf(deleted, 'delete leads');
    tally.removed += deletions.length;
  }
  if (gone.length > 0) {
    await ledger.setState(
      gone[0]!.entry.outbound,
      gone.map((step) => step.entry.key),
      'removed',
    );
  }
  for (const step of forgotten) await ledger.cancelSending(step.entry.outbound, step.entry.key);
}

/** The call's value, retried like every request; a failure for good or a stop ends the undo (Stop). */
async function succeed<T>(call: () => Promise<ApiAnswer<T>>, send: SendContext, what: string): Promise<T> {
  const result = await callWithRetries(call, send);
  if (result.kind === 'ok') return result.value;
  throw stopOf(result, what);
}

function stopOf(result: Exclude<CallResult<unknown>, { kind: 'ok' }>, what: string): Stop {
  return new Stop(result.kind === 'stopped' ? 'stopped' : `could not ${what}: ${result.message}`);
}
