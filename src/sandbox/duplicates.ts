import type { SandboxLead } from './leads-store.js';

/** Leads of one outbound that share a phone number or an externalId: what "no lead created twice" forbids. */
export interface DuplicateGroup {
  outboundId: string;
  field: 'phoneNumber' | 'externalId';
  value: string;
  /** In creation order. */
  leadIds: string[];
}

/** Every group of two or more leads sharing a field, ordered by each group's first lead. O(leads). */
export function findDuplicates(leads: readonly SandboxLead[]): DuplicateGroup[] {
  const groups = new Map<string, DuplicateGroup>();
  const note = (lead: SandboxLead, field: DuplicateGroup['field'], value: string): void => {
    const key = `${field}\u0000${lead.outboundId}\u0000${value}`;
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { outboundId: lead.outboundId, field, value, leadIds: [lead.id] });
    else group.leadIds.push(lead.id);
  };
  for (const lead of leads) {
    note(lead, 'phoneNumber', lead.phoneNumber);
    if (lead.externalId !== null) note(lead, 'externalId', lead.externalId);
  }
  return [...groups.values()].filter((group) => group.leadIds.length > 1);
}
