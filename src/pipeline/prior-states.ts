import { compactResultsFile } from '../results/compact-results.js';
import { RowStates } from '../results/row-states.js';
import { scanResultsFile } from '../results/results-scan.js';

export interface PriorStates {
  readonly states: RowStates;
  /** The input columns the results file was written for. */
  readonly header: string[];
  /** Bytes of whole lines: a retry reads its input up to here, while it appends its own lines after. */
  readonly usableBytes: number;
}

/**
 * What an earlier run left in a results file: the latest status of each row. The file is compacted first, so
 * that a crash's leftovers (several lines per row, a torn last line) are gone before we append to it.
 */
export async function loadPriorStates(file: string, warn: (message: string) => void): Promise<PriorStates> {
  await compactResultsFile(file, warn);
  const states = new RowStates();
  const scan = await scanResultsFile(file, (line) => states.set(line.row, line.status), warn);
  return { states, header: scan.header, usableBytes: scan.usableBytes };
}
