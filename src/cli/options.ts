import type { Argv } from 'yargs';
import type { LogLevel } from '../config.js';

/** config.ts has the same list; not imported from there, so that --help does not load zod. */
const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LogLevel[];

/*
 * The flags of import, validate and retry. None has a yargs default: a value yargs hands over is one the user
 * typed, so it can beat the environment and the config file; the defaults live in config.ts and settings.ts.
 */

const OUTBOUND = '66a1f0c2e4b0';

/** Examples as a shell session, each command under its comment (yargs' two columns wrap long commands). */
function examples(lines: readonly [command: string, comment: string][]): [string, string][] {
  return lines.flatMap(([command, comment]): [string, string][] => [
    [`# ${comment}`, ''],
    [command, ''],
  ]);
}

export const EXIT_CODES = `Exit codes:
  0  every row created (validate, --dry-run: every row valid)
  1  the run finished, but some rows are invalid or failed: see the results file
  2  usage or configuration error; nothing was sent
  3  the run stopped part-way (credentials rejected, outbound not found, interrupted);
     the results file holds every outcome reached: run again with --resume`;

export const ENVIRONMENT = `Environment:
  NLPEARL_API_TOKEN     "AccountId:SecretKey" from the platform's Settings → API page
  NLPEARL_ACCOUNT_ID    with NLPEARL_SECRET_KEY: the token in two parts
  NLPEARL_OUTBOUND_ID   default for --outbound
  NLPEARL_API_URL       default for --api-url
  NO_COLOR              no colours
  CI                    no progress display (a progress log line every 10 s instead)
Precedence: flags > environment > --config file > defaults.`;

const TOKEN_NOTE = `The token ("AccountId:SecretKey", Settings → API) comes from NLPEARL_API_TOKEN, --token-file <file>,
or NLPEARL_ACCOUNT_ID with NLPEARL_SECRET_KEY; never from a flag of its own.`;

const SENDING_EPILOGUE = `${TOKEN_NOTE}\n\n${EXIT_CODES}\n\n${ENVIRONMENT}`;

export function importCommandOptions<T>(y: Argv<T>) {
  return resultsOptions(sendOptions(mappingOptions(runOptions(y))))
    .example(
      examples([
        [`$0 import leads.csv --outbound ${OUTBOUND}`, 'outcomes go to leads.results.csv'],
        [`$0 import leads.csv --outbound ${OUTBOUND} --resume`, 'continue after a stop (exit 3)'],
        ['$0 import leads.csv --dry-run --default-country US', 'check every row, send nothing'],
        [`$0 import crm.csv --outbound ${OUTBOUND} --phone Mobile`, 'name the phone column'],
        [
          `$0 import crm.csv --outbound ${OUTBOUND} --call-data "First Name,Company"`,
          'only these as callData',
        ],
        [`$0 import - --results out.csv --outbound ${OUTBOUND} < leads.csv`, 'read standard input'],
        ['$0 import leads.csv --config nightly.json --token-file /run/secrets/nlpearl', 'a nightly job'],
      ]),
    )
    .epilogue(SENDING_EPILOGUE);
}

export function validateCommandOptions<T>(y: Argv<T>) {
  return mappingOptions(runOptions(y))
    .option('results', { type: 'string', describe: 'results file', group: 'Results:' })
    .option('overwrite', { type: 'boolean', describe: 'replace an existing results file', group: 'Results:' })
    .example(
      examples([
        ['$0 validate leads.csv', 'mapping, counts, first problems; every row in leads.results.csv'],
        ['$0 validate leads.csv --default-country US', 'national numbers such as (212) 555-0100'],
        ['$0 validate leads.csv --map mapping.json --overwrite', 'a mapping file; check again'],
      ]),
    )
    .epilogue(EXIT_CODES);
}

export function retryCommandOptions<T>(y: Argv<T>) {
  return sendOptions(mappingOptions(runOptions(y)))
    .example(
      examples([
        [`$0 retry leads.results.csv --outbound ${OUTBOUND}`, 'send the failed and invalid rows again'],
        ['$0 retry leads.results.csv --config nightly.json --rate 5', 'the nightly settings, gently'],
      ]),
    )
    .epilogue(SENDING_EPILOGUE);
}

