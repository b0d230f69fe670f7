import { z } from 'zod';
import { mapFileSchema, parseMapFile, type MapFile, type VARIABLE_TYPES } from './mapping/map-file.js';

/**
 * Every option of a run, declared once. The CLI, a config file and library callers all go through
 * `parseImportOptions`, so defaults and limits live here and nowhere else.
 */

export const DEFAULT_API_URL = 'https://api.nlpearl.ai';

// The mapping file has its own module, with messages that name the key at fault; it is re-exported here so
// that every option's schema can be found from this file.
export { mapFileSchema, type MapFile } from './mapping/map-file.js';
export type VariableType = (typeof VARIABLE_TYPES)[number];

const maxErrors = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?%?$/, 'expected a count such as 100 or a share such as 5%')
    .transform((text) => text),
]);

export const importOptionsSchema = z.strictObject({
  /** Path of the CSV to import, or '-' for standard input (then `inputStream` or process.stdin is read). */
  input: z.string().min(1),
  /** Where outcomes are written. Default: `<input without .csv>.results.csv` beside the input. */
  results: z.string().min(1).optional(),
  /** Replace an existing results file. */
  overwrite: z.boolean().default(false),
  /** Continue into an existing results file: rows already created or skipped are not sent again. */
  resume: z.boolean().default(false),
  /** Read, map and validate every row; send nothing. */
  dryRun: z.boolean().default(false),

  /** v1 outbound campaign id (not the Pearl id from the platform's URL). Required unless dryRun. */
  outbound: z.string().trim().optional(),
  /** `AccountId:SecretKey`. Required unless dryRun. */
  token: z.string().optional(),
  apiUrl: z.url().default(DEFAULT_API_URL),

  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** At most this many requests per second (retries included). Unset: found adaptively from 429s. */
  rate: z.number().positive().max(10_000).optional(),
  /** Per-attempt timeout in seconds. */
  timeout: z.number().positive().max(600).default(30),
  /** Retries per row after the first attempt, on 429, 5xx and network faults. */
  retries: z.number().int().min(0).max(20).default(5),
  /** Stop the run after this many rows failed against the API, or this share of rows sent (`5%`). */
  maxErrors: maxErrors.optional(),
  /** Check credentials and outbound with one cheap call before sending. */
  preflight: z.boolean().default(true),

  /** Column mapping overrides (header names as written). */
  phone: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  timeZone: z.string().min(1).optional(),
  /** Only these columns become callData; `false` sends no callData. Default: every unmapped column. */
  callData: z.union([z.array(z.string().min(1)).min(1), z.literal(false)]).optional(),
  map: mapFileSchema.optional(),
  /** ISO 3166 country for national phone numbers, e.g. US. */
  defaultCountry: z.string().length(2).toUpperCase().optional(),
  /** Send the phone cell as written instead of normalising it to E.164. */
  keepPhone: z.boolean().default(false),
  /** Send rows whose phone or externalId repeats an earlier row's. */
  allowDuplicates: z.boolean().default(false),

  /** Input encoding (detected when unset): utf-8, utf-16le, windows-1252, … */
  encoding: z.string().min(1).optional(),
  /** Input delimiter (detected when unset). */
  delimiter: z.string().min(1).max(3).optional(),

  /** The lead ledger: a file (or postgres:// URL); false turns it off. Default: the XDG state folder's. */
  ledger: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** Which source the rows come from, for absent leads. Default: the input's path. */
  source: z.string().min(1).optional(),
  /** A lead changed since it was last sent: update it, or report it only. */
  onChange: z.enum(['update', 'skip']).default('update'),
  /** Leads of earlier runs of the same source that this input no longer holds. */
  absent: z.enum(['keep', 'complete', 'delete']).default('keep'),
  /** The most absent leads --absent may touch: a count or a share of the outbound's known leads. */
  maxAbsent: maxErrors.optional(),
  /** Pull the campaign's leads into the ledger before sending. */
  refresh: z.boolean().default(false),
  /** Update leads found in the campaign (their content is unknown) instead of leaving them unchanged. */
  updateExisting: z.boolean().default(false),
});

export type ImportOptionsInput = z.input<typeof importOptionsSchema>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const option = importOptionsSchema.shape;

/**
 * `--config <file.json>`: every option of `import`, keyed by its flag's long name in camelCase. Types and limits
 * are the options' own; nothing has a default here, so a value the file leaves out can come from elsewhere
 * (flags > environment > file > defaults). The token itself is never accepted: only `tokenFile`, a path.
 */
export const configFileSchema = z.strictObject({
  outbound: option.outbound.unwrap().min(1).optional(),
  apiUrl: option.apiUrl.unwrap().optional(),
  /** A file holding `AccountId:SecretKey`; relative to the config file. */
  tokenFile: z.string().min(1).optional(),
  /** Relative to the config file. */
  results: option.results,
  overwrite: option.overwrite.unwrap().optional(),
  resume: option.resume.unwrap().optional(),
  dryRun: option.dryRun.unwrap().optional(),
  concurrency: option.concurrency.unwrap().optional(),
  rate: option.rate,
  timeout: option.timeout.unwrap().optional(),
  retries: option.retries.unwrap().optional(),
  maxErrors: option.maxErrors,
  preflight: option.preflight.unwrap().optional(),
  phone: option.phone,
  externalId: option.externalId,
  timeZone: option.timeZone,
  callData: option.callData,
  /** The mapping itself (checked by parseMapFile), or the path of a mapping file (relative to the config file). */
  map: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  defaultCountry: option.defaultCountry,
  keepPhone: option.keepPhone.unwrap().optional(),
  allowDuplicates: option.allowDuplicates.unwrap().optional(),
  encoding: option.encoding,
  /** `tab` for a tab. */
  delimiter: option.delimiter,
  logLevel: z.enum(LOG_LEVELS).optional(),
  /** Also write the JSON log here (appended); relative to the config file. */
  logFile: z.string().min(1).optional(),
  /** The progress display (TTY) or the periodic progress log line (no TTY). Default true. */
  progress: z.boolean().optional(),
  /** Seconds between progress log lines when stderr is not a terminal. Default 10. */
  progressInterval: z.number().min(1).max(3600).optional(),
});
export type ConfigFile = Omit<z.output<typeof configFileSchema>, 'map'> & { map?: string | MapFile };

/**
 * Checks a parsed config file. A `token` key is refused by name: a secret in a file that is copied, committed
 * and shown around is a leak waiting to happen; `tokenFile` points at one kept apart.
 */
export function parseConfigFile(json: unknown): ParseResult<ConfigFile> {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'token' in json) {
    return {
      ok: false,
      issues: [
        'token: not accepted in a config file; put the token in a file of its own and name it with tokenFile, or set NLPEARL_API_TOKEN',
      ],
    };
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const { map, ...rest } = parsed.data;
  if (map === undefined || typeof map === 'string') return { ok: true, value: { ...rest, map } };
  const mapping = parseMapFile(map);
  if (!mapping.ok) return { ok: false, issues: mapping.issues.map((issue) => `map.${issue}`) };
  return { ok: true, value: { ...rest, map: mapping.value } };
}
export type ImportOptions = z.output<typeof importOptionsSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Validates options; issues read `dot.path: message`, so a user can find the key at fault. */
export function parseImportOptions(input: unknown): ParseResult<ImportOptions> {
  const parsed = importOptionsSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: formatIssues(parsed.error.issues) };
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return `${keys.join(', ')}: unknown option`;
    }
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
