import type { ColumnMapping } from './columns.js';

/** How many rows took their number from one phone column. */
export interface PhoneColumnCount {
  /** The column's name in the header. */
  readonly column: string;
  readonly rows: number;
}

/**
 * Counts, for the run's summary, how many rows took their phone number from each column: the pipeline adds the
 * `phoneColumn` of every row that mapRecord mapped. Only worth showing when the mapping has several phone
 * columns; one column's count is every mapped row.
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

  /** `phone from "Mobile Phone": 12 rows, "Business Phone": 3 rows`, or undefined when no row was counted. */
  describe(mapping: ColumnMapping): string | undefined {
    const counts = this.counts(mapping);
    if (counts.length === 0) return undefined;
    const each = counts.map(({ column, rows }) => `"${column}": ${rows} row${rows === 1 ? '' : 's'}`);
    return `phone from ${each.join(', ')}`;
  }
}
