import { z } from 'zod';
import type { LeadBody } from '../types.js';
import type { ColumnMapping } from './columns.js';
import { normalizePhone } from './phone.js';
import { normalizeTimeZone } from './time-zone.js';
import { convertValue } from './variable-type.js';

/** The Add Lead body as the API page documents it; every row is checked against it before it is sent. */
export const leadBodySchema = z.strictObject({
  phoneNumber: z.string().min(1),
  externalId: z.string().min(1).optional(),
  timeZoneId: z.string().min(1).optional(),
  callData: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export interface LeadMappingOptions {
  readonly defaultCountry?: string | undefined;
  readonly keepPhone?: boolean | undefined;
}

/** A failure names the input column at fault when there is one, for the validation report. */
export type MapResult =
  { ok: true; body: LeadBody } | { ok: false; reason: string; column?: number | undefined };

/**
 * Turns one record's cells into an Add Lead body, or says why the row cannot be sent. Empty cells are left
 * out rather than sent as "" (NLPearl then applies the campaign's defaults).
 */
export function mapRecord(
  cells: readonly string[],
  mapping: ColumnMapping,
  options: LeadMappingOptions = {},
): MapResult {
  const cell = (index: number | undefined) => (index === undefined ? '' : (cells[index] ?? '').trim());

  const rawPhone = cell(mapping.phone);
  if (rawPhone === '') return { ok: false, reason: 'no phone number', column: mapping.phone };
  const phone = normalizePhone(rawPhone, {
    defaultCountry: options.defaultCountry,
    keepAsWritten: options.keepPhone,
  });
  if (!phone.ok) return { ok: false, reason: phone.reason, column: mapping.phone };
  const body: LeadBody = { phoneNumber: phone.value };

  const externalId = cell(mapping.externalId);
  if (externalId !== '') body.externalId = externalId;

  const rawTimeZone = cell(mapping.timeZone);
  if (rawTimeZone !== '') {
    const timeZone = normalizeTimeZone(rawTimeZone);
    if (!timeZone.ok) return { ok: false, reason: timeZone.reason, column: mapping.timeZone };
    body.timeZoneId = timeZone.value;
  }

  let callData: Record<string, string | number | boolean> | undefined;
  for (const column of mapping.callData) {
    const value = cell(column.index);
    if (value === '') continue;
    const converted = convertValue(value, column.type);
    if (!converted.ok) {
      // `column "Opted In" (optedIn, boolean): "x" is not …`: the key only when it differs from the column.
      const of = column.key === column.column ? column.type : `${column.key}, ${column.type}`;
      return {
        ok: false,
        reason: `column "${column.column}" (${of}): ${converted.reason}`,
        column: column.index,
      };
    }
    callData ??= {};
    callData[column.key] = converted.value;
  }
  if (callData !== undefined) body.callData = callData;

  const checked = leadBodySchema.safeParse(body);
  if (!checked.success) {
    return {
      ok: false,
      reason: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { ok: true, body };
}
