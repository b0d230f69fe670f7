import { randomBytes } from 'node:crypto';
import type { AddLeadInput, SearchQuery } from './lead-bodies.js';

/** A lead as the sandbox stored it. */
export interface SandboxLead {
  id: string;
  outboundId: string;
  phoneNumber: string;
  externalId: string | null;
  timeZoneId: string | null;
  callData: Record<string, unknown> | null;
  /** ISO 8601. */
  created: string;
}

/** What NLPearl's Get Lead and Search Leads answer for a lead (note `id`, not `leadId`, and `timeZone`). */
export interface LeadView {
  id: string;
  externalId: string | null;
  phoneNumber: string;
  timeZone: string | null;
  status: 'New';
  created: string;
  callData: Record<string, unknown> | null;
}

export function toLeadView(lead: SandboxLead): LeadView {
  return {
    id: lead.id,
    externalId: lead.externalId,
    phoneNumber: lead.phoneNumber,
    timeZone: lead.timeZoneId,
    status: 'New',
    created: lead.created,
    callData: lead.callData,
  };
}

const SORT_KEYS: Record<string, (lead: SandboxLead) => string> = {
  created: (lead) => lead.created,
  phonenumber: (lead) => lead.phoneNumber,
  externalid: (lead) => lead.externalId ?? '',
};

/**
 * Every created lead, indexed so that lookups stay O(1) however many leads a benchmark creates. With `keep`
 * false it only counts them: a million-row benchmark then costs the sandbox no memory, but Get Lead and Search
 * Leads answer as if no lead existed.
 */
export class LeadsStore {
  /** Creation order; cleared in place so that references handed out stay current. */
  readonly all: SandboxLead[] = [];
  readonly #byId = new Map<string, SandboxLead>();
  readonly #byExternalId = new Map<string, SandboxLead>();
  readonly #byOutbound = new Map<string, SandboxLead[]>();
  // ObjectId-like ids: a random per-store prefix and a counter keep them unique without a random draw per lead.
  readonly #idPrefix = randomBytes(5).toString('hex');
  #counter = 0;
  #created = 0;

  constructor(readonly keep = true) {}

  /** Leads created since the last `clear()`, kept or not. */
  get created(): number {
    return this.#created;
  }

  add(outboundId: string, input: AddLeadInput, now: number): SandboxLead {
    this.#counter = (this.#counter + 1) % 0x1000000;
    this.#created += 1;
    const seconds = Math.floor(now / 1000)
      .toString(16)
      .padStart(8, '0');
    const id = `${seconds}${this.#idPrefix}${this.#counter.toString(16).padStart(6, '0')}`;
    const lead: SandboxLead = { id, outboundId, ...input, created: new Date(now).toISOString() };
    if (!this.keep) return lead;
    this.all.push(lead);
    this.#byId.set(id, lead);
    // Later leads overwrite earlier ones: lookups by external id answer the latest, as the brief asks.
    if (lead.externalId !== null) this.#byExternalId.set(externalKey(outboundId, lead.externalId), lead);
    let forOutbound = this.#byOutbound.get(outboundId);
    if (forOutbound === undefined) this.#byOutbound.set(outboundId, (forOutbound = []));
    forOutbound.push(lead);
    return lead;
  }

  byId(outboundId: string, id: string): SandboxLead | undefined {
    const lead = this.#byId.get(id);
    return lead?.outboundId === outboundId ? lead : undefined;
  }

  byExternalId(outboundId: string, externalId: string): SandboxLead | undefined {
    return this.#byExternalId.get(externalKey(outboundId, externalId));
  }

  /** O(leads of the outbound): fine for pre-flight checks and tests, which are all that call it. */
  search(outboundId: string, query: SearchQuery): { count: number; results: LeadView[] } {
    let leads = this.#byOutbound.get(outboundId) ?? [];
    const needle = query.searchInput?.toLowerCase() ?? '';
    if (needle !== '') {
      leads = leads.filter(
        (lead) =>
          lead.phoneNumber.toLowerCase().includes(needle) || lead.externalId?.toLowerCase().includes(needle),
      );
    }
    // Every sandbox lead is New; the numeric value of New in NLPearl's enum is a guess (1).
    if (query.statuses !== null && query.statuses.length > 0) {
      const wantsNew = query.statuses.some(
        (s) => s === 1 || (typeof s === 'string' && s.toLowerCase() === 'new'),
      );
      if (!wantsNew) leads = [];
    }
    const sortKey = SORT_KEYS[query.sortProp?.toLowerCase() ?? 'created'] ?? SORT_KEYS.created!;
    // Creation order is the tie-breaker, so the sort is stable and ascending-by-created is insertion order.
    const ordered = leads.map((lead, index) => ({ lead, index, key: sortKey(lead) }));
    ordered.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
    if (!query.isAscending) ordered.reverse();
    const page = ordered.slice(query.skip, query.skip + query.limit);
    return { count: leads.length, results: page.map(({ lead }) => toLeadView(lead)) };
  }

  clear(): void {
    this.#created = 0;
    this.all.length = 0;
    this.#byId.clear();
    this.#byExternalId.clear();
    this.#byOutbound.clear();
  }
}

function externalKey(outboundId: string, externalId: string): string {
  return `${outboundId}\u0000${externalId}`;
}
