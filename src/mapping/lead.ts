import { z } from 'zod';
import type { LeadBody } from '../types.js';
import type { ColumnMapping } from './columns.js';
import { readDoNotCall } from './do-not-call.js';
import { choosePhone } from './phone-columns.js';
import { asText, normalizePhone } from './phone.js';
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

/**
 * What a row comes to. `ok`: the body to send, and the column its phone number came from (for the summary's
 * count per phone column). Not ok: why it cannot be sent, naming the input column at fault when there is one;
 * with `skip`, the row is not invalid but must not be sent at all (status `skipped`, the reason as its error).
 */
export type MapResult =
  | { ok: true; body: LeadBody; phoneColumn: number }
  | { ok: false; reason: string; column?: number | undefined; skip?: undefined }
  | { ok: false; skip: 'do-not-call'; reason: string; column: number };

// An id that Excel read as a number and wrote back in its "General" format: "4.87688E+18". Only that shape (one
// digit, then "E+"): CRM ids such as Salesforce's "0035e00000…" mix digits and an "e" too.
const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?e\+\d+$/i;

/**
 * Turns one record's cells into an Add Lead body, or says why the row cannot be sent. Empty cells are left
 * out rather than sent as "" (NLPearl then applies the campaign's defaults). A reason names columns but never
 * repeats a cell: it goes to logs and reports, and the cells are in the results file beside it.
 */
export function mapRecord(
  cells: readonly string[],
  mapping: ColumnMapping,
  options: LeadMappingOptions = {},
): MapResult {
  const cell = (index: number | undefined) => (index === undefined ? '' : (cells[index] ?? '').trim());

  // First: a person who must not be called is skipped whatever else the row holds.
  if (mapping.doNotCall.honoured) {
    for (const { index, name } of mapping.doNotCall.columns) {
      const value = cell(index);
      if (value === '') continue;
      const flagged = readDoNotCall(value);
      if (flagged === true) {
        return {
          ok: false,
          skip: 'do-not-call',
          reason: `do not call (marked in column "${name}")`,
          column: index,
        };
      }
      if (flagged === undefined) {
        return {
          ok: false,
          reason: `column "${name}": the value is neither true nor false, so whether this person may be called is unclear; write true or false (yes/no, 1/0)`,
          column: index,
        };
      }
    }
  }

  const phoneCell = choosePhone(cells, mapping.phones);
  if (phoneCell === undefined)
    return { ok: false, reason: noPhone(mapping), column: mapping.phones[0]?.index };
  if (phoneCell.text === '') {
    const reason =
      phoneCell.type === undefined
        ? 'no number to call: the labels in the cell name only numbers not to dial (a fax or a pager)'
        : "no number to call: the row's type for its number is one not to dial (a fax or a pager)";
    return { ok: false, reason, column: phoneCell.column };
  }
  const phone = normalizePhone(phoneCell.text, {
    defaultCountry: options.defaultCountry,
    keepAsWritten: options.keepPhone,
  });
  if (!phone.ok) return { ok: false, reason: phone.reason, column: phoneCell.column };
  const body: LeadBody = { phoneNumber: phone.value };

  const externalId = cell(mapping.externalId);
  if (externalId !== '') {
    if (EXCEL_SCIENTIFIC.test(externalId)) {
      return {
        ok: false,
        reason:
          'externalId was turned into a number in scientific notation by a spreadsheet ' +
          `program, which dropped digits, so different rows may now share it; ${asText('externalId')}`,
        column: mapping.externalId,
      };
    }
    body.externalId = externalId;
  }

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
      // `column "Opted In" (optedIn, boolean): the value is not …`: the key only when it differs from the column.
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
  return { ok: true, body, phoneColumn: phoneCell.column };
}

/** "no phone number", naming the empty columns when there are several. */
function noPhone(mapping: ColumnMapping): string {
  const { phones } = mapping;
  if (phones.length <= 1) return 'no phone number';
  const shown = phones.slice(0, 3).map((phone) => `"${phone.name}"`);
  const more = phones.length > 3 ? ` and ${phones.length - 3} more` : '';
  return `no phone number (empty: ${shown.join(', ')}${more})`;
}
