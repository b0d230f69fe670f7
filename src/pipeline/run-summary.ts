import type { Logger } from 'pino';
import { InputError, OutputError, describeFsError } from '../errors.js';
import { compactResultsFile } from '../results/compact-results.js';
import type { PreparedRun } from './prepare-run.js';
import type { RunStop } from './run-stop.js';
import type { RunTally } from './run-tally.js';
import { exitCodeOf, type ImportSummary, type LedgerReport } from './summary.js';

/** Rewrites the results file to one line per row, in row order, now that no line is still coming. */
export async function compact(run: PreparedRun, logger: Logger, stop: RunStop): Promise<void> {
  try {
    const report = await compactResultsFile(run.resultsPath, (message) => logger.warn(message));
    logger.debug(report, 'results compacted');
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputError) throw error;
    const message = `cannot rewrite the results file ${describeFsError(run.resultsPath, error)}; its lines are all there, in the order they came`;
    stop.fail(new OutputError(message, 'RESULTS_UNWRITABLE', { cause: error, path: run.resultsPath }));
  }
}

/**
 * The run's summary. A file that failed before any lead was sent is thrown (exit 2: nothing to resume);
 * after, the run is reported as stopped, with every outcome reached written.
 */
export function summarize(
  run: PreparedRun,
  tally: RunTally,
  stop: RunStop,
  ledger: LedgerReport | undefined,
): ImportSummary {
  const failure = stop.failure;
  const where = failure instanceof InputError ? `; the rows before it are in ${run.resultsPath}` : '';
  if (failure !== undefined && !tally.sentAny) {
    if (failure instanceof InputError) {
      throw new InputError(`${failure.message}${where}`, failure.code, {
        cause: failure,
        line: failure.line,
      });
    }
    throw failure;
  }
  const stopped =
    stop.reason === undefined ? undefined : { ...stop.reason, message: `${stop.reason.message}${where}` };
  const durationMs = tally.elapsedMs();
  const refused = ledger?.absentAction?.kind === 'refused';
  return {
    resultsPath: run.resultsPath,
    dryRun: run.options.dryRun,
    rows: tally.done + tally.alreadyDone,
    counts: { ...tally.counts },
    doNotCall: tally.doNotCall,
    phoneColumns: tally.phoneColumns(run.mapping),
    alreadyDone: tally.alreadyDone,
    durationMs,
    rowsPerSecond: durationMs > 0 ? (tally.done * 1000) / durationMs : 0,
    mapping: run.mappingLines,
    input: { encoding: run.csv.encoding, delimiter: run.csv.delimiter },
    problems: [...tally.problems],
    ...(ledger === undefined ? {} : { ledger }),
    ...(stopped === undefined ? {} : { stopped }),
    exitCode:
      refused && stopped === undefined
        ? 2
        : exitCodeOf(tally.counts, stopped !== undefined && stopped.code !== 'CANARY'),
  };
}
