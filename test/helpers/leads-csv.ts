import fs from 'node:fs';

/** A valid US number per row (exchange 2xx, so every one passes libphonenumber's checks). */
export function phoneOf(row: number): string {
  return `+1212${String(2_000_000 + row).padStart(7, '0')}`;
}

/**
 * Writes `rows` leads with phone, externalId (unless `externalIds` is false) and a name, plus a `notes` column
 * of `notes` characters when given (wide rows, to reach a size with fewer rows).
 */
export function writeLeadsCsv(
  file: string,
  rows: number,
  options: { externalIds?: boolean; notes?: number } = {},
): void {
  const withIds = options.externalIds ?? true;
  const notes = options.notes === undefined ? '' : `,${'n'.repeat(options.notes)}`;
  const header = withIds ? 'phone,externalId,firstName' : 'phone,firstName';
  const lines = [options.notes === undefined ? header : `${header},notes`];
  for (let row = 1; row <= rows; row += 1) {
    lines.push(
      withIds ? `${phoneOf(row)},ext-${row},Name ${row}${notes}` : `${phoneOf(row)},Name ${row}${notes}`,
    );
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Counts the values that occur more than once. */
export function repeated(values: readonly (string | null)[]): string[] {
  const seen = new Set<string | null>();
  const twice = new Set<string | null>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice].map(String);
}
