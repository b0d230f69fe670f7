import { z } from 'zod';
import type { AddLeadInput } from './lead-bodies.js';
import { isLeadStatus } from './lead-status.js';
import type { LeadStatus } from './lead-status.js';
import { E164 } from './validation.js';

/** A lead as a person adds it on the platform: `initialLeads`, `addLeads()` and `POST /_sandbox/leads`. */
export interface PlatformLead {
  /** Default: the sandbox's first outbound. */
  readonly outboundId?: string;
  /** E.164, as the API's own leads. */
  readonly phoneNumber: string;
  readonly externalId?: string | null;
  readonly timeZoneId?: string | null;
  readonly callData?: Readonly<Record<string, string | number | boolean>> | null;
  /** Default 1 (New). */
  readonly status?: LeadStatus;
}

/** Which leads `setLeadStatus()` and `POST /_sandbox/lead-status` change. */
export type LeadSelection =
  | { readonly leadIds: readonly string[] }
  /** The first `count` leads the outbound holds (default: the first outbound), in creation order. */
  | { readonly count: number; readonly outboundId?: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** A platform lead, checked, with its outbound resolved. */
export interface PlacedLead {
  outboundId: string;
  input: AddLeadInput;
  status: LeadStatus;
}

const status = z.number().refine(isLeadStatus, {
  message: 'expected a documented lead status (1, 10, 20, 30, 40, 70, 100, 110, 130, 150 or 500)',
});

const platformLeadSchema = z.strictObject({
  outboundId: z.string().min(1).optional(),
  phoneNumber: z.string().regex(E164, 'expected an E.164 number such as +12125550100'),
  externalId: z.string().nullish(),
  timeZoneId: z.string().nullish(),
  callData: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullish(),
  status: status.optional(),
});

const byIdsSchema = z.strictObject({ leadIds: z.array(z.string()), status });
const byCountSchema = z.strictObject({
  count: z.number().int().min(0),
  outboundId: z.string().min(1).optional(),
  status,
});

function issuesOf(error: z.ZodError, what: string): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
}

/** Checks an array of platform leads; each names a known outbound or gets the first one. */
export function parsePlatformLeads(input: unknown, outbounds: readonly string[]): Parsed<PlacedLead[]> {
  const parsed = z.array(platformLeadSchema).safeParse(input);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error, 'leads') };
  const issues: string[] = [];
  const value = parsed.data.map((lead, index): PlacedLead => {
    const outboundId = lead.outboundId ?? outbounds[0] ?? '';
    if (!outbounds.includes(outboundId)) issues.push(`${index}.outboundId: unknown outbound "${outboundId}"`);
    const input: AddLeadInput = {
      phoneNumber: lead.phoneNumber,
      externalId: lead.externalId ?? null,
      timeZoneId: lead.timeZoneId ?? null,
      callData: lead.callData ?? null,
    };
    return { outboundId, input, status: lead.status ?? 1 };
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

/** Checks `{status, leadIds}` or `{status, count, outboundId?}`. */
export function parseLeadSelection(input: unknown): Parsed<{ selection: LeadSelection; status: LeadStatus }> {
  // Picked by its key rather than a zod union, so that the issues name the field that is wrong.
  const byIds = input !== null && typeof input === 'object' && 'leadIds' in input;
  const parsed = (byIds ? byIdsSchema : byCountSchema).safeParse(input);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error, 'lead-status') };
  const { status: chosen, ...selection } = parsed.data;
  return { ok: true, value: { selection, status: chosen } };
}
