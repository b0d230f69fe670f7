import { randomBytes } from 'node:crypto';
import type { AddLeadInput, SearchQuery } from './lead-bodies.js';
import { LEAD_STATUSES } from './lead-status.js';
import type { LeadStatus } from './lead-status.js';
import { toLeadView } from './lead-view.js';
import type { LeadView } from './lead-view.js';

/** A lead as the sandbox stored it. */
export interface SandboxLead {
  id: string;
  outboundId: string;
  phoneNumber: string;
  externalId: string | null;
  timeZoneId: string | null;
  callData: Record<string, unknown> | null;
  /** Its documented integer; a lead starts New (1), and calls in the campaign change it. */
  status: LeadStatus;
  /** ISO 8601. */
  created: string;
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
    const lead: SandboxLead = {
      id,
      outboundId,
      ...input,
      status: LEAD_STATUSES.New,
      created: new Date(now).toISOString(),
    };
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
    const { statuses } = query;
    if (statuses !== null && statuses.length > 0)
      leads = leads.filter((lead) => statuses.includes(lead.status));
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