/** Logging, progress and the config file: every command that reads a CSV. */
function runOptions<T>(y: Argv<T>) {
  return y
    .positional('file', { type: 'string', describe: 'CSV file, or - for standard input' })
    .option('config', {
      type: 'string',
      describe: 'JSON file of options keyed by long name in camelCase (outbound, apiUrl, …); flags win',
      group: 'Output:',
    })
    .option('log-level', {
      type: 'string',
      choices: LOG_LEVELS,
      describe: 'default info; JSON lines on stderr, or readable lines at a terminal',
      group: 'Output:',
    })
    .option('log-file', {
      type: 'string',
      describe: 'also append the JSON log to this file',
      group: 'Output:',
    })
    .option('progress', {
      type: 'boolean',
      describe: 'progress display at a terminal, a progress log line otherwise (--no-progress: neither)',
      group: 'Output:',
    })
    .option('progress-interval', {
      type: 'number',
      describe: 'seconds between progress log lines without a terminal (default 10)',
      group: 'Output:',
    });
}

function mappingOptions<T>(y: Argv<T>) {
  return y
    .option('phone', {
      type: 'string',
      describe: 'column of the phone number, or several in order: "Mobile,Phone" (default: detected)',
      group: 'Mapping:',
    })
    .option('external-id', {
      type: 'string',
      describe: 'column of the externalId (default: detected)',
      group: 'Mapping:',
    })
    .option('time-zone', {
      type: 'string',
      describe: 'column of the time zone (default: detected)',
      group: 'Mapping:',
    })
    .option('call-data', {
      type: 'string',
      describe: 'only these columns (comma-separated) become callData; --no-call-data sends none',
      group: 'Mapping:',
    })
    .option('map', { type: 'string', describe: 'JSON mapping file (see README)', group: 'Mapping:' })
    .option('default-country', {
      type: 'string',
      describe: 'ISO country of national phone numbers, e.g. US',
      group: 'Mapping:',
    })
    .option('keep-phone', {
      type: 'boolean',
      describe: 'send phone cells as written, not as E.164',
      group: 'Mapping:',
    })
    .option('allow-duplicates', {
      type: 'boolean',
      describe: 'send rows that repeat an earlier phone or externalId',
      group: 'Mapping:',
    })
    .option('call-opted-out', {
      type: 'boolean',
      describe: 'send rows a do-not-call column (DoNotCall…) marks; warns',
      group: 'Mapping:',
    })
    .option('header-row', {
      type: 'number',
      describe: 'line of the header, below title lines (default: detected)',
      group: 'Input:',
    })
    .option('encoding', { type: 'string', describe: 'input encoding (default: detected)', group: 'Input:' })
    .option('delimiter', {
      type: 'string',
      describe: 'input delimiter: , ; tab | (default: detected)',
      group: 'Input:',
    });
}

function sendOptions<T>(y: Argv<T>) {
  return y
    .option('outbound', {
      type: 'string',
      describe: 'outbound campaign id, not the Pearl id (env NLPEARL_OUTBOUND_ID)',
      group: 'API:',
    })
    .option('api-url', {
      type: 'string',
      describe: 'default https://api.nlpearl.ai; http only on loopback (env NLPEARL_API_URL)',
      group: 'API:',
    })
    .option('token-file', {
      type: 'string',
      describe: 'file holding AccountId:SecretKey (else env NLPEARL_API_TOKEN)',
      group: 'API:',
    })
    .option('concurrency', { type: 'number', describe: 'requests in flight (default 8)', group: 'Sending:' })
    .option('rate', {
      type: 'number',
      describe: 'at most this many requests per second (default: adaptive)',
      group: 'Sending:',
    })
    .option('timeout', { type: 'number', describe: 'seconds per attempt (default 30)', group: 'Sending:' })
    .option('retries', {
      type: 'number',
      describe: 'retries per row on 429, 5xx, network faults (default 5)',
      group: 'Sending:',
    })
    .option('max-errors', {
      type: 'string',
      describe: 'stop after n failed rows, or n% of rows sent',
      group: 'Sending:',
    })
    .option('preflight', {
      type: 'boolean',
      describe: 'check token and outbound first (--no-preflight skips)',
      group: 'Sending:',
    });
}

function resultsOptions<T>(y: Argv<T>) {
  return y
    .option('results', {
      type: 'string',
      describe: 'results file (default <input>.results.csv)',
      group: 'Results:',
    })
    .option('overwrite', { type: 'boolean', describe: 'replace an existing results file', group: 'Results:' })
    .option('resume', { type: 'boolean', describe: 'continue an existing results file', group: 'Results:' })
    .option('dry-run', { type: 'boolean', describe: 'validate every row; send nothing', group: 'Results:' });
}
