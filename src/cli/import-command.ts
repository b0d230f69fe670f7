import fs from 'node:fs';
import pino, { type Logger } from 'pino';
import type { ImportOptionsInput } from '../config.js';
import { mapFileSchema, formatIssues } from '../config.js';
import { UsageError } from '../errors.js';
import { importLeads, retryFailedRows } from '../pipeline/import-leads.js';
import { formatSummary, type ImportSummary } from '../pipeline/summary.js';
import type { CliIo } from './io.js';
import { formatValidationReport } from './validation-report.js';
import { handleStopSignals } from './signals.js';

/** The flags of `import`, `validate` and `retry`, as yargs hands them over (camel-cased). */
export interface ImportFlags {
  /** yargs hands over a lone `-` (standard input) as `true`. */
  file?: string | boolean;
  outbound?: string;
  apiUrl?: string;
  results?: string;
  overwrite?: boolean;
  resume?: boolean;
  dryRun?: boolean;
  concurrency?: number;
  rate?: number;
  timeout?: number;
  retries?: number;
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
  encoding?: string;
  delimiter?: string;
  logLevel?: string;
}

export type ImportCommand = 'import' | 'validate' | 'retry';

export async function runImportCommand(
  command: ImportCommand,
  flags: ImportFlags,
  io: CliIo,
): Promise<number> {
  const logger = createLogger(flags.logLevel ?? 'info', io);
  const options: ImportOptionsInput = {
    input: typeof flags.file === 'string' && flags.file !== '' ? flags.file : '-',
    outbound: flags.outbound ?? io.env.NLPEARL_OUTBOUND_ID,
    token: io.env.NLPEARL_API_TOKEN,
    ...defined({
      apiUrl: flags.apiUrl ?? io.env.NLPEARL_API_URL,
      results: flags.results,
      overwrite: flags.overwrite,
      resume: flags.resume,
      dryRun: command === 'validate' ? true : flags.dryRun,
      concurrency: flags.concurrency,
      rate: flags.rate,
      timeout: flags.timeout,
      retries: flags.retries,
      maxErrors: flags.maxErrors,
      preflight: flags.preflight,
      phone: flags.phone,
      externalId: flags.externalId,
      timeZone: flags.timeZone,
      callData: splitColumns(flags.callData),
      map: flags.map === undefined ? undefined : readMapFile(flags.map),
      defaultCountry: flags.defaultCountry,
      keepPhone: flags.keepPhone,
      allowDuplicates: flags.allowDuplicates,
      encoding: flags.encoding,
      delimiter: flags.delimiter === 'tab' ? '\t' : flags.delimiter,
    }),
  };
  let flush: (() => void) | undefined;
  const stop = handleStopSignals(io, () => flush?.());
  let summary: ImportSummary;
  try {
    const deps = { logger, signal: stop.signal, stdin: io.stdin, onWriter: (f: () => void) => (flush = f) };
    summary =
      command === 'retry'
        ? await retryFailedRows({ ...options, results: options.input }, deps)
        : await importLeads(options, deps);
  } finally {
    stop.dispose();
  }
  const failed = summary.counts.failed + summary.counts.invalid + summary.counts.unknown;
  const retry =
    !summary.dryRun && failed > 0 ? retryCommand(summary.resultsPath, options.outbound) : undefined;
  io.stdout.write(summary.dryRun ? formatValidationReport(summary) : formatSummary(summary, retry));
  return summary.exitCode;
}

function createLogger(level: string, io: CliIo): Logger {
  return pino(
    {
      level,
      base: undefined,
      // The token only ever lives in the client's headers; these paths are a second lock on the door.
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    io.stderr,
  );
}

function readMapFile(file: string): NonNullable<ImportOptionsInput['map']> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the mapping file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      'CONFIG',
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `the mapping file ${file} is not valid JSON: ${(error as Error).message}`,
      'CONFIG',
      { cause: error },
    );
  }
  const parsed = mapFileSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(`mapping file ${file}: ${formatIssues(parsed.error.issues).join('; ')}`, 'CONFIG');
  return parsed.data;
}

function splitColumns(value: string | false | undefined): string[] | false | undefined {
  if (value === undefined || value === false) return value;
  return value
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
}

function retryCommand(results: string, outbound: string | undefined): string {
  const quote = (text: string) => (/^[\w./:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  return `nlpearl-leads retry ${quote(results)}${outbound === undefined ? '' : ` --outbound ${quote(outbound)}`}`;
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
