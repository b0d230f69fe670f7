import { z } from 'zod';
import { isCountryCode } from './phone.js';

/**
 * The `--map <file.json>` schema, with messages that name the key at fault and say what was expected and what
 * came, e.g. `callData.age.type: expected one of string, int, float, boolean; got "integer"`:
 *
 *     {
 *       "phoneNumber": "Mobile",                     column names as in the header
 *       "externalId": "CRM ID",
 *       "timeZoneId": "Time zone",
 *       "callData": {                                callData key (the campaign's variable id) → column
 *         "firstName": "First Name",                 a string variable
 *         "age": { "column": "Age", "type": "int" }  typed: string, int, float or boolean
 *       },
 *       "defaultCountry": "US"                       ISO 3166 country of national phone numbers
 *     }
 */

export const VARIABLE_TYPES = ['string', 'int', 'float', 'boolean'] as const;

const TOP_KEYS = ['phoneNumber', 'externalId', 'timeZoneId', 'callData', 'defaultCountry'] as const;
const COLUMN_KEYS = ['column', 'type'] as const;

/** A JSON value as a message shows it: strings quoted, objects and arrays named. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

const columnName = z
  .string({ error: (issue) => `expected the name of a column, got ${shown(issue.input)}` })
  .min(1, 'expected the name of a column, got ""');

const variableType = z.enum(VARIABLE_TYPES, {
  error: (issue) => `expected one of ${VARIABLE_TYPES.join(', ')}; got ${shown(issue.input)}`,
});

/** The message for keys an object does not have, with the key meant when only its case differs. */
function objectError(allowed: readonly string[], what: string) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code === 'invalid_type') return `expected ${what}, got ${shown(issue.input)}`;
    if (issue.code !== 'unrecognized_keys') return undefined;
    return issue.keys
      .map((key) => {
        const meant = allowed.find((name) => name.toLowerCase() === key.toLowerCase());
        return meant !== undefined
          ? `unknown key "${key}"; did you mean "${meant}"? (keys are case-sensitive)`
          : `unknown key "${key}"; expected ${allowed.map((name) => `"${name}"`).join(', ')}`;
      })
      .join('; ');
  };
}

const typedColumn = z.strictObject(
  { column: columnName, type: variableType.default('string') },
  { error: objectError(COLUMN_KEYS, 'a column name or { "column": …, "type": … }') },
);

/** `"key": "Column"` is short for `"key": { "column": "Column", "type": "string" }`. */
const callDataColumn = z.preprocess(
  (value) => (typeof value === 'string' ? { column: value } : value),
  typedColumn,
);

const callData = z
  .record(z.string(), callDataColumn, {
    error: (issue) => `expected an object of callData key → column, got ${shown(issue.input)}`,
  })
  .superRefine((value, context) => {
    for (const key of Object.keys(value)) {
      if (key.trim() === '' || key !== key.trim()) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: 'a callData key must be a variable id, not empty and without spaces around it',
        });
      }
    }
  });

export const mapFileSchema = z.strictObject(
  {
    phoneNumber: columnName.optional(),
    externalId: columnName.optional(),
    timeZoneId: columnName.optional(),
    callData: callData.optional(),
    defaultCountry: z
      .string({ error: (issue) => `expected a country code such as "US", got ${shown(issue.input)}` })
      .refine(isCountryCode, {
        error: (issue) =>
          `expected an ISO 3166 country code such as US, GB, FR, DE or IL; got ${shown(issue.input)}`,
      })
      .optional(),
  },
  { error: objectError(TOP_KEYS, 'a JSON object') },
);

export type MapFile = z.output<typeof mapFileSchema>;

export type MapFileResult = { ok: true; value: MapFile } | { ok: false; issues: string[] };

/** Checks a parsed mapping file; each issue reads `dot.path: message` (`callData.age.type: expected …`). */
export function parseMapFile(json: unknown): MapFileResult {
  const parsed = mapFileSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const path = issue.path.map(pathSegment).join('').replace(/^\./, '');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    }),
  };
}

/** `.key`, or `[""]` for a key that would not read well after a dot (empty, spaces, dots). */
function pathSegment(key: PropertyKey): string {
  const text = String(key);
  return /^[^\s.[\]"]+$/.test(text) ? `.${text}` : `[${JSON.stringify(text)}]`;
}
