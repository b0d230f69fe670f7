import path from 'node:path';
import type { Logger } from 'pino';
import { formatIssues, importOptionsSchema, type ImportOptions, type ImportOptionsInput } from '../config.js';
import { openCsv, type OpenedCsv } from '../csv/open-csv.js';
import { UsageError } from '../errors.js';
import { isCountryCode } from '../mapping/phone.js';
import { describeMapping, resolveMapping, type ColumnMapping } from '../mapping/columns.js';
import { RESULT_COLUMNS, isResultsHeader } from '../results/columns.js';
import { defaultResultsPath, resultsMode, type ResultsMode } from '../results/results-path.js';
import { checkApiUrl } from '../upload/api-url.js';
import { checkToken } from '../upload/token.js';
import { resolveLedgerLocation, type LedgerLocation } from '../ledger/location.js';
import { LedgerRun } from './ledger-run.js';
import { loadPriorStates, type PriorStates } from './prior-states.js';
import { checkResumedInput, inputIdentity } from './resume-check.js';

/** Everything a run needs before its first row: checked options, the open input, the mapping, prior state. */
export interface PreparedRun {
  readonly options: ImportOptions;
  readonly apiUrl: string;
  readonly token: string;
  readonly outbound: string;
  readonly resultsPath: string;
  readonly writeMode: ResultsMode;
  readonly prior: PriorStates | undefined;
  readonly csv: OpenedCsv;
  /** The input's name in messages: its path, or <stdin>. */
  readonly inputName: string;
  /** Indexes into the input's own cells (`outputHeader`), without a results file's columns. */
  readonly mapping: ColumnMapping;
  /** The mapping as "field ← column" lines, for the log and the validation report. */
  readonly mappingLines: string[];
  /** The input is itself a results file (retry): its leading columns are ours. */
  readonly fromResults: boolean;
  /** The input's own columns, written after ours in the results file. */
  readonly outputHeader: string[];
  /** From --default-country, else the mapping file's. */
  readonly defaultCountry: string | undefined;
  /** The ledger, open (and the outbound locked, unless a dry run); undefined with `ledger: false`. */
  readonly ledger: LedgerRun | undefined;
}

/**
 * Checks every option and opens the input. Every problem found here is a UsageError or InputError (exit 2),
 * thrown before anything is sent or written.
 */
export async function prepareRun(
  input: ImportOptionsInput,
  retry: boolean,
  logger: Logger,
  context: { stdin?: NodeJS.ReadableStream | undefined; tokenSource?: string | undefined },
): Promise<PreparedRun> {
  const parsed = importOptionsSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues).join('; '), 'CONFIG');
  const options = parsed.data;

  const apiUrl = checkApiUrl(options.apiUrl);
  const token = options.dryRun ? '' : checkToken(options.token, context.tokenSource);
  const outbound = options.outbound ?? '';
  if (!options.dryRun && outbound === '') {
    throw new UsageError('no outbound id: pass --outbound <id> or set NLPEARL_OUTBOUND_ID', 'USAGE');
  }
  if (options.canary !== undefined && (options.dryRun || options.input === '-')) {
    throw new UsageError(
      options.dryRun
        ? '--canary sends rows, and a dry run sends none'
        : '--canary needs a file: standard input cannot be read again to continue',
      'USAGE',
    );
  }
  if (options.input === '-' && options.results === undefined) {
    throw new UsageError('--results <file> is required when the leads come from standard input', 'USAGE');
  }
  const defaultCountry = options.defaultCountry ?? options.map?.defaultCountry?.toUpperCase();
  if (defaultCountry !== undefined && !isCountryCode(defaultCountry)) {
    throw new UsageError(
      `--default-country "${defaultCountry}" is not an ISO 3166 country code such as US, GB, FR, DE or IL`,
      'CONFIG',
    );
  }
  const resultsPath = options.results ?? defaultResultsPath(options.input);
  const writeMode: ResultsMode = retry
    ? 'append'
    : resultsMode(resultsPath, {
        resume: options.resume,
        overwrite: options.overwrite,
        input: options.input,
      });
  const ledgerAt = ledgerLocation(options.ledger, outbound);
  const prior =
    writeMode === 'append' ? await loadPriorStates(resultsPath, (m) => logger.warn(m)) : undefined;

  const csvOptions = {
    encoding: options.encoding,
    delimiter: options.delimiter,
    endByte: retry ? prior?.usableBytes : undefined,
    // A results file (retry) has its header on line 1.
    headerRow: retry ? undefined : options.headerRow,
  };
  const identity = prior !== undefined && !retry ? inputIdentity(options.input) : undefined;
  const csv = await openCsv(
    options.input === '-'
      ? { stream: context.stdin ?? process.stdin, name: '<stdin>' }
      : { path: options.input },
    csvOptions,
  );
  let ledger: LedgerRun | undefined;
  try {
    const header = csv.header;
    // A results file read as input: its leading columns are ours, never the lead's.
    const fromResults = isResultsHeader(header);
    const outputHeader = header.slice(fromResults ? RESULT_COLUMNS.length : 0);
    if (prior !== undefined && prior.header.join('\u0000') !== outputHeader.join('\u0000')) {
      throw new UsageError(
        `${resultsPath} was written for a file with other columns; pass --overwrite to start again, or --results <file>`,
        'RESULTS_EXISTS',
      );
    }
    const offset = header.length - outputHeader.length;
    const mapping = resolveMapping(outputHeader, options, {
      headerLine: csv.headerLine,
      sample: csv.sample.map((row) => ({ ...row, cells: row.cells.slice(offset) })),
    });
    for (const warning of mapping.warnings) logger.warn(warning);
    const mappingLines = describeMapping(mapping, outputHeader);
    logger.info({ mapping: mappingLines, encoding: csv.encoding, delimiter: csv.delimiter }, 'mapping');
    // Retry reads the results file itself: its rows are the ones recorded by definition.
    if (prior !== undefined && !retry) {
      await checkResumedInput({
        input: options.input,
        csv: csvOptions,
        resultsPath,
        recorded: prior.states,
        identity,
      });
    }
    if (ledgerAt !== undefined) {
      const inputPath = options.input === '-' ? undefined : path.resolve(options.input);
      ledger = await LedgerRun.start(
        ledgerAt,
        {
          command: retry ? 'retry' : 'import',
          outbound,
          source: options.source ?? inputPath ?? 'stdin',
          inputPath,
          inputSize: csv.totalBytes,
          resultsPath: path.resolve(resultsPath),
          dryRun: options.dryRun,
        },
        logger,
      );
    }
    return {
      options,
      apiUrl,
      token,
      outbound,
      resultsPath,
      writeMode,
      prior,
      csv,
      inputName: options.input === '-' ? '<stdin>' : options.input,
      mapping,
      mappingLines,
      fromResults,
      outputHeader,
      defaultCountry,
      ledger,
    };
  } catch (error) {
    await ledger?.finish(undefined);
    await csv.close();
    throw error;
  }
}

/**
 * Where the run's ledger is: the option's file or URL, else the default under the XDG state folder; none with
 * `ledger: false`, or in a dry run without an outbound (nothing to compare with).
 */
function ledgerLocation(option: string | false | undefined, outbound: string): LedgerLocation | undefined {
  if (option === false || outbound === '') return undefined;
  const found = resolveLedgerLocation({
    flag: option,
    env: { HOME: process.env.HOME, XDG_STATE_HOME: process.env.XDG_STATE_HOME },
  });
  if (!found.ok) throw new UsageError(found.issue, 'CONFIG');
  return found.location;
}
