import { randomBytes } from 'node:crypto';

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

export interface AddLeadInput {
  phoneNumber: string;
  externalId: string | null;
  timeZoneId: string | null;
  callData: Record<string, unknown> | null;
}

export interface SearchQuery {
  skip: number;
  limit: number;
  sortProp: string | null;
  isAscending: boolean;
  statuses: unknown[] | null;
  searchInput: string | null;
}

/** ASP.NET's ValidationProblemDetails, the body of NLPearl's 400 answers. */
export interface ValidationProblem {
  type: string;
  title: string;
  status: 400;
  errors: Record<string, string[]>;
  traceId: string;
}

/** A request body as read from the wire: absent, not JSON, or a parsed JSON value. */
export type JsonBody =
  { kind: 'empty' } | { kind: 'malformed'; message: string } | { kind: 'json'; value: unknown };

export type Validated<T> = { ok: true; value: T } | { ok: false; problem: ValidationProblem };

const E164 = /^\+\d{7,15}$/;

export function readJson(text: string): JsonBody {
  if (text.length === 0) return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'malformed', message: (error as Error).message };
  }
}

export function problem(errors: Record<string, string[]>): ValidationProblem {
  return {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
    traceId: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`,
  };
}

/** The messages System.Text.Json and ASP.NET model binding give for a body that is missing or unreadable. */
function bindingProblem(body: JsonBody, requestType: string): ValidationProblem | undefined {
  if (body.kind === 'empty') return problem({ '': ['A non-empty request body is required.'] });
  if (body.kind === 'malformed') {
    return problem({
      $: [`The JSON value could not be parsed. ${body.message}`],
      request: [requiredField('request')],
    });
  }
  const { value } = body;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return problem({ $: [notConvertible(requestType, '$')], request: [requiredField('request')] });
  }
  return undefined;
}

const requiredField = (name: string): string => `The ${name} field is required.`;
const notConvertible = (type: string, path: string): string =>
  `The JSON value could not be converted to ${type}. Path: ${path}`;

/** Returns the string, null when absent, or an error added to `errors` under the JSON path ASP.NET would use. */
function optionalString(record: Record<string, unknown>, key: string, errors: Record<string, string[]>) {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  errors[`$.${key}`] = [notConvertible('System.String', `$.${key}`)];
  return null;
}

export function validateAddLead(body: JsonBody): Validated<AddLeadInput> {
  const bindingError = bindingProblem(body, 'NLPearl.Api.Models.AddLeadRequest');
  if (bindingError !== undefined) return { ok: false, problem: bindingError };
  const record = (body as { value: Record<string, unknown> }).value;
  const errors: Record<string, string[]> = {};

  const phoneNumber = optionalString(record, 'phoneNumber', errors);
  const externalId = optionalString(record, 'externalId', errors);
  const timeZoneId = optionalString(record, 'timeZoneId', errors);
  let callData: Record<string, unknown> | null = null;
  const rawCallData = record.callData;
  if (rawCallData !== undefined && rawCallData !== null) {
    if (typeof rawCallData !== 'object' || Array.isArray(rawCallData)) {
      errors['$.callData'] = [notConvertible('System.Collections.Generic.Dictionary', '$.callData')];
    } else {
      callData = rawCallData as Record<string, unknown>;
      for (const [key, value] of Object.entries(callData)) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) {
          errors[`$.callData.${key}`] = [
            `The value of callData "${key}" must be a string, a number or a boolean.`,
          ];
        }
      }
    }
  }
  // [Required] on a string also rejects the empty string, with the same message.
  if (phoneNumber === null || phoneNumber === '') {
    if (errors['$.phoneNumber'] === undefined) errors.PhoneNumber = [requiredField('PhoneNumber')];
  } else if (!E164.test(phoneNumber)) {
    errors.PhoneNumber = [`The phone number "${phoneNumber}" is not a valid E.164 number.`];
  }
  if (Object.keys(errors).length > 0) return { ok: false, problem: problem(errors) };
  return { ok: true, value: { phoneNumber: phoneNumber!, externalId, timeZoneId, callData } };
}

export function validateSearch(body: JsonBody): Validated<SearchQuery> {
  const bindingError = bindingProblem(body, 'NLPearl.Api.Models.SearchLeadsRequest');
  if (bindingError !== undefined) return { ok: false, problem: bindingError };
  const record = (body as { value: Record<string, unknown> }).value;
  const errors: Record<string, string[]> = {};
  // C# value types default to 0 and false when the property is absent.
  const integer = (key: string): number => {
    const value = record[key] ?? 0;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    errors[`$.${key}`] = [notConvertible('System.Int32', `$.${key}`)];
    return 0;
  };
  const skip = integer('skip');
  const limit = integer('limit');
  const isAscending = record.isAscending ?? false;
  if (typeof isAscending !== 'boolean')
    errors['$.isAscending'] = [notConvertible('System.Boolean', '$.isAscending')];
  const statuses = record.statuses ?? null;
  if (statuses !== null && !Array.isArray(statuses)) {
    errors['$.statuses'] = [notConvertible('System.Collections.Generic.List', '$.statuses')];
  }
  const sortProp = optionalString(record, 'sortProp', errors);
  const searchInput = optionalString(record, 'searchInput', errors);
  if (Object.keys(errors).length > 0) return { ok: false, problem: problem(errors) };
  return {
    ok: true,
    value: {
      skip,
      limit,
      sortProp,
      isAscending: isAscending === true,
      statuses: statuses as unknown[] | null,
      searchInput,
    },
  };
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
