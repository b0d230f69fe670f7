import type { MapFile, VariableType } from '../config.js';
import { UsageError } from '../errors.js';
import { RESULT_COLUMNS } from '../results/columns.js';
import { isDoNotCallColumn } from './do-not-call.js';
import { NO_CONTEXT, headerHint, headerNames, type HeaderContext } from './header-hint.js';
import { detectPhoneColumns, type PhoneColumn } from './phone-columns.js';

export type { HeaderContext } from './header-hint.js';
export type { PhoneColumn } from './phone-columns.js';

/** Which input column feeds which part of the Add Lead body, by index into the header. */
export interface ColumnMapping {
  /** Where the phone number is read, in order of preference: per row, the first whose cell is not empty. */
  readonly phones: readonly PhoneColumn[];
  /** Said after the phone columns in the description when their cells, not their names, found them. */
  readonly phoneNote: string | undefined;
  readonly externalId: number | undefined;
  readonly timeZone: number | undefined;
  readonly callData: readonly CallDataColumn[];
  /** The columns saying that a person must not be called; never sent as callData unless named for it. */
  readonly doNotCall: DoNotCallColumns;
  /** What the run must warn about before the first row (--call-opted-out in force). */
  readonly warnings: readonly string[];
}

export interface DoNotCallColumns {
  readonly columns: readonly { readonly index: number; readonly name: string }[];
  /** False with --call-opted-out: the rows they mark are called. */
  readonly honoured: boolean;
}

export interface CallDataColumn {
  /** The callData key: the campaign's variable id, so it is kept exactly as written. */
  readonly key: string;
  readonly index: number;
  /** The column's name in the header, for messages. */
  readonly column: string;
  readonly type: VariableType;
}

export interface MappingOverrides {
  /** One column, several in order of preference (an array, or names separated by ","), as --phone takes. */
  readonly phone?: string | readonly string[] | undefined;
  readonly externalId?: string | undefined;
  readonly timeZone?: string | undefined;
  readonly callData?: readonly string[] | false | undefined;
  readonly map?: MapFile | undefined;
  /** For telling phone numbers in sampled cells (else the mapping file's). */
  readonly defaultCountry?: string | undefined;
  /** Call the rows a do-not-call column marks, with a warning. */
  readonly callOptedOut?: boolean | undefined;
}

// Names are compared after `normalizeName`, so "External ID", "external_id" and "EXTERNAL-ID" all match. Besides
// English, the names CRMs (HubSpot, Salesforce, Zoho, Pipedrive) and spreadsheets in French, German and Spanish
// give these columns. Phone columns are found by the words of their names (phone-names.ts).
const ALIASES = {
  externalId: ['externalid', 'id', 'leadid', 'contactid', 'recordid', 'personid', 'crmid'],
  timeZone: ['timezoneid', 'timezone', 'tz', 'fuseauhoraire', 'zeitzone', 'zonahoraria'],
} as const;

/** Lower case, without accents, spaces, "_" or "-": the form header names are compared in. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

const RESERVED = new Set<string>(RESULT_COLUMNS);

/**
 * Resolves the mapping from flags, a mapping file, the header and the first rows (`context`, for phone columns
 * that no name gives away and for the messages when the header looks wrong). Throws a UsageError (nothing sent
 * yet) when a named column is not in the header, or no phone column is found.
 */
