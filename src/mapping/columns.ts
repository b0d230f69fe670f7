import type { MapFile, VariableType } from '../config.js';
import { UsageError } from '../errors.js';
import { RESULT_COLUMNS } from '../results/columns.js';

/** Which input column feeds which part of the Add Lead body, by index into the header. */
export interface ColumnMapping {
  readonly phone: number;
  readonly externalId: number | undefined;
  readonly timeZone: number | undefined;
  readonly callData: readonly CallDataColumn[];
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
  readonly phone?: string | undefined;
  readonly externalId?: string | undefined;
  readonly timeZone?: string | undefined;
  readonly callData?: readonly string[] | false | undefined;
  readonly map?: MapFile | undefined;
}

// Names are compared after `normalizeName`, so "Phone Number", "phone_number", "PHONE-NUMBER" and "Téléphone"
// all match. Besides English, the names CRMs (HubSpot, Salesforce) and spreadsheets in French, German, Spanish,
// Italian and Portuguese give these columns.
const ALIASES = {
  phone: [
    'phonenumber',
    'phone',
    'mobile',
    'mobilephone',
    'mobilephonenumber',
    'mobilenumber',
    'cell',
    'cellphone',
    'tel',
    'telephone',
    'telephonenumber',
    'phoneno',
    'telefon', // de, pl, sv…
    'telefono', // es teléfono, it
    'portable', // fr
    'mobil', // de
    'handy', // de
    'movil', // es móvil
    'celular', // es, pt
    'cellulare', // it
  ],
  externalId: ['externalid', 'id', 'leadid', 'contactid', 'recordid', 'crmid'],
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
 * Resolves the mapping from flags, a mapping file and the header. Throws a UsageError (nothing sent yet) when
 * a named column is not in the header, listing the headers that were found.
 */
export function resolveMapping(header: readonly string[], overrides: MappingOverrides = {}): ColumnMapping {
  const lookup = (column: string, what: string): number => {
    const exact = header.indexOf(column);
    if (exact >= 0) return exact;
    const loose = header.findIndex((name) => normalizeName(name) === normalizeName(column));
    if (loose >= 0) return loose;
    throw new UsageError(
      `${what} column "${column}" is not in the header; found: ${header.map((h) => `"${h}"`).join(', ')}`,
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
  const phoneColumn = overrides.phone ?? map?.phoneNumber;
  const phone = phoneColumn === undefined ? detect(ALIASES.phone) : lookup(phoneColumn, 'phone');
  if (phone === undefined) {
    throw new UsageError(
      `no phone column found (looked for phoneNumber, phone, mobile, cell, tel…); name it with --phone <column>; found: ${header.map((h) => `"${h}"`).join(', ')}`,
      'COLUMN_MISSING',
    );
  }
  const externalIdColumn = overrides.externalId ?? map?.externalId;
  const externalId =
    externalIdColumn === undefined ? detect(ALIASES.externalId) : lookup(externalIdColumn, 'externalId');
  const timeZoneColumn = overrides.timeZone ?? map?.timeZoneId;
  const timeZone =
    timeZoneColumn === undefined ? detect(ALIASES.timeZone) : lookup(timeZoneColumn, 'timeZoneId');

  const used = new Set([phone, externalId, timeZone]);
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
  return { phone, externalId, timeZone, callData };
}

/** "column → field" lines for the validation report and the log. */
export function describeMapping(mapping: ColumnMapping, header: readonly string[]): string[] {
  const name = (index: number | undefined) => (index === undefined ? '(none)' : `"${header[index]}"`);
  return [
    `phoneNumber ← ${name(mapping.phone)}`,
    `externalId ← ${name(mapping.externalId)}`,
    `timeZoneId ← ${name(mapping.timeZone)}`,
    mapping.callData.length === 0
      ? 'callData ← (none)'
      : `callData ← ${mapping.callData
          .map(
            (c) => (c.key === header[c.index] ? name(c.index) : `${c.key}: ${name(c.index)}`) + typeSuffix(c),
          )
          .join(', ')}`,
  ];
}

function typeSuffix(column: CallDataColumn): string {
  return column.type === 'string' ? '' : ` (${column.type})`;
}
