/** Input read before its rows are counted on: enough rows for their average length to hold for the rest. */
export const ESTIMATE_AFTER_BYTES = 4 * 1024 * 1024;

/**
 * How many records the whole input holds, judged by the average length of those read so far; undefined until
 * `afterBytes` (4 MB) are read (a smaller input needs no estimate), or when its size is unknown (stdin). The
 * reader runs a chunk or two ahead of the records handed out (≤ 128 KB, ≤ 3% at 4 MB), which makes the average
 * look longer than it is: the estimate is raised by 5% so it errs on the side of enough.
 */
export function expectedRows(
  totalBytes: number | undefined,
  bytesRead: number,
  rowsRead: number,
  afterBytes = ESTIMATE_AFTER_BYTES,
): number | undefined {
  if (totalBytes === undefined || rowsRead < 1 || bytesRead < afterBytes) return undefined;
  return Math.ceil(((totalBytes * rowsRead) / bytesRead) * 1.05);
}
