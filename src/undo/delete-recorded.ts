import type { Ledger } from '../ledger/types.js';
import { callWithRetries, type CallResult } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';

/**
 * One Delete Leads request with the ledger's intent around it, as Add Lead has `sending`: `removing` committed
 * before the request leaves, `removed` once it answered. A crash between leaves the leads `removing`, and the
 * next undo asks the campaign whether they are still there before deleting any again (undo, `--absent delete`).
 * @returns the request's result; when ok, how many entries became `removed`.
 */
export async function deleteRecorded(
  ledger: Ledger,
  outbound: string,
  leads: { readonly keys: readonly string[]; readonly leadIds: readonly string[] },
  api: NlpearlApi,
  send: SendContext,
): Promise<CallResult<number>> {
  await ledger.setState(outbound, leads.keys, 'removing');
  const answer = await callWithRetries(() => api.deleteLeads(leads.leadIds), send);
  if (answer.kind !== 'ok') return answer;
  return { ...answer, value: await ledger.setState(outbound, leads.keys, 'removed') };
}
