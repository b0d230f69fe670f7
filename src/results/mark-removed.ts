import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { RESULT_COLUMNS } from './columns.js';
import { compactResultsFile } from './compact-results.js';
import { safeCell } from './results-writer.js';
import { scanResultsFile } from './results-scan.js';

/**
 * Marks `removed` the rows of a results file whose lead undo deleted: a line is appended for each row whose
 * last line names one of `leadIds` (created, updated, or unchanged on a later night), and the file is then
 * compacted to one line a row. Appending, as every results write does, keeps the file whole through a crash;
 * a row already marked gets no new line, so marking again changes nothing. Memory: the last line of each matching row until the end.
 * @returns how many rows were marked now.
 */
export async function markRemovedInResults(
  file: string,
  leadIds: ReadonlySet<string>,
  note: string,
  warn: (message: string) => void,
): Promise<number> {
  // The file holds ids as the writer wrote them: one that looks like a formula carries a leading quote.
  const written = new Set([...leadIds].map(safeCell));
  const lastLines = new Map<number, readonly string[]>();
  const scan = await scanResultsFile(
    file,
    (line) => {
      if (line.status !== 'removed' && written.has(line.fields[2] ?? ''))
        lastLines.set(line.row, line.fields);
      else lastLines.delete(line.row);
    },
    warn,
  );
  if (lastLines.size === 0) return 0;
  const lines = [...lastLines.values()].map((fields) => [
    fields[0] ?? '',
    'removed',
    fields[2] ?? '',
    note,
    fields[4] ?? '',
    ...fields.slice(RESULT_COLUMNS.length),
  ]);
  const fd = fs.openSync(file, 'r+');
  try {
    // Appended after the whole lines: a torn last line a crash left (the scan warned of it) goes.
    fs.ftruncateSync(fd, scan.usableBytes);
    fs.writeSync(fd, stringify(lines), scan.usableBytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  await compactResultsFile(file, warn);
  return lines.length;
}
