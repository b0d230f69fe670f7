import fs from 'node:fs';
import yargs from 'yargs';
import { NlpearlLeadsError } from '../errors.js';
import type { ImportCommand, ImportFlags } from './import-command.js';
import { exitStatusOf } from './exit-status.js';
import type { CliIo } from './io.js';
import { ledgerCommand } from './ledger-command.js';
import { postgresSecrets } from '../ledger/postgres-secrets.js';
import {
  ENVIRONMENT,
  EXIT_CODES,
  importCommandOptions,
  retryCommandOptions,
  validateCommandOptions,
} from './options.js';
import { sandboxCommand } from '../sandbox/command.js';
import { Redactor } from './secrets.js';
import { undoCommand } from './undo-command.js';

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. Never exits itself. */
export async function main(argv: readonly string[], processIo: CliIo): Promise<number> {
  // Every byte written from here on goes through the redactor, whatever writes it.
  const redactor = Redactor.fromEnv(processIo.env);
  // And the password of a PostgreSQL ledger, in --ledger, ledger copy's --from and --to, or NLPEARL_LEDGER.
  for (const value of [processIo.env.NLPEARL_LEDGER, ...argv])
    for (const secret of postgresSecrets(value)) redactor.add(secret);
  const io: CliIo = {
    ...processIo,
    stdout: redactor.wrap(processIo.stdout),
    stderr: redactor.wrap(processIo.stderr),
  };
  let exitCode = 0;
  // yargs camel-cases every flag; ImportFlags names the ones the import commands read.
  // Commands load their modules when they run: --help, --version and completion stay quick.
  const run = (command: ImportCommand) => async (flags: unknown) => {
    const { runImportCommand } = await import('./import-command.js');
    exitCode = await runImportCommand(command, flags as ImportFlags, io, redactor, argv);
  };
  const cli = yargs()
    .scriptName('nlpearl-leads')
    // A flag given twice takes its last value, as in most CLIs, rather than becoming a list.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage('$0 <command> [options]\n\nBulk-import leads from CSV files into NLPearl.ai outbound campaigns.')
    .command(
      'import <file>',
      'import a CSV of leads (file path, or - for standard input)',
      importCommandOptions,
      run('import'),
    )
    .command(
      'validate <file>',
      'read, map and check every row; send nothing (needs no token)',
      validateCommandOptions,
      run('validate'),
    )
    .command(
      'retry <file>',
      'send again the rows of a results file whose status is failed or invalid, updating that file',
      retryCommandOptions,
      run('retry'),
    )
    .command(undoCommand({ io, redactor, setExitCode: (code) => (exitCode = code) }))
    .command(ledgerCommand({ io, redactor, setExitCode: (code) => (exitCode = code) }))
    .command(sandboxCommand(io))
    .command(
      'timezones',
      'list the time-zone ids NLPearl accepts (Windows ids) and the IANA names they stand for',
      (y) =>
        y
          .option('iana', { type: 'boolean', describe: 'list the IANA names too (--no-iana: ids only)' })
          .example([['$0 timezones | grep -i berlin   # the id to write for Europe/Berlin', '']]),
      async (flags) => {
        const { printTimeZones } = await import('./timezones-command.js');
        printTimeZones(io.stdout, { iana: flags.iana });
      },
    )
    .completion('completion', 'print a bash/zsh completion script (nlpearl-leads completion >> ~/.bashrc)')
    .demandCommand(
      1,
      'name a command: import, validate, retry, undo, ledger, sandbox, timezones or completion',
    )
    // Not .strict(): it refuses the `completion` command itself. Extra arguments are refused by each command.
    .strictCommands()
    .strictOptions()
    .epilogue(`${EXIT_CODES}\n\n${ENVIRONMENT}`)
    .wrap(Math.min(110, io.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageFailure(message);
    })
    .help()
    .alias('help', 'h')
    .version(packageVersion());

  try {
    // With a callback, yargs hands over --help, --version and completion output instead of printing it.
    let output = '';
    await cli.parseAsync([...argv], {}, (_error, _argv, text) => {
      output = text;
    });
    if (output !== '') io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageFailure) {
      io.stderr.write(`nlpearl-leads: ${error.message}\nRun nlpearl-leads --help for usage.\n`);
      return 2;
    }
    if (error instanceof NlpearlLeadsError) {
      io.stderr.write(`nlpearl-leads: ${error.message}\n`);
      return exitStatusOf(error);
    }
    const debug = argv.includes('debug') || argv.includes('trace');
    io.stderr.write(
      debug && error instanceof Error && error.stack
        ? `nlpearl-leads: unexpected error: ${error.stack}\n`
        : `nlpearl-leads: unexpected error: ${error instanceof Error ? error.message : String(error)} (--log-level debug shows more)\n`,
    );
    return exitStatusOf(error);
  }
}

class UsageFailure extends Error {}

/** The version in our package.json (dist/cli/main.js and src/cli/main.ts both sit two folders below it). */
function packageVersion(): string {
  try {
    const json = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
