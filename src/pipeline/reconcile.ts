import type { Logger } from 'pino';
import { ACTIVE_STATES, type Ledger, type PulledLead } from '../ledger/types.js';
import { callWithRetries } from '../upload/attempts.js';
import type { NlpearlApi } from '../upload/nlpearl-api.js';
import type { SendContext } from '../upload/send-context.js';

/** Leads asked for per Search Leads page; a server may return fewer, and paging goes by what came back. */
export const PULL_PAGE = 100;
/** A progress line every this many pages of a long pull. */
const PROGRESS_EVERY = 50;

export type PullReason = 'new outbound' | 'campaign holds fewer leads' | 'refresh';

/**
 * When the ledger has reason to doubt itself: it has never seen this outbound (a new or lost ledger), the
 * campaign holds fewer leads than it believes (leads deleted on the platform), or the user asked (--refresh).
 */
export async function pullReason(
  ledger: Ledger,
  outbound: string,
  campaignCount: number,
  refresh: boolean,
): Promise<PullReason | undefined> {
  if (refresh) return 'refresh';
  const counts = await ledger.count(outbound);
  const known = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (known === 0) return campaignCount > 0 ? 'new outbound' : undefined;
  const active = ACTIVE_STATES.reduce((sum, state) => sum + counts[state], 0);
  return campaignCount < active ? 'campaign holds fewer leads' : undefined;
}

export type PullResult =
  | { readonly ok: true; readonly pulled: number; readonly added: number; readonly gone: number }
  | { readonly ok: false; readonly message: string; readonly fatal: boolean };

/**
 * Pages through Search Leads and records every lead of the campaign in the ledger (by externalId, else its
 * phone), so that leads added by hand, or by a run whose ledger was lost, are not added again. Leads the
 * ledger holds as in the campaign but the campaign no longer has are marked removed, so they are added again.
 */
export async function pullCampaign(
  api: NlpearlApi,
  ledger: Ledger,
  outbound: string,
  send: SendContext,
  logger: Logger,
): Promise<PullResult> {
  const seen = new Set<string>();
  let skip = 0;
  let count = Infinity;
  let added = 0;
  for (let page = 1; skip < count; page += 1) {
    const answer = await callWithRetries(() => api.searchLeads({ skip, limit: PULL_PAGE }), send);
    if (answer.kind === 'stopped')
      return { ok: false, message: 'stopped while pulling the campaign', fatal: false };
    if (answer.kind === 'failed') {
      return {
        ok: false,
        message: `pulling the campaign: ${answer.message}`,
        fatal: answer.fatal !== undefined,
      };
    }
    count = answer.value.count;
    const leads: PulledLead[] = answer.value.results.map((lead) => {
      const byId = lead.externalId !== null && lead.externalId !== '';
      const phone = e164(lead.phoneNumber);
      return {
        key: byId ? lead.externalId : phone,
        keyKind: byId ? 'externalId' : 'phone',
        phone,
        leadId: lead.id,
      };
    });
    if (leads.length === 0) break; // the campaign shrank while we paged: what is there has been read
    for (const lead of leads) seen.add(lead.key);
    added += (await ledger.recordPulled(outbound, leads)).added;
    skip += leads.length;
    if (page % PROGRESS_EVERY === 0) logger.info({ pulled: skip, of: count }, 'pulling the campaign');
  }
  const gone: string[] = [];
  for await (const entry of ledger.exportEntries(outbound)) {
    if ((ACTIVE_STATES as readonly string[]).includes(entry.state) && !seen.has(entry.key))
      gone.push(entry.key);
  }
  if (gone.length > 0) await ledger.setState(outbound, gone, 'removed');
  return { ok: true, pulled: skip, added, gone: gone.length };
}

/** The campaign's phone as the ledger keys phones: E.164 with its '+'. */
function e164(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `+${digits}`;
}
