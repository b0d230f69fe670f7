import { scanResultsFile } from './results-scan.js';

/** A row of a results file whose lead an earlier run had added, and this one changed (Update Lead). */
export interface UpdatedRow {
  readonly row: number;
  readonly leadId: string;
}

/** The rows of a results file whose last line says `updated`, in row order: what undo lists and leaves. */
export async function updatedRows(file: string, warn: (message: string) => void): Promise<UpdatedRow[]> {
  const rows = new Map<number, string>();
  await scanResultsFile(
    file,
    (line) => {
      if (line.status === 'updated') rows.set(line.row, line.fields[2] ?? '');
      else rows.delete(line.row);
    },
    warn,
  );
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([row, leadId]) => ({ row, leadId }));
}
