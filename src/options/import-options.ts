import { LEDGER_OPTIONS } from './ledger-options.js';
import type { CommandName, OptionSpec, OptionTable } from './option-spec.js';

/*
 * Every option of import, validate and retry, declared once. From this table come the commands' flags and
 * their --help (cli/options.ts), the library's schema and types and the config file's schema (config.ts), the
 * merge of flags > environment > config file > defaults (cli/settings.ts) and the flags a printed retry command
 * repeats, in the table's order. Adding an option is adding an entry: its key is the library's and the config
 * file's name, and its kebab-case the flag.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const ALL: readonly CommandName[] = ['import', 'validate', 'retry'];
const SENDING: readonly CommandName[] = ['import', 'retry'];
const TOKEN_IN_FILE =
  'not accepted in a config file; put the token in a file of its own and name it with tokenFile, or set NLPEARL_API_TOKEN';

export const IMPORT_OPTIONS = {
  input: {
    type: 'string',
    minLength: 1,
    help: 'path of the CSV to import, or - for standard input',
    where: { library: 'required' },
  },
  // Never a flag, so that it stays out of shell history and `ps`: cli/secrets.ts finds it.
  token: {
    type: 'string',
    help: 'AccountId:SecretKey; required unless dryRun',
    where: { library: true, file: { refused: TOKEN_IN_FILE } },
  },

  outbound: {
    type: 'string',
    trim: true,
    help: 'outbound campaign id, not the Pearl id (validate: to compare with the ledger)',
    // A retry repeats the campaign the rows went to, wherever it came from.
    where: {
      commands: ALL,
      group: 'API:',
      env: 'NLPEARL_OUTBOUND_ID',
      file: true,
      library: true,
      retry: 'used',
    },
  },
  apiUrl: {
    type: 'string',
    url: true,
    default: 'https://api.nlpearl.ai',
    help: 'the API; http only on loopback',
    where: {
      commands: SENDING,
      group: 'API:',
      env: 'NLPEARL_API_URL',
      file: true,
      library: true,
      retry: 'typed',
    },
  },
  tokenFile: {
    type: 'path',
    help: 'file holding AccountId:SecretKey (else env NLPEARL_API_TOKEN)',
    where: { commands: SENDING, group: 'API:', file: true, retry: 'typed' },
  },

  phone: {
    type: 'string',
    minLength: 1,
    help: 'column of the phone number; several, comma-separated, are tried in order (Mobile,Phone)',
    defaultHelp: 'detected',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  externalId: {
    type: 'string',
    minLength: 1,
    help: 'column of the externalId',
    defaultHelp: 'detected',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  timeZone: {
    type: 'string',
    minLength: 1,
    help: 'column of the time zone',
    defaultHelp: 'detected',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  callData: {
    type: 'list',
    help: 'only these columns (comma-separated) become callData; --no-call-data sends none',
    defaultHelp: 'every other column',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  map: {
    type: 'mapping',
    help: 'JSON mapping file (see README)',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  defaultCountry: {
    type: 'string',
    length: 2,
    upperCase: true,
    help: 'ISO country of national phone numbers, e.g. US',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  keepPhone: {
    type: 'boolean',
    default: false,
    help: 'send phone cells as written, not as E.164',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  allowDuplicates: {
    type: 'boolean',
    default: false,
    help: 'send rows that repeat an earlier phone or externalId',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },
  callOptedOut: {
    type: 'boolean',
    default: false,
    help: 'send rows whose do-not-call column says true (a warning says so)',
    where: { commands: ALL, group: 'Mapping:', file: true, library: true, retry: 'typed' },
  },

  // Not repeated by a retry, which reads the results file: this tool wrote it, in UTF-8 with commas.
  encoding: {
    type: 'string',
    minLength: 1,
    help: 'input encoding: utf-8, utf-16le, windows-1252, …',
    defaultHelp: 'detected',
    where: { commands: ALL, group: 'Input:', file: true, library: true },
  },
  delimiter: {
    type: 'string',
    minLength: 1,
    maxLength: 3,
    aliases: { tab: '\t' },
    help: 'input delimiter: , ; tab |',
    defaultHelp: 'detected',
    where: { commands: ALL, group: 'Input:', file: true, library: true },
  },
  headerRow: {
    type: 'number',
    integer: true,
    min: 1,
    help: 'the line the header is on, when title lines come above it (report exports)',
    defaultHelp: 'detected',
    where: { commands: ['import', 'validate'], group: 'Input:', file: true, library: true },
  },

  concurrency: {
    type: 'number',
    integer: true,
    min: 1,
    max: 256,
    default: 8,
    help: 'requests in flight at once',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  rate: {
    type: 'number',
    above: 0,
    max: 10_000,
    help: 'at most this many requests per second',
    defaultHelp: 'adaptive',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  timeout: {
    type: 'number',
    above: 0,
    max: 600,
    unit: 'seconds',
    default: 30,
    help: 'seconds per attempt',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  retries: {
    type: 'number',
    integer: true,
    min: 0,
    max: 20,
    default: 5,
    help: 'retries per row on 429, 5xx, network faults',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  maxErrors: {
    type: 'count-or-share',
    help: 'stop after n failed rows, or n% of rows sent',
    defaultHelp: 'no limit',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  preflight: {
    type: 'boolean',
    default: true,
    help: 'check token and outbound first (--no-preflight skips)',
    where: { commands: SENDING, group: 'Sending:', file: true, library: true, retry: 'typed' },
  },
  // A check by a person, once: not in a config file, where it would stop every nightly run; not repeated by
  // the retry or continue commands.
  canary: {
    type: 'number',
    integer: true,
    min: 1,
    help: 'send the first n rows, show them as the campaign holds them, ask before the rest (off a terminal: stop, exit 0, print the command that continues)',
    defaultHelp: 'off',
    where: { commands: ['import'], group: 'Sending:', library: true },
  },

  ...LEDGER_OPTIONS,

  // A retry continues its own results file: none of these is repeated.
  results: {
    type: 'path',
    help: 'results file',
    defaultHelp: '<input>.results.csv',
    where: { commands: ['import', 'validate'], group: 'Results:', file: true, library: true },
  },
  overwrite: {
    type: 'boolean',
    default: false,
    help: 'replace an existing results file',
    where: { commands: ['import', 'validate'], group: 'Results:', file: true, library: true },
  },
  resume: {
    type: 'boolean',
    default: false,
    help: 'continue an existing results file (rows created or skipped are not sent again)',
    where: { commands: ['import'], group: 'Results:', file: true, library: true },
  },
  // validate is a dry run and retry never is; import takes the flag.
  dryRun: {
    type: 'boolean',
    default: false,
    help: 'validate every row; send nothing',
    where: { commands: ['import'], group: 'Results:', file: true, library: true },
  },

  config: {
    type: 'path',
    help: 'JSON file of options keyed by long name in camelCase (outbound, apiUrl, …); flags win',
    where: { commands: ALL, group: 'Output:', retry: 'typed' },
  },
  logLevel: {
    type: 'choices',
    choices: LOG_LEVELS,
    default: 'info',
    help: 'JSON lines on stderr, or readable lines at a terminal',
    where: { commands: ALL, group: 'Output:', file: true },
  },
  logFile: {
    type: 'path',
    help: 'also append the JSON log to this file',
    where: { commands: ALL, group: 'Output:', file: true },
  },
  progress: {
    type: 'boolean',
    default: true,
    help: 'progress display at a terminal, a progress log line otherwise (--no-progress: neither)',
    where: { commands: ALL, group: 'Output:', file: true },
  },
  progressInterval: {
    type: 'number',
    min: 1,
    max: 3600,
    unit: 'seconds',
    default: 10,
    help: 'seconds between progress log lines without a terminal',
    where: { commands: ALL, group: 'Output:', file: true },
  },
} as const satisfies OptionTable;

export type ImportOptionName = keyof typeof IMPORT_OPTIONS;

/** The table's entries in their order, each with its name. */
export const importOptionEntries = Object.entries(IMPORT_OPTIONS) as readonly (readonly [
  ImportOptionName,
  OptionSpec,
])[];
