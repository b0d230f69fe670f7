import path from 'node:path';
import {
  parseConfigFile,
  type ConfigFile,
  type ImportOptionsInput,
  type LogLevel,
  type MapFile,
} from '../config.js';
import { parseMapFile } from '../mapping/map-file.js';
import { UsageError } from '../errors.js';
import { IMPORT_OPTIONS, importOptionEntries } from '../options/import-options.js';
import type { CommandName, FlagValues, MergedValues, OptionSpec } from '../options/option-spec.js';
import { numberSchema } from '../options/value-schema.js';
import { expectedNumber, flagName } from '../options/yargs-flag.js';
import { resolveLedgerLocation } from '../ledger/location.js';
import { postgresSecrets } from '../ledger/postgres-secrets.js';
import { readTextFile } from './read-text-file.js';
import { resolveToken, type Redactor } from './secrets.js';

type Table = typeof IMPORT_OPTIONS;

/** The flags of `import`, `validate` and `retry`, as yargs hands them over (camel-cased): the table's, and the file. */
export type ImportFlags = FlagValues<Table> & {
  /** yargs hands over a lone `-` (standard input) as `true`. */
  file?: string | boolean;
  _?: (string | number)[];
};

export type ImportCommand = CommandName;

/** What a command runs with, once flags, environment and config file are merged and checked. */
export interface CliSettings {
  /** For importLeads; holds the token when the command sends. */
  readonly options: ImportOptionsInput;
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  /** The progress display (TTY) or the periodic progress log line (no TTY). */
  readonly progress: boolean;
  readonly progressIntervalMs: number;
  /** Where the token came from, for the log; undefined when the command sends nothing. */
  readonly tokenSource: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Merges the sources of every option the command takes: flags > environment variables > config file >
 * defaults. yargs gives no defaults of its own, so a flag's value here is one the user typed; the library
 * fills in its own defaults, and the CLI's come from the table here. Throws UsageError (exit 2) for a number
 * flag that is not one, a config file that cannot be read or is wrong, a bad token or API URL.
 */
export function resolveSettings(
  command: ImportCommand,
  flags: ImportFlags,
  env: Env,
  redactor: Redactor,
): CliSettings {
  const extra = (flags._ ?? []).slice(1);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')} (one file per run)`);
  checkNumberFlags(command, flags);
  const { values: file, dir } =
    flags.config === undefined ? { values: {} as ConfigFile, dir: '.' } : loadConfigFile(flags.config);
  const merged = mergeSources(command, flags, env, file, dir);

  const dryRun = command === 'validate' ? true : command === 'retry' ? false : merged.dryRun;
  const library = Object.fromEntries(
    importOptionEntries
      .filter(([name, spec]) => spec.where.library !== undefined && name in merged)
      .map(([name]) => [name, merged[name]]),
  );
  const options: ImportOptionsInput = {
    ...library,
    input: typeof flags.file === 'string' && flags.file !== '' ? flags.file : '-',
    ...(dryRun === undefined ? {} : { dryRun }),
    ledger: ledgerSetting(merged.ledger, env, command !== 'validate' || merged.outbound !== undefined),
  };
  // A config file's postgres:// URL may hold a password: no output may show it (main knows flags and env).
  if (typeof options.ledger === 'string')
    for (const secret of postgresSecrets(options.ledger)) redactor.add(secret);

  let tokenSource: string | undefined;
  if (dryRun !== true) {
    // The token file is not merged like the others: NLPEARL_API_TOKEN sits between its flag and its key.
    // The library checks the token (and names where it came from when it refuses it).
    const resolved = resolveToken(
      {
        tokenFileFlag: flags.tokenFile,
        env,
        tokenFileFromConfig: file.tokenFile === undefined ? undefined : path.resolve(dir, file.tokenFile),
      },
      redactor,
    );
    options.token = resolved.token;
    tokenSource = resolved.source;
  }
  return {
    options,
    logLevel: merged.logLevel ?? IMPORT_OPTIONS.logLevel.default,
    logFile: merged.logFile,
    progress: merged.progress ?? IMPORT_OPTIONS.progress.default,
    progressIntervalMs: (merged.progressInterval ?? IMPORT_OPTIONS.progressInterval.default) * 1000,
    tokenSource,
  };
}

/**
 * yargs gives null for a number flag whose value is not a number. The library checks its own options' ranges
 * (`concurrency: Too small…`); a CLI-only number is checked here, against the same range in the table.
 */
function checkNumberFlags(command: ImportCommand, flags: ImportFlags): void {
  for (const [name, spec] of commandEntries(command)) {
    if (spec.type !== 'number') continue;
    const value = (flags as Record<string, unknown>)[name];
    if (value === null || Number.isNaN(value)) throw new UsageError(`--${flagName(name)} expects a number`);
    if (
      spec.where.library === undefined &&
      typeof value === 'number' &&
      !numberSchema(spec).safeParse(value).success
    ) {
      throw new UsageError(`--${flagName(name)} expects ${expectedNumber(spec)}`);
    }
  }
}

/** Each option the command takes, from the first source that gives it; relative paths in the file from its folder. */
function mergeSources(
  command: ImportCommand,
  flags: ImportFlags,
  env: Env,
  file: ConfigFile,
  dir: string,
): MergedValues<Table> {
  const merged: Record<string, unknown> = {};
  for (const [name, spec] of commandEntries(command)) {
    const value =
      fromFlag(spec, (flags as Record<string, unknown>)[name]) ??
      fromEnv(spec, env) ??
      fromFile(spec, (file as Record<string, unknown>)[name], dir);
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}

function commandEntries(command: ImportCommand) {
  return importOptionEntries.filter(([, spec]) => spec.where.commands?.includes(command) === true);
}

function fromFlag(spec: OptionSpec, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (spec.type === 'list' && typeof value === 'string') return splitColumns(value);
  if (spec.type === 'mapping' && typeof value === 'string') return readMapFile(value);
  return value;
}

function fromEnv(spec: OptionSpec, env: Env): unknown {
  if (spec.where.env === undefined) return undefined;
  const text = env[spec.where.env];
  if (text === undefined || text.trim() === '') return undefined;
  if (spec.type !== 'number') return text;
  const value = Number(text);
  if (!numberSchema(spec).safeParse(value).success) {
    throw new UsageError(`${spec.where.env} expects ${expectedNumber(spec)}, got "${text}"`);
  }
  return value;
}

function fromFile(spec: OptionSpec, value: unknown, dir: string): unknown {
  if (typeof value !== 'string') return value;
  if (spec.type === 'path' && !URL_LIKE.test(value)) return path.resolve(dir, value);
  if (spec.type === 'mapping') return readMapFile(path.resolve(dir, value));
  return value;
}

/** A value that names a server, not a file (`postgres://…` for --ledger): never taken relative to a folder. */
const URL_LIKE = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * The ledger the run uses, as the library takes it: a file or URL, or false (`--no-ledger`, or `off` from any
 * source). Unset, the default file under the XDG state folder of this environment (not the process's own).
 */
function ledgerSetting(value: string | false | undefined, env: Env, needed: boolean): string | false {
  if (value === false || value?.trim().toLowerCase() === 'off') return false;
  const found = resolveLedgerLocation({ flag: value, env });
  if (!found.ok && !needed) return false; // validate without an outbound has nothing to compare
  if (!found.ok) throw new UsageError(found.issue, 'CONFIG');
  return found.location.kind === 'sqlite' ? found.location.file : found.location.url;
}

/** Reads and checks `--config <file.json>`; its relative paths are taken from its own folder. */
export function loadConfigFile(file: string): { values: ConfigFile; dir: string } {
  const json = readJsonFile(file, 'config file');
  const parsed = parseConfigFile(json);
  if (!parsed.ok) throw new UsageError(`config file ${file}: ${parsed.issues.join('; ')}`, 'CONFIG');
  return { values: parsed.value, dir: path.dirname(path.resolve(file)) };
}

export function readMapFile(file: string): MapFile {
  const parsed = parseMapFile(readJsonFile(file, 'mapping file'));
  if (!parsed.ok) throw new UsageError(`mapping file ${file}: ${parsed.issues.join('; ')}`, 'CONFIG');
  return parsed.value;
}

/**
 * Reads a JSON file. A syntax error is told by line and column, never with the text around it: JSON.parse
 * quotes the file, and a file can hold what must not be printed.
 */
function readJsonFile(file: string, what: string): unknown {
  const text = readTextFile(file, `the ${what} ${file}`, 'CONFIG');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`the ${what} ${file} is not valid JSON: ${jsonProblem(error, text)}`, 'CONFIG');
  }
}

function jsonProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const at = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (at) {
    const before = text.slice(0, Number(at[2]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `${at[1]!.replace(/^./, (c) => c.toLowerCase())} (line ${line}, column ${column})`;
  }
  if (message.startsWith('Unexpected end')) return 'it ends too early';
  const token = /^Unexpected token '(.)'/.exec(message);
  return token ? `unexpected '${token[1]}'` : 'syntax error';
}

function splitColumns(value: string): string[] {
  return value
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
}
