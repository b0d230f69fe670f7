import path from 'node:path';
import {
  DEFAULT_API_URL,
  parseConfigFile,
  type ConfigFile,
  type ImportOptionsInput,
  type LogLevel,
  type MapFile,
} from '../config.js';
import { parseMapFile } from '../mapping/map-file.js';
import { UsageError } from '../errors.js';
import { checkApiUrl } from '../upload/api-url.js';
import { checkToken } from '../upload/token.js';
import { readTextFile } from './read-text-file.js';
import { resolveToken, type Redactor } from './secrets.js';

/** The flags of `import`, `validate` and `retry`, as yargs hands them over (camel-cased). */
export interface ImportFlags {
  /** yargs hands over a lone `-` (standard input) as `true`. */
  file?: string | boolean;
  _?: (string | number)[];
  config?: string;
  outbound?: string;
  apiUrl?: string;
  tokenFile?: string;
  results?: string;
  overwrite?: boolean;
  resume?: boolean;
  dryRun?: boolean;
  /** yargs gives null for a number flag whose value is not a number. */
  concurrency?: number | null;
  rate?: number | null;
  timeout?: number | null;
  retries?: number | null;
  maxErrors?: string;
  preflight?: boolean;
  phone?: string;
  externalId?: string;
  timeZone?: string;
  callData?: string | false;
  map?: string;
  defaultCountry?: string;
  keepPhone?: boolean;
  allowDuplicates?: boolean;
  callOptedOut?: boolean;
  headerRow?: number | null;
  encoding?: string;
  delimiter?: string;
  logLevel?: LogLevel;
  logFile?: string;
  progress?: boolean;
  progressInterval?: number | null;
}

export type ImportCommand = 'import' | 'validate' | 'retry';

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

const NUMBER_FLAGS = ['concurrency', 'rate', 'timeout', 'retries', 'progressInterval', 'headerRow'] as const;

/**
 * Merges the sources of every option: flags > environment variables > config file > defaults. yargs gives no
 * defaults of its own, so a flag's value here is one the user typed; the defaults live in config.ts.
 * Throws UsageError (exit 2) for a config file that cannot be read or is wrong, a bad token or API URL.
 */
export function resolveSettings(
  command: ImportCommand,
  flags: ImportFlags,
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): CliSettings {
  const extra = (flags._ ?? []).slice(1);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')} (one file per run)`);
  for (const name of NUMBER_FLAGS) {
    const value = flags[name];
    if (value === null || (typeof value === 'number' && Number.isNaN(value))) {
      throw new UsageError(`--${kebab(name)} expects a number`);
    }
  }
  const interval = flags.progressInterval;
  if (interval != null && (interval < 1 || interval > 3600)) {
    throw new UsageError('--progress-interval expects seconds from 1 to 3600');
  }
  const { values: file, dir } =
    flags.config === undefined ? { values: {} as ConfigFile, dir: '.' } : loadConfigFile(flags.config);
  const fromFile = (value: string | undefined) =>
    value === undefined ? undefined : path.resolve(dir, value);

  const dryRun = command === 'validate' ? true : command === 'retry' ? false : (flags.dryRun ?? file.dryRun);
  const sends = !dryRun;
  const mapFlag = flags.map === undefined ? undefined : readMapFile(flags.map);
  const map = mapFlag ?? (typeof file.map === 'string' ? readMapFile(fromFile(file.map)!) : file.map);
  const options: ImportOptionsInput = {
    input: typeof flags.file === 'string' && flags.file !== '' ? flags.file : '-',
    ...defined({
      outbound: flags.outbound ?? nonEmpty(env.NLPEARL_OUTBOUND_ID) ?? file.outbound,
      apiUrl: flags.apiUrl ?? nonEmpty(env.NLPEARL_API_URL) ?? file.apiUrl,
      ...(command === 'retry'
        ? {}
        : {
            results: flags.results ?? fromFile(file.results),
            overwrite: flags.overwrite ?? file.overwrite,
            resume: flags.resume ?? file.resume,
          }),
      dryRun,
      concurrency: flags.concurrency ?? file.concurrency,
      rate: flags.rate ?? file.rate,
      timeout: flags.timeout ?? file.timeout,
      retries: flags.retries ?? file.retries,
      maxErrors: flags.maxErrors ?? file.maxErrors,
      preflight: flags.preflight ?? file.preflight,
      phone: flags.phone ?? file.phone,
      externalId: flags.externalId ?? file.externalId,
      timeZone: flags.timeZone ?? file.timeZone,
      callData: splitColumns(flags.callData) ?? file.callData,
      map,
      defaultCountry: flags.defaultCountry ?? file.defaultCountry,
      keepPhone: flags.keepPhone ?? file.keepPhone,
      allowDuplicates: flags.allowDuplicates ?? file.allowDuplicates,
      callOptedOut: flags.callOptedOut ?? file.callOptedOut,
      headerRow: flags.headerRow ?? file.headerRow,
      encoding: flags.encoding ?? file.encoding,
      delimiter: delimiter(flags.delimiter ?? file.delimiter),
    }),
  };

  let tokenSource: string | undefined;
  if (sends) {
    // Checked here, before the input is opened, so the message can say where the token came from.
    checkApiUrl(options.apiUrl ?? DEFAULT_API_URL);
    const resolved = resolveToken(
      { tokenFileFlag: flags.tokenFile, env, tokenFileFromConfig: fromFile(file.tokenFile) },
      redactor,
    );
    options.token = checkToken(resolved.token, resolved.source);
    tokenSource = resolved.source;
  }
  return {
    options,
    logLevel: flags.logLevel ?? file.logLevel ?? 'info',
    logFile: flags.logFile ?? fromFile(file.logFile),
    progress: flags.progress ?? file.progress ?? true,
    progressIntervalMs: (flags.progressInterval ?? file.progressInterval ?? 10) * 1000,
    tokenSource,
  };
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

function splitColumns(value: string | false | undefined): string[] | false | undefined {
  if (value === undefined || value === false) return value;
  return value
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
}

function delimiter(value: string | undefined): string | undefined {
  return value === 'tab' ? '\t' : value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
