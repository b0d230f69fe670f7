import http from 'node:http';
import https from 'node:https';
import got, { RequestError, type Got, type Response } from 'got';
import { SecretRedactor } from '../redact.js';
import type { LeadBody } from '../types.js';
import {
  describeHttpFailure,
  parseLeadId,
  parseLeadPage,
  parseLeadView,
  type ApiAnswer,
} from './api-answer.js';
import type { LeadPage, LeadPatch, LeadView, NlpearlApi } from './nlpearl-api.js';

export interface NlpearlClientOptions {
  readonly apiUrl: string;
  /** `AccountId:SecretKey`; only ever placed in the Authorization header. */
  readonly token: string;
  readonly outboundId: string;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** Sizes the keep-alive pool: one socket per request in flight. */
  readonly concurrency: number;
}

/**
 * NLPearl's calls, one attempt each: retrying is the caller's decision. Answers are data (`ApiAnswer`);
 * nothing here throws for an HTTP status or a network fault.
 */
export class NlpearlClient implements NlpearlApi {
  readonly #got: Got;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #base: string;
  /** A server that echoes our Authorization header must not put the token into a results file or a log. */
  readonly #redactor = new SecretRedactor();

  constructor(options: NlpearlClientOptions) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.concurrency,
      maxFreeSockets: options.concurrency,
    };
    this.#agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    this.#redactor.addToken(options.token);
    this.#base = `${options.apiUrl.replace(/\/+$/, '')}/v1/Outbound/${encodeURIComponent(options.outboundId)}`;
    this.#got = got.extend({
      agent: this.#agents,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json, text/plain;q=0.9',
        'user-agent': 'nlpearl-leads',
      },
      timeout: { request: options.timeoutMs },
      // Retries, redirects and status handling are ours: every attempt is counted and judged by the policy.
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      responseType: 'text',
    });
  }

  /**
   * `PUT /v1/Outbound/{outboundId}/Lead` → the new lead's id. A 2xx answer without one (the spec makes
   * `leadId` nullable) is the failure `no-lead-id`: the lead was most likely created, so it is looked up before
   * anything is sent again.
   */
  async addLead(body: LeadBody, signal?: AbortSignal): Promise<ApiAnswer<string>> {
    const answer = await this.#send('PUT', '/Lead', JSON.stringify(body), signal);
    if (!answer.ok) return answer;
    const leadId = parseLeadId(answer.value.body);
    if (leadId !== undefined) return { ok: true, value: leadId };
    const status = answer.value.statusCode;
    return {
      ok: false,
      failure: { kind: 'no-lead-id', status },
      message: `HTTP ${status} without a leadId`,
    };
  }

  /**
   * `POST /v1/Outbound/{outboundId}/Leads` with limit 1: proves the token and the outbound id, cheaply, and
   * tells how many leads the campaign holds.
   */
  async checkAccess(signal?: AbortSignal): Promise<ApiAnswer<number>> {
    const answer = await this.searchLeads({ skip: 0, limit: 1 }, signal);
    return answer.ok ? { ok: true, value: answer.value.count } : answer;
  }

  /** `POST /v1/Outbound/{outboundId}/Leads`: one page of leads, oldest first. */
  async searchLeads(
    page: { skip: number; limit: number; searchInput?: string },
    signal?: AbortSignal,
  ): Promise<ApiAnswer<LeadPage>> {
    const body = JSON.stringify({ ...page, isAscending: true });
    const answer = await this.#send('POST', '/Leads', body, signal);
    if (!answer.ok) return answer;
    const parsed = parseLeadPage(answer.value.body);
    if (parsed !== undefined) return { ok: true, value: parsed };
    return {
      ok: false,
      failure: { kind: 'http', status: 502 },
      message: `HTTP ${answer.value.statusCode}: Search Leads answered without {count, results}`,
    };
  }

  /**
   * The lead already in the campaign for this body: `GET …/Lead/External/{externalId}` when it has one (what
   * the API answers for "none" is undocumented, 404 or 400: both mean not found), else Search Leads by its
   * phone number, keeping only an exact match.
   */
  async findLead(body: LeadBody, signal?: AbortSignal): Promise<ApiAnswer<string | undefined>> {
    if (body.externalId === undefined) return this.#findByPhone(body.phoneNumber, signal);
    const path = `/Lead/External/${encodeURIComponent(body.externalId)}`;
    const answer = await this.#send('GET', path, undefined, signal);
    if (answer.ok) return { ok: true, value: parseLeadId(answer.value.body) };
    const { failure } = answer;
    if (failure.kind === 'http' && (failure.status === 404 || failure.status === 400)) {
      return { ok: true, value: undefined };
    }
    return answer;
  }

  async #findByPhone(phone: string, signal?: AbortSignal): Promise<ApiAnswer<string | undefined>> {
    const digits = phone.replace(/\D/g, '');
    const answer = await this.searchLeads({ skip: 0, limit: 20, searchInput: digits }, signal);
    if (!answer.ok) return answer;
    const match = answer.value.results.find((lead) => lead.phoneNumber.replace(/\D/g, '') === digits);
    return { ok: true, value: match?.id };
  }

  /**
   * `PUT /v1/Outbound/{outboundId}/Lead/{leadId}`: only the fields given change (a changed body, or `status`
   * 130 Completed so the campaign stops calling the lead). Idempotent, so it is safe to retry.
   */
  async updateLead(leadId: string, patch: LeadPatch, signal?: AbortSignal): Promise<ApiAnswer<true>> {
    const answer = await this.#send(
      'PUT',
      `/Lead/${encodeURIComponent(leadId)}`,
      JSON.stringify(patch),
      signal,
    );
    return answer.ok ? { ok: true, value: true } : answer;
  }

  /** `DELETE /v1/Outbound/{outboundId}/Leads` with `{leadIds}`. Deleting a lead twice is harmless. */
  async deleteLeads(leadIds: readonly string[], signal?: AbortSignal): Promise<ApiAnswer<true>> {
    const answer = await this.#send('DELETE', '/Leads', JSON.stringify({ leadIds }), signal);
    if (!answer.ok) return answer;
    // The endpoint answers `true`; a `false` says the leads were not removed, whatever the status.
    if (answer.value.body.trim() === 'false') {
      return {
        ok: false,
        failure: { kind: 'http', status: 502 },
        message: `HTTP ${answer.value.statusCode}: Delete Leads answered false`,
      };
    }
    return { ok: true, value: true };
  }

  /** `GET /v1/Outbound/{outboundId}/Lead/{leadId}` → the lead as the campaign holds it; undefined on 404. */
  async getLead(leadId: string, signal?: AbortSignal): Promise<ApiAnswer<LeadView | undefined>> {
    const answer = await this.#send('GET', `/Lead/${encodeURIComponent(leadId)}`, undefined, signal);
    if (!answer.ok) {
      const { failure } = answer;
      return failure.kind === 'http' && failure.status === 404 ? { ok: true, value: undefined } : answer;
    }
    const view = parseLeadView(answer.value.body);
    if (view !== undefined) return { ok: true, value: view };
    return {
      ok: false,
      failure: { kind: 'http', status: 502 },
      message: `HTTP ${answer.value.statusCode}: Get Lead answered without a lead`,
    };
  }

  /** Closes the keep-alive sockets, so the process can exit. */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #send(
    method: 'PUT' | 'POST' | 'GET' | 'DELETE',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ApiAnswer<Response<string>>> {
    let response: Response<string>;
    try {
      response = await this.#got(this.#base + path, {
        method,
        body,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        signal,
      });
    } catch (error) {
      // Only the code and got's own short message: the error object holds our options, headers included.
      const code = error instanceof RequestError ? error.code : 'ERR_NETWORK';
      const text = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        failure: { kind: 'network', code },
        message: this.#redactor.redact(`${code}: ${text}`),
      };
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, value: response };
    return {
      ok: false,
      failure: { kind: 'http', status, retryAfter: response.headers['retry-after'] },
      message: this.#redactor.redact(describeHttpFailure(status, response.body)),
    };
  }
}