export function resolveMapping(
  header: readonly string[],
  overrides: MappingOverrides = {},
  context: HeaderContext = NO_CONTEXT,
): ColumnMapping {
  const find = (column: string): number => {
    const exact = header.indexOf(column);
    return exact >= 0 ? exact : header.findIndex((name) => normalizeName(name) === normalizeName(column));
  };
  const lookup = (column: string, what: string): number => {
    const index = find(column);
    if (index >= 0) return index;
    throw new UsageError(
      `${what} column "${column}" is not in the header${headerNames(header)}${headerHint(header, context)}`,
      'COLUMN_MISSING',
    );
  };
  const detect = (aliases: readonly string[]): number | undefined => {
    for (const alias of aliases) {
      const index = header.findIndex((name) => !RESERVED.has(name) && normalizeName(name) === alias);
      if (index >= 0) return index;
    }
    return undefined;
  };

  const map = overrides.map;
  const externalIdColumn = overrides.externalId ?? map?.externalId;
  const externalId =
    externalIdColumn === undefined ? detect(ALIASES.externalId) : lookup(externalIdColumn, 'externalId');
  const timeZoneColumn = overrides.timeZone ?? map?.timeZoneId;
  const timeZone =
    timeZoneColumn === undefined ? detect(ALIASES.timeZone) : lookup(timeZoneColumn, 'timeZoneId');
  const doNotCall = header.flatMap((name, index) =>
    !RESERVED.has(name) && isDoNotCallColumn(name) ? [{ index, name }] : [],
  );

  const phoneSpec = overrides.phone ?? map?.phoneNumber;
  let phones: PhoneColumn[];
  let phoneNote: string | undefined;
  if (phoneSpec !== undefined) {
    // A name with a comma in it is one column when the header has it: "Mobile (work, direct)".
    const names =
      typeof phoneSpec !== 'string' ? phoneSpec : find(phoneSpec) >= 0 ? [phoneSpec] : phoneSpec.split(',');
    const indexes = [
      ...new Set(
        names
          .map((name) => name.trim())
          .filter((name) => name !== '')
          .map((n) => lookup(n, 'phone')),
      ),
    ];
    phones = indexes.map((index, rank) => ({ index, name: header[index] ?? '', rank }));
  } else {
    const taken = new Set([externalId, timeZone, ...doNotCall.map((column) => column.index)]);
    const usable = (index: number) => !taken.has(index) && !RESERVED.has(header[index] ?? '');
    const country = overrides.defaultCountry ?? map?.defaultCountry;
    ({ columns: phones, note: phoneNote } = detectPhoneColumns(header, context, country, usable));
  }

  const used = new Set<number | undefined>([externalId, timeZone]);
  for (const phone of phones) used.add(phone.index).add(phone.typeIndex);
  for (const column of doNotCall) used.add(column.index);
  let callData: CallDataColumn[];
  if (overrides.callData === false) {
    callData = [];
  } else if (overrides.callData !== undefined) {
    callData = overrides.callData.map((column) => {
      const index = lookup(column, 'callData');
      const name = header[index] ?? column;
      return { key: name, index, column: name, type: 'string' };
    });
  } else if (map?.callData !== undefined) {
    callData = Object.entries(map.callData).map(([key, spec]) => {
      const column = typeof spec === 'string' ? spec : spec.column;
      const type = typeof spec === 'string' ? 'string' : spec.type;
      const index = lookup(column, `callData.${key}`);
      return { key, index, column: header[index] ?? column, type };
    });
  } else {
    callData = header.flatMap((name, index) =>
      used.has(index) || RESERVED.has(name)
        ? []
        : [{ key: name, index, column: name, type: 'string' as const }],
    );
  }

  const honoured = overrides.callOptedOut !== true;
  const warnings = honoured ? [] : [callOptedOutWarning(doNotCall)];
  return {
    phones,
    phoneNote,
    externalId,
    timeZone,
    callData,
    doNotCall: { columns: doNotCall, honoured },
    warnings,
  };
}

function callOptedOutWarning(columns: DoNotCallColumns['columns']): string {
  if (columns.length === 0) {
    return '--call-opted-out changes nothing: no column says who must not be called (DoNotCall, Do Not Call, HasOptedOutOfCall…)';
  }
  const names = columns.map((column) => `"${column.name}"`).join(', ');
  return `--call-opted-out: rows that ${names} mark${columns.length === 1 ? 's' : ''} as not to be called are sent, and will be called`;
}

/** "column → field" lines for the validation report and the log. */
export function describeMapping(mapping: ColumnMapping, header: readonly string[]): string[] {
  const name = (index: number | undefined) => (index === undefined ? '(none)' : `"${header[index]}"`);
  const lines = [
    `phoneNumber ← ${describePhones(mapping, header)}`,
    `externalId ← ${name(mapping.externalId)}`,
    `timeZoneId ← ${name(mapping.timeZone)}`,
  ];
  const { doNotCall } = mapping;
  if (doNotCall.columns.length > 0) {
    const columns = doNotCall.columns.map((column) => `"${column.name}"`).join(', ');
    lines.push(
      doNotCall.honoured
        ? `doNotCall ← ${columns} (rows marked true are skipped, never sent)`
        : `doNotCall ← ${columns} (ignored: --call-opted-out; rows marked true are called)`,
    );
  }
  lines.push(
    mapping.callData.length === 0
      ? 'callData ← (none)'
      : `callData ← ${mapping.callData
          .map(
            (c) => (c.key === header[c.index] ? name(c.index) : `${c.key}: ${name(c.index)}`) + typeSuffix(c),
          )
          .join(', ')}`,
  );
  return lines;
}

function describePhones(mapping: ColumnMapping, header: readonly string[]): string {
  const columns = mapping.phones.map((phone) => `"${phone.name}"`).join(', ');
  const typed = mapping.phones.find((phone) => phone.typeIndex !== undefined)?.typeIndex;
  const notes = [
    ...(mapping.phoneNote === undefined ? [] : [mapping.phoneNote]),
    ...(mapping.phones.length > 1 ? ['per row, the first that is not empty'] : []),
    ...(typed === undefined ? [] : [`mobile numbers first, as "${header[typed]}"… says`]),
  ];
  return notes.length === 0 ? columns : `${columns} (${notes.join('; ')})`;
}

function typeSuffix(column: CallDataColumn): string {
  return column.type === 'string' ? '' : ` (${column.type})`;
}
