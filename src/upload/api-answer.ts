import type { LeadPage, LeadView } from './nlpearl-api.js';
import type { AttemptFailure } from './retry-policy.js';

/** What one HTTP attempt came to: a value, or a failure the retry policy can judge and a user can read. */
export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure; message: string };

const MAX_MESSAGE = 300;

/**
 * The user-facing text of a failed answer. A 400 carries an ASP.NET ValidationProblemDetails whose `errors`
 * say what was wrong with the lead; other bodies may be empty or not JSON at all.
 */
export function describeHttpFailure(status: number, body: string): string {
  const detail = problemDetails(body);
  const prefix = `HTTP ${status}`;
  if (detail !== undefined) return clip(`${prefix}: ${detail}`);
  switch (status) {
    case 401:
    case 403:
      return `${prefix}: credentials rejected`;
    case 404:
      return `${prefix}: outbound not found`;
    case 429:
      return `${prefix}: rate limited`;
    default: {
      const text = oneLine(body);
      return clip(text === '' ? prefix : `${prefix}: ${text}`);
    }
  }
}

function problemDetails(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  const parsed = jsonObject(body);
  if (parsed === undefined) return undefined;
  const problem = parsed as { errors?: unknown; title?: unknown; detail?: unknown; message?: unknown };
  if (typeof problem.errors === 'object' && problem.errors !== null) {
    const messages = Object.entries(problem.errors as Record<string, unknown>).flatMap(([field, value]) => {
      const list = Array.isArray(value) ? value : [value];
      return list.map((message) => `${field}: ${String(message)}`);
    });
    if (messages.length > 0) return oneLine(messages.join('; '));
  }
  for (const text of [problem.detail, problem.title, problem.message]) {
    if (typeof text === 'string' && text.trim() !== '') return oneLine(text);
  }
  return undefined;
}

/** Reads a leadId from `{"leadId": "..."}` or, as the API also documents, a bare text/plain id. */
export function parseLeadId(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  if (text.startsWith('{') || text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed.trim() || undefined;
      if (typeof parsed === 'object' && parsed !== null) {
        const { leadId, id } = parsed as { leadId?: unknown; id?: unknown };
        const value = leadId ?? id;
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
  return /^[\w.:-]{1,200}$/.test(text) ? text : undefined;
}

/** Reads Search Leads' `{count, results: [{id, phoneNumber, …}]}`; undefined when it is not that. */
export function parseLeadPage(body: string): LeadPage | undefined {
  const parsed = jsonObject(body);
  if (parsed === undefined) return undefined;
  const { count, results } = parsed as { count?: unknown; results?: unknown };
  if (typeof count !== 'number' || !Array.isArray(results)) return undefined;
  const leads = (results as unknown[]).map(toLeadView).filter((lead) => lead !== undefined);
  return { count, results: leads };
}

/** Reads Get Lead's lead view; undefined when it is not one. */
export function parseLeadView(body: string): LeadView | undefined {
  return toLeadView(jsonObject(body));
}

/** The body as a JSON object; undefined when it is not JSON, or not an object. */
function jsonObject(body: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function toLeadView(item: unknown): LeadView | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const lead = item as Record<string, unknown>;
  if (typeof lead.id !== 'string' || typeof lead.phoneNumber !== 'string') return undefined;
  return {
    id: lead.id,
    phoneNumber: lead.phoneNumber,
    externalId: typeof lead.externalId === 'string' ? lead.externalId : null,
    status: typeof lead.status === 'number' || typeof lead.status === 'string' ? lead.status : null,
    timeZone: typeof lead.timeZone === 'number' || typeof lead.timeZone === 'string' ? lead.timeZone : null,
    callData:
      typeof lead.callData === 'object' && lead.callData !== null
        ? (lead.callData as Record<string, unknown>)
        : null,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
