import type { Argv } from 'yargs';
import { IMPORT_OPTIONS, importOptionEntries } from '../options/import-options.js';
import type { CommandName } from '../options/option-spec.js';
import { flagName, yargsFlag } from '../options/yargs-flag.js';
import { TOKEN_NOTE } from './api-flags.js';

/*
 * The flags of import, validate and retry, each one from its entry in the option table; this file adds the
 * examples and the text around them. It loads neither zod nor the commands' modules, so --help stays quick.
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

/** The variables that give an option, from the table: `NLPEARL_OUTBOUND_ID   default for --outbound`. */
const OPTION_VARIABLES = importOptionEntries.flatMap(([name, spec]) =>
  spec.where.env === undefined ? [] : [`  ${spec.where.env.padEnd(20)}  default for --${flagName(name)}`],
);

export const ENVIRONMENT = `Environment:
  NLPEARL_API_TOKEN     "AccountId:SecretKey" from the platform's Settings → API page
  NLPEARL_ACCOUNT_ID    with NLPEARL_SECRET_KEY: the token in two parts
${OPTION_VARIABLES.join('\n')}
  NO_COLOR              no colours
  CI                    no progress display (a progress log line every ${IMPORT_OPTIONS.progressInterval.default} s instead)
Precedence: flags > environment > --config file > defaults.`;

const SENDING_EPILOGUE = `${TOKEN_NOTE}\n\n${EXIT_CODES}\n\n${ENVIRONMENT}`;

export function importCommandOptions<T>(y: Argv<T>) {
  return commandFlags(y, 'import')
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
  return commandFlags(y, 'validate')
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
  return commandFlags(y, 'retry')
    .example(
      examples([
        [`$0 retry leads.results.csv --outbound ${OUTBOUND}`, 'send the failed and invalid rows again'],
        ['$0 retry leads.results.csv --config nightly.json --rate 5', 'the nightly settings, gently'],
      ]),
    )
    .epilogue(SENDING_EPILOGUE);
}

/** The positional file and every flag the table gives the command, in the table's order. */
function commandFlags<T>(y: Argv<T>, command: CommandName): Argv<T> {
  let flags = y.positional('file', {
    type: 'string',
    describe: 'CSV file, or - for standard input',
  }) as Argv<T>;
  for (const [name, spec] of importOptionEntries) {
    if (spec.where.commands?.includes(command) === true)
      flags = flags.option(flagName(name), yargsFlag(spec, spec.where));
  }
  return flags;
}
