import { randomBytes } from 'node:crypto';
import type { LeadSelection } from './control-bodies.js';
import type { AddLeadInput, UpdateLeadInput } from './lead-bodies.js';
import { LEAD_STATUSES } from './lead-status.js';
import type { LeadStatus } from './lead-status.js';

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
  /** ISO 8601. Never earlier than the lead created before it, so creation order is `created` order. */
  created: string;
  /** `api` for Add Lead; `platform` for a lead added as if by hand on the platform (`initialLeads`, …). */
  origin: 'api' | 'platform';
}

/**
 * Every lead the campaigns hold, indexed so that lookups stay O(1) however many leads a benchmark creates. With
 * `keep` false it only counts the leads Add Lead creates: a million-row benchmark then costs the sandbox no
 * memory, but Get Lead, Update Lead and Search Leads answer as if those leads did not exist.
 */
export class LeadsStore {
  /** The leads held, in creation order; changed in place so that references handed out stay current. */
  readonly all: SandboxLead[] = [];
  /** The leads Delete Leads removed, in removal order; changed in place too. */
  readonly removed: SandboxLead[] = [];
  readonly #byId = new Map<string, SandboxLead>();
  /** Every lead with that externalId, in creation order: Get Lead by externalId answers the latest. */
  readonly #byExternalId = new Map<string, SandboxLead[]>();
  readonly #byOutbound = new Map<string, SandboxLead[]>();
  // ObjectId-like ids: a random per-store prefix and a counter keep them unique without a random draw per lead.
  readonly #idPrefix = randomBytes(5).toString('hex');
  #counter = 0;
  #created = 0;
  #lastCreatedMs = 0;
  /** Copies of the leads `reset()` brings back, as they were when `keepAsInitial()` was called. */
  #initial: SandboxLead[] = [];

  constructor(readonly keep = true) {}

  /** Leads created by Add Lead since the last `reset()`, kept or not. */
  get created(): number {
    return this.#created;
  }

  /** Add Lead: creates a New lead, kept or only counted. */
  add(outboundId: string, input: AddLeadInput, now: number): SandboxLead {
    this.#created += 1;
    const lead = this.#make(outboundId, input, now, 'api', LEAD_STATUSES.New);
    if (this.keep) this.#hold(lead);
    return lead;
  }

  /** A lead as if added by hand on the platform: not counted in `created`; held even when `keep` is false. */
  addByHand(outboundId: string, input: AddLeadInput, status: LeadStatus, now: number): SandboxLead {
    const lead = this.#make(outboundId, input, now, 'platform', status);
    this.#hold(lead);
    return lead;
  }

