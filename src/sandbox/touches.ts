/** How often Update Lead and Delete Leads named one lead. */
export interface LeadTouches {
  updates: number;
  deletes: number;
}

/** What tests read to prove that each lead was updated or deleted once (`Sandbox.touches()`). */
export interface SandboxTouches {
  /**
   * Per leadId: each time an Update Lead or Delete Leads request named it, and each lead a Delete Leads by
   * externalId removed. Counted once the request passed authentication, the outbound check and validation,
   * whether the lead was there or not, so a second Delete of a removed lead shows.
   */
  leads: Record<string, LeadTouches>;
  /** Per externalId (in any outbound): each time a Delete Leads by externalId request named it, found or not. */
  externalDeletes: Record<string, number>;
}

/** Counts only Update and Delete requests, so Add Lead, the benchmarks' hot path, pays nothing. */
export class TouchCounter {
  readonly #leads = new Map<string, LeadTouches>();
  readonly #externalDeletes = new Map<string, number>();

  updated(leadId: string): void {
    this.#at(leadId).updates += 1;
  }

  deleted(leadId: string): void {
    this.#at(leadId).deletes += 1;
  }

  deletedExternal(externalId: string): void {
    this.#externalDeletes.set(externalId, (this.#externalDeletes.get(externalId) ?? 0) + 1);
  }

  #at(leadId: string): LeadTouches {
    let touches = this.#leads.get(leadId);
    if (touches === undefined) this.#leads.set(leadId, (touches = { updates: 0, deletes: 0 }));
    return touches;
  }

  /** A copy, as plain objects (Object.fromEntries makes own properties, whatever the keys). */
  snapshot(): SandboxTouches {
    return {
      leads: Object.fromEntries([...this.#leads].map(([id, touches]) => [id, { ...touches }])),
      externalDeletes: Object.fromEntries(this.#externalDeletes),
    };
  }

  clear(): void {
    this.#leads.clear();
    this.#externalDeletes.clear();
  }
}
