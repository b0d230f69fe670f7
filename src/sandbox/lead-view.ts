import type { LeadStatus } from './lead-status.js';
import type { SandboxLead } from './leads-store.js';

/**
 * What NLPearl's Get Lead and Search Leads answer for a lead: `id`, not `leadId`; `status` as the documented
 * integer; `timeZone` as an offset in hours, not the Windows id that was sent (it does not round-trip).
 */
export interface LeadView {
  id: string;
  externalId: string | null;
  phoneNumber: string;
  timeZone: number | null;
  status: LeadStatus;
  created: string;
  callData: Record<string, unknown> | null;
}

/**
 * Offsets for a handful of Windows ids, in hours: each zone's standard offset (whether NLPearl's float follows
 * daylight saving is not documented). Any other id, and a lead without one (the campaign's default applies),
 * shows null: enough for tests to see that the id does not come back.
 */
const OFFSETS: ReadonlyMap<string, number> = new Map([
  ['UTC', 0],
  ['GMT Standard Time', 0],
  ['W. Europe Standard Time', 1],
  ['Romance Standard Time', 1],
  ['Central Europe Standard Time', 1],
  ['Türkiye Standard Time', 3],
  ['Turkey Standard Time', 3],
  ['India Standard Time', 5.5],
  ['Nepal Standard Time', 5.75],
  ['Tokyo Standard Time', 9],
  ['AUS Eastern Standard Time', 10],
  ['Eastern Standard Time', -5],
  ['Central Standard Time', -6],
  ['Mountain Standard Time', -7],
  ['Pacific Standard Time', -8],
]);

export function timeZoneOffset(timeZoneId: string | null): number | null {
  return timeZoneId === null ? null : (OFFSETS.get(timeZoneId) ?? null);
}

export function toLeadView(lead: SandboxLead): LeadView {
  return {
    id: lead.id,
    externalId: lead.externalId,
    phoneNumber: lead.phoneNumber,
    timeZone: timeZoneOffset(lead.timeZoneId),
    status: lead.status,
    created: lead.created,
    callData: lead.callData,
  };
}
