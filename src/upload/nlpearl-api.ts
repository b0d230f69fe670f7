import type { LeadBody } from '../types.js';
import type { ApiAnswer } from './api-answer.js';

/** A lead as Search Leads and Get Lead describe it (note `id`, not `leadId`). */
export interface LeadView {
  readonly id: string;
  readonly externalId: string | null;
  readonly phoneNumber: string;
  /** NLPearl's status code (1 New, 100 Success, 130 Completed, …). */
  readonly status: number | string | null;
  /** An offset in hours, not the Windows id that was sent. */
  readonly timeZone: number | string | null;
  readonly callData: Record<string, unknown> | null;
}

/** What Update Lead changes: only the fields given. */
export interface LeadPatch {
  readonly phoneNumber?: string;
  readonly externalId?: string;
  readonly timeZoneId?: string;
  readonly callData?: Record<string, string | number | boolean>;
  readonly status?: number;
}

export interface LeadPage {
  /** Every lead matching, not only this page's. */
  readonly count: number;
  readonly results: readonly LeadView[];
}

/** The calls that send one lead; tests pass their own. */
export interface LeadApi {
  /** Add Lead → the new lead's id; a 2xx answer without one is the failure `no-lead-id`. */
  addLead(body: LeadBody, signal?: AbortSignal): Promise<ApiAnswer<string>>;
  /**
   * The id of a lead already in the campaign for this body: by externalId when it has one, else by phone
   * number (Search Leads); undefined when there is none.
   */
  findLead(body: LeadBody, signal?: AbortSignal): Promise<ApiAnswer<string | undefined>>;
}

/** Everything a run asks of NLPearl. */
export interface NlpearlApi extends LeadApi {
  /** One cheap call (Search Leads, limit 1) that proves the token and the outbound id → the campaign's count. */
  checkAccess(signal?: AbortSignal): Promise<ApiAnswer<number>>;
  /** One page of Search Leads, oldest first. The server may return fewer results than `limit`. */
  searchLeads(
    page: { skip: number; limit: number; searchInput?: string },
    signal?: AbortSignal,
  ): Promise<ApiAnswer<LeadPage>>;
  updateLead(leadId: string, patch: LeadPatch, signal?: AbortSignal): Promise<ApiAnswer<true>>;
  deleteLeads(leadIds: readonly string[], signal?: AbortSignal): Promise<ApiAnswer<true>>;
  /** Undefined when no lead has this id. */
  getLead(leadId: string, signal?: AbortSignal): Promise<ApiAnswer<LeadView | undefined>>;
  /** Closes the keep-alive sockets. */
  close(): void;
}
