import { ACTIVE_STATES, type LedgerEntry } from '../ledger/types.js';
import { deleteRecorded } from '../undo/delete-recorded.js';
import { callWithRetries } from '../upload/attempts.js';
import { LEAD_STATUSES } from '../upload/lead-status.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';
import type { LedgerRun } from './ledger-run.js';

/** `--absent`: what becomes of leads this tool added from the same source that tonight's input no longer holds. */
export type AbsentPolicy = 'keep' | 'complete' | 'delete';

/** Leads per Delete Leads request, and per ledger write. */
const BATCH = 50;
/** Without `--max-absent`, at most this share of the outbound's known leads may be touched by one run. */
export const DEFAULT_MAX_ABSENT_SHARE = 0.1;

export type AbsentResult =
  | { readonly kind: 'done'; readonly absent: number; readonly done: number }
  | { readonly kind: 'refused'; readonly absent: number; readonly message: string }
  | { readonly kind: 'failed'; readonly absent: number; readonly done: number; readonly message: string };

/** `--max-absent N|N%` → the most leads that may be touched, given how many the ledger knows. */
export function absentLimit(maxAbsent: string | number | undefined, known: number): number {
  if (maxAbsent === undefined) return Math.floor(known * DEFAULT_MAX_ABSENT_SHARE);
  if (typeof maxAbsent === 'number') return maxAbsent;
  return maxAbsent.endsWith('%')
    ? Math.floor((known * Number(maxAbsent.slice(0, -1))) / 100)
    : Number(maxAbsent);
}

/**
 * Counts the absent leads and, with `complete` or `delete`, acts on exactly those: leads this tool created
 * from this source on earlier runs, never ones it found in the campaign. Refused (nothing changed) when they
 * are more than the limit: a truncated export must not empty a campaign.
 */
export async function handleAbsent(
  run: LedgerRun,
  policy: AbsentPolicy,
  maxAbsent: string | number | undefined,
  api: NlpearlApi,
  send: SendContext,
): Promise<AbsentResult> {
  const { ledger, outbound, source } = run;
  const runId = run.runId ?? 0;
  const absent = await ledger.countAbsent(outbound, source, runId);
  if (policy === 'keep' || absent === 0) return { kind: 'done', absent, done: 0 };
  const counts = await ledger.count(outbound);
  const known = ACTIVE_STATES.reduce((sum, state) => sum + counts[state], 0);
  const limit = absentLimit(maxAbsent, known);
  if (absent > limit) {
    const allowed = maxAbsent === undefined ? '10% of them' : `--max-absent ${maxAbsent}`;
    return {
      kind: 'refused',
      absent,
      message: `${absent} absent leads is more than ${allowed} (${limit} of the ${known} this ledger knows for outbound "${outbound}"); nothing was changed: check the export, then pass --max-absent ${absent} to ${policy} them`,
    };
  }
  let done = 0;
  let batch: LedgerEntry[] = [];
  const flush = async (): Promise<string | undefined> => {
    const keys = batch.map((entry) => entry.key);
    const ids = batch.flatMap((entry) => (entry.leadId === undefined ? [] : [entry.leadId]));
    batch = [];
    if (policy === 'delete') {
      const answer = await deleteRecorded(ledger, outbound, { keys, leadIds: ids }, api, send);
      if (answer.kind !== 'ok') return answer.kind === 'stopped' ? 'stopped' : answer.message;
      done += answer.value;
      return undefined;
    }
    for (const [index, id] of ids.entries()) {
      const answer = await callWithRetries(
        () => api.updateLead(id, { status: LEAD_STATUSES.Complete }),
        send,
      );
      if (answer.kind !== 'ok') {
        done += await ledger.setState(outbound, keys.slice(0, index), 'completed');
        return answer.kind === 'stopped' ? 'stopped' : answer.message;
      }
    }
    done += await ledger.setState(outbound, keys, 'completed');
    return undefined;
  };
  // Collected first: the ledger's pages must not shift under our own state changes.
  const entries: LedgerEntry[] = [];
  for await (const entry of ledger.listAbsent(outbound, source, runId)) entries.push(entry);
  for (const entry of entries) {
    batch.push(entry);
    if (batch.length < BATCH) continue;
    const problem = await flush();
    if (problem !== undefined) return { kind: 'failed', absent, done, message: problem };
  }
  if (batch.length > 0) {
    const problem = await flush();
    if (problem !== undefined) return { kind: 'failed', absent, done, message: problem };
  }
  return { kind: 'done', absent, done };
}
