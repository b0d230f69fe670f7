import { compactResultsFile } from '../results/compact-results.js';
import { hashCells } from '../results/cells-hash.js';
import { RESULT_COLUMNS } from '../results/columns.js';
import { RowStates } from '../results/row-states.js';
import { scanResultsFile } from '../results/results-scan.js';

export interface PriorStates {
  /** Each row's latest status, and a hash of the cells it was recorded with (see `checkResumedInput`). */
  readonly states: RowStates;
  /** The input columns the results file was written for. */
  readonly header: string[];
  /** Bytes of whole lines: a retry reads its input up to here, while it appends its own lines after. */
  readonly usableBytes: number;
}

/**
 * What an earlier run left in a results file: the latest status of each row, and its cells' hash. The file is
 * compacted first, so that a crash's leftovers (several lines per row, a torn last line) are gone before we
 * append to it.
 */
export async function loadPriorStates(file: string, warn: (message: string) => void): Promise<PriorStates> {
  await compactResultsFile(file, warn);
  const states = new RowStates();
  const scan = await scanResultsFile(
    file,
    // The file holds the input's cells byte for byte as read, so they hash as the input's own record does.
    (line) => states.set(line.row, line.status, hashCells(line.fields, RESULT_COLUMNS.length)),
    warn,
  );
  return { states, header: scan.header, usableBytes: scan.usableBytes };
}
