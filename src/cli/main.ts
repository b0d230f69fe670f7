import yargs, { type Argv } from 'yargs';
import { NlpearlLeadsError } from '../errors.js';
import { runSandboxCommand } from '../sandbox/cli.js';
import { runImportCommand, type ImportCommand, type ImportFlags } from './import-command.js';
import type { CliIo } from './io.js';
import { printTimeZones } from './timezones-command.js';

const EXIT_CODES = `Exit codes:
  0  every row created (validate, --dry-run: every row valid)
  1  the run finished, but some rows are invalid or failed: see the results file
  2  usage or configuration error; nothing was sent
  3  the run stopped part-way (credentials rejected, outbound not found, interrupted);
     the results file holds every outcome reached: run again with --resume`;

const ENVIRONMENT = `Environment:
  NLPEARL_API_TOKEN    "AccountId:SecretKey" from the platform's Settings → API page
  NLPEARL_OUTBOUND_ID  default for --outbound
  NLPEARL_API_URL      default for --api-url`;

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. Never exits itself. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  // yargs camel-cases every flag; ImportFlags names the ones the import commands read.
  const run = (command: ImportCommand) => async (flags: unknown) => {
    exitCode = await runImportCommand(command, flags as ImportFlags, io);
  };
  const cli = yargs([...argv])
    .scriptName('nlpearl-leads')
    // A flag given twice takes its last value, as in most CLIs, rather than becoming a list.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage('$0 <command> [options]\n\nBulk-import leads from CSV files into NLPearl.ai outbound campaigns.')
    .command(
      'import <file>',
      'import a CSV of leads (file path, or - for standard input)',
      (y: Argv) =>
        importOptions(mappingOptions(y)).example(
          '$0 import leads.csv --outbound 66a1f0…',
          'writes leads.results.csv',
        ),
      run('import'),
    )
    .command(
      'validate <file>',
      'read, map and check every row; send nothing (needs no token)',
      (y: Argv) =>
        mappingOptions(y)
          .option('results', { type: 'string', describe: 'results file' })
          .option('overwrite', { type: 'boolean' }),
      run('validate'),
    )
    .command(
      'retry <file>',
      'send again the rows of a results file whose status is failed or invalid, updating that file',
      (y: Argv) =>
        sendOptions(mappingOptions(y)).example('$0 retry leads.results.csv --outbound 66a1f0…', ''),
      run('retry'),
    )
    .command(
      'sandbox',
      'run a local NLPearl-compatible server on 127.0.0.1 (for demos and tests)',
      (y) =>
        y
          .option('port', { type: 'number', default: 0, describe: '0 picks a free port' })
          .option('latency', { type: 'number', describe: 'ms added to every answer' })
          .option('rate-429', { type: 'number', describe: 'share of Add Lead answered 429 (0..1)' })
          .option('retry-after', { type: 'string', describe: 'Retry-After sent with 429s' })
          .option('rate-5xx', { type: 'number', describe: 'share answered 503 (0..1)' })
          .option('rate-drop', { type: 'number', describe: 'share whose connection is dropped (0..1)' })
          .option('rate-hang', { type: 'number', describe: 'share never answered (0..1)' })
          .option('throttle', { type: 'number', describe: 'answer 429 above this many requests per second' })
          .option('seed', { type: 'number', describe: 'seed of the fault draws' }),
      async (flags) => {
        await runSandboxCommand(
          {
            port: flags.port,
            host: '127.0.0.1',
            latencyMs: flags.latency,
            rate429: flags['rate-429'],
            retryAfter: flags['retry-after'],
            rate5xx: flags['rate-5xx'],
            rateDrop: flags['rate-drop'],
            rateHang: flags['rate-hang'],
            throttleRps: flags.throttle,
            seed: flags.seed,
          },
          { stdout: io.stdout },
        );
      },
    )
    .command('timezones', 'list the time-zone ids NLPearl accepts (Windows ids)', {}, () => {
      printTimeZones(io.stdout);
    })
    .demandCommand(1, 'name a command: import, validate, retry, sandbox or timezones')
    .strict()
    .epilogue(`${EXIT_CODES}\n\n${ENVIRONMENT}`)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageFailure(message);
    })
    .help()
    .version();

  try {
    await cli.parseAsync();
    return exitCode;
  } catch (error) {
    if (error instanceof UsageFailure) {
      io.stderr.write(`nlpearl-leads: ${error.message}\nRun nlpearl-leads --help for usage.\n`);
      return 2;
    }
    if (error instanceof NlpearlLeadsError) {
      io.stderr.write(`nlpearl-leads: ${error.message}\n`);
      return error.exitCode;
    }
    const debug = argv.includes('debug') || argv.includes('trace');
    io.stderr.write(
      debug && error instanceof Error && error.stack
        ? `nlpearl-leads: unexpected error: ${error.stack}\n`
        : `nlpearl-leads: unexpected error: ${error instanceof Error ? error.message : String(error)} (--log-level debug shows more)\n`,
    );
    return 1;
  }
}

class UsageFailure extends Error {}

function mappingOptions<T>(y: Argv<T>) {
  return y
    .positional('file', { type: 'string', describe: 'CSV file, or - for standard input' })
    .option('phone', {
      type: 'string',
      describe: 'column of the phone number (default: detected)',
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
    .option('encoding', { type: 'string', describe: 'input encoding (default: detected)', group: 'Input:' })
    .option('delimiter', {
      type: 'string',
      describe: 'input delimiter: , ; tab | (default: detected)',
      group: 'Input:',
    })
    .option('log-level', {
      type: 'string',
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      describe: 'pino JSON logs on stderr',
    });
}

function sendOptions<T>(y: Argv<T>) {
  return y
    .option('outbound', {
      type: 'string',
      describe: 'outbound campaign id (env NLPEARL_OUTBOUND_ID)',
      group: 'API:',
    })
    .option('api-url', {
      type: 'string',
      describe: 'default https://api.nlpearl.ai (env NLPEARL_API_URL)',
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

function importOptions<T>(y: Argv<T>) {
  return sendOptions(y)
    .option('results', {
      type: 'string',
      describe: 'results file (default <input>.results.csv)',
      group: 'Results:',
    })
    .option('overwrite', { type: 'boolean', describe: 'replace an existing results file', group: 'Results:' })
    .option('resume', { type: 'boolean', describe: 'continue an existing results file', group: 'Results:' })
    .option('dry-run', { type: 'boolean', describe: 'validate every row; send nothing', group: 'Results:' });
}