  #make(
    outboundId: string,
    input: AddLeadInput,
    now: number,
    origin: SandboxLead['origin'],
    status: LeadStatus,
  ): SandboxLead {
    this.#counter = (this.#counter + 1) % 0x1000000;
    // A clock that steps back must not reorder leads: Search Leads sorts by `created`.
    const ms = (this.#lastCreatedMs = Math.max(now, this.#lastCreatedMs));
    const seconds = Math.floor(ms / 1000)
      .toString(16)
      .padStart(8, '0');
    const id = `${seconds}${this.#idPrefix}${this.#counter.toString(16).padStart(6, '0')}`;
    return { id, outboundId, ...input, status, created: new Date(ms).toISOString(), origin };
  }

  #hold(lead: SandboxLead): void {
    this.all.push(lead);
    this.#byId.set(lead.id, lead);
    if (lead.externalId !== null) listAt(this.#byExternalId, externalKey(lead)).push(lead);
    listAt(this.#byOutbound, lead.outboundId).push(lead);
  }

  byId(outboundId: string, id: string): SandboxLead | undefined {
    const lead = this.#byId.get(id);
    return lead?.outboundId === outboundId ? lead : undefined;
  }

  /** The latest lead with that externalId. */
  byExternalId(outboundId: string, externalId: string): SandboxLead | undefined {
    return this.#byExternalId.get(`${outboundId}\u0000${externalId}`)?.at(-1);
  }

  /** Every lead of the outbound with that externalId, in creation order. */
  allByExternalId(outboundId: string, externalId: string): readonly SandboxLead[] {
    return this.#byExternalId.get(`${outboundId}\u0000${externalId}`) ?? [];
  }

  /** The outbound's leads in creation order (the store's own array: do not change it). */
  inOutbound(outboundId: string): readonly SandboxLead[] {
    return this.#byOutbound.get(outboundId) ?? [];
  }

  /** The held leads a selection names: unknown ids are left out; a count takes the first leads held. */
  select(selection: LeadSelection, defaultOutboundId: string): SandboxLead[] {
    if ('leadIds' in selection) {
      return selection.leadIds.flatMap((id) => this.#byId.get(id) ?? []);
    }
    return this.inOutbound(selection.outboundId ?? defaultOutboundId).slice(0, selection.count);
  }

  /** Applies the values given; a new externalId moves the lead in that index, keeping creation order. */
  update(lead: SandboxLead, changes: UpdateLeadInput): void {
    const { externalId } = changes;
    if (externalId !== undefined && externalId !== lead.externalId) {
      if (lead.externalId !== null) this.#unindexExternal(lead);
      lead.externalId = externalId;
      const list = listAt(this.#byExternalId, externalKey(lead));
      list.push(lead);
      list.sort(byCreation);
    }
    if (changes.phoneNumber !== undefined) lead.phoneNumber = changes.phoneNumber;
    if (changes.timeZoneId !== undefined) lead.timeZoneId = changes.timeZoneId;
    if (changes.callData !== undefined) lead.callData = changes.callData;
    if (changes.status !== undefined) lead.status = changes.status;
  }

  /** Removes these held leads. O(leads held) per call, so callers remove a whole request's leads at once. */
  remove(leads: readonly SandboxLead[]): void {
    const gone = new Set(leads.filter((lead) => this.#byId.get(lead.id) === lead));
    if (gone.size === 0) return;
    const outbounds = new Set<string>();
    for (const lead of gone) {
      this.#byId.delete(lead.id);
      if (lead.externalId !== null) this.#unindexExternal(lead);
      outbounds.add(lead.outboundId);
      this.removed.push(lead);
    }
    keepInPlace(this.all, (lead) => !gone.has(lead));
    for (const outboundId of outbounds) {
      const list = this.#byOutbound.get(outboundId);
      if (list !== undefined) keepInPlace(list, (lead) => !gone.has(lead));
    }
  }

  #unindexExternal(lead: SandboxLead): void {
    const key = externalKey(lead);
    const list = this.#byExternalId.get(key);
    if (list === undefined) return;
    keepInPlace(list, (other) => other !== lead);
    if (list.length === 0) this.#byExternalId.delete(key);
  }

  /** Makes the leads held now the ones `reset()` brings back. */
  keepAsInitial(): void {
    this.#initial = this.all.map(copyOf);
  }

  /**
   * Forgets every lead, held and removed, and the count of created ones, then holds again copies of the
   * initial leads, with their ids, statuses and callData as they were when kept.
   */
  reset(): void {
    this.#created = 0;
    this.all.length = 0;
    this.removed.length = 0;
    this.#byId.clear();
    this.#byExternalId.clear();
    this.#byOutbound.clear();
    for (const lead of this.#initial) this.#hold(copyOf(lead));
  }
}

function copyOf(lead: SandboxLead): SandboxLead {
  return { ...lead, callData: lead.callData === null ? null : { ...lead.callData } };
}

function externalKey(lead: SandboxLead): string {
  return `${lead.outboundId}\u0000${lead.externalId}`;
}

function listAt<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

export function byCreation(a: SandboxLead, b: SandboxLead): number {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Drops the items that fail `keep`, in one pass, keeping the order and the array's identity. */
function keepInPlace<T>(array: T[], keep: (item: T) => boolean): void {
  let kept = 0;
  for (const item of array) if (keep(item)) array[kept++] = item;
  array.length = kept;
}
