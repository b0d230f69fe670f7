import fs from 'node:fs';

/** A valid US number per row (exchange 2xx, so every one passes libphonenumber's checks). */
export function phoneOf(row: number): string {
  return `+1212${String(2_000_000 + row).padStart(7, '0')}`;
}

/** Writes `rows` leads with phone, externalId (unless `externalIds` is false) and a name. */
export function writeLeadsCsv(file: string, rows: number, options: { externalIds?: boolean } = {}): void {
  const withIds = options.externalIds ?? true;
  const lines = [withIds ? 'phone,externalId,firstName' : 'phone,firstName'];
  for (let row = 1; row <= rows; row += 1) {
    lines.push(withIds ? `${phoneOf(row)},ext-${row},Name ${row}` : `${phoneOf(row)},Name ${row}`);
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
