import type { ColumnMapping } from './columns.js';

/** How many rows took their number from one phone column. */
export interface PhoneColumnCount {
  /** The column's name in the header. */
  readonly column: string;
  readonly rows: number;
}

/**
 * Counts, for the run's summary, how many rows took their phone number from each column: the pipeline adds the
 * `phoneColumn` of every mapped row that goes on. Only worth showing when several columns gave numbers; one
 * column's count is every such row.
 */
export class PhoneColumnCounts {
  readonly #rows = new Map<number, number>();

  add(column: number): void {
    this.#rows.set(column, (this.#rows.get(column) ?? 0) + 1);
  }

  /** The counts in the mapping's order of preference; columns no row took its number from are left out. */
  counts(mapping: ColumnMapping): PhoneColumnCount[] {
    return mapping.phones.flatMap(({ index, name }) => {
      const rows = this.#rows.get(index);
      return rows === undefined ? [] : [{ column: name, rows }];
    });
  }
}

/** `"Mobile Phone": 12 rows, "Business Phone": 3 rows`, each count written by `count` (a terminal's "1,200"). */
export function describePhoneColumns(
  counts: readonly PhoneColumnCount[],
  count: (rows: number) => string = String,
): string {
  return counts
    .map(({ column, rows }) => `"${column}": ${count(rows)} row${rows === 1 ? '' : 's'}`)
    .join(', ');
}
