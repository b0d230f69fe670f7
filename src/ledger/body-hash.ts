import { createHash } from 'node:crypto';
import type { LeadBody } from '../types.js';

type CallDataValue = string | number | boolean;

/**
 * A stable hash of an Add Lead body as sent: sha256 of a canonical JSON form, in base64url (43 characters).
 * Two bodies that send the same lead hash the same, so a re-formatted cell is not a change: the caller passes
 * the body the mapping produced (phone already E.164, time zone already the Windows id), and here
 * - callData keys are sorted, and the fields are written in one fixed order;
 * - a field that is absent, null or "" is left out, and so is callData without any value left: NLPearl
 *   treats them all as "not given" (empty cells are never sent);
 * - values keep their JSON type: `7` (an int column) and `"7"` (a string one) are different bodies.
 * Changing this normalisation changes every hash, which makes every known lead look changed once: don't.
 */
export function hashLeadBody(body: LeadBody): string {
  return createHash('sha256').update(canonicalBody(body)).digest('base64url');
}

/** The text that is hashed: exported for tests and for anyone checking a hash by hand. */
export function canonicalBody(body: LeadBody): string {
  const canonical: Record<string, unknown> = { phoneNumber: body.phoneNumber };
  if (given(body.externalId)) canonical.externalId = body.externalId;
  if (given(body.timeZoneId)) canonical.timeZoneId = body.timeZoneId;
  const callData = sortedCallData(body.callData);
  if (callData !== undefined) canonical.callData = callData;
  return JSON.stringify(canonical);
}

function sortedCallData(
  callData: Readonly<Record<string, CallDataValue | null | undefined>> | null | undefined,
): Record<string, CallDataValue> | undefined {
  if (callData === undefined || callData === null) return undefined;
  const sorted: Record<string, CallDataValue> = {};
  let any = false;
  // Code-unit order, the same on every machine and locale (localeCompare is not).
  for (const key of Object.keys(callData).sort()) {
    const value = callData[key];
    if (!given(value)) continue;
    sorted[key] = value;
    any = true;
  }
  return any ? sorted : undefined;
}

function given<T>(value: T | null | undefined | ''): value is T {
  return value !== undefined && value !== null && value !== '';
}
