import { LEAD_STATUSES, type LeadStatus } from '../upload/lead-status.js';

export { LEAD_STATUSES, type LeadStatus, type LeadStatusName } from '../upload/lead-status.js';

const VALUES: ReadonlySet<unknown> = new Set(Object.values(LEAD_STATUSES));

export function isLeadStatus(value: unknown): value is LeadStatus {
  return VALUES.has(value);
}
