import { z } from 'zod';
import { parseMapFile, type VARIABLE_TYPES } from './mapping/map-file.js';
import { IMPORT_OPTIONS, LOG_LEVELS, importOptionEntries } from './options/import-options.js';
import type { FileValues, LibraryInput, LibraryOptions } from './options/option-spec.js';
import { librarySchema, valueSchema } from './options/value-schema.js';

/**
 * The schemas of every option of a run, derived from the option table (options/import-options.ts). The CLI,
 * a config file and library callers all go through them, so defaults and limits live in the table and
 * nowhere else.
 */

export const DEFAULT_API_URL = IMPORT_OPTIONS.apiUrl.default;

// The mapping file has its own module, with messages that name the key at fault; it is re-exported here so
// that every option's schema can be found from this file.
export { mapFileSchema, type MapFile } from './mapping/map-file.js';
export type VariableType = (typeof VARIABLE_TYPES)[number];

export { LOG_LEVELS };
export type LogLevel = (typeof LOG_LEVELS)[number];

type Table = typeof IMPORT_OPTIONS;
/** The options of a run, checked, with every default filled in. */
export type ImportOptions = LibraryOptions<Table>;
/** The options of a run as a library caller gives them: `input` and what differs from the defaults. */
export type ImportOptionsInput = LibraryInput<Table>;

/** The library's options: every table entry marked `library`, with its default or optional. */
export const importOptionsSchema = z.strictObject(
  Object.fromEntries(
    importOptionEntries
      .filter(([, spec]) => spec.where.library !== undefined)
      .map(([name, spec]) => [name, librarySchema(spec)]),
  ),
) as unknown as z.ZodType<ImportOptions, ImportOptionsInput>;

/**
 * `--config <file.json>`: every table entry marked `file`, keyed by its name (the flag's long name in
 * camelCase). Types and limits are the options' own; nothing has a default here, so a value the file leaves
 * out can come from elsewhere (flags > environment > file > defaults).
 */
export const configFileSchema = z.strictObject(
  Object.fromEntries(
    importOptionEntries
      .filter(([, spec]) => spec.where.file === true)
      .map(([name, spec]) => [name, valueSchema(spec, 'file').optional()]),
  ),
) as unknown as z.ZodType<Omit<ConfigFile, 'map'> & { map?: string | Record<string, unknown> }>;
/** A config file, checked; its mapping may still be the path of a mapping file. */
export type ConfigFile = FileValues<Table>;

/** Keys a config file refuses by name, with the reason (a `token`: a secret in a file that is copied around). */
const REFUSED_IN_FILE = importOptionEntries.flatMap(([name, spec]) =>
  typeof spec.where.file === 'object' ? [[name, spec.where.file.refused] as const] : [],
);

/** Checks a parsed config file. Relative paths in it are left as written: the caller knows the file's folder. */
export function parseConfigFile(json: unknown): ParseResult<ConfigFile> {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const refused = REFUSED_IN_FILE.filter(([name]) => name in json);
    if (refused.length > 0) return { ok: false, issues: refused.map(([name, why]) => `${name}: ${why}`) };
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const { map, ...rest } = parsed.data;
  if (map === undefined || typeof map === 'string') return { ok: true, value: { ...rest, map } };
  const mapping = parseMapFile(map);
  if (!mapping.ok) return { ok: false, issues: mapping.issues.map((issue) => `map.${issue}`) };
  return { ok: true, value: { ...rest, map: mapping.value } };
}

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
