import { describe, expect, it } from 'vitest';
import { resolveMapping } from '../src/mapping/columns.js';
import { mapRecord } from '../src/mapping/lead.js';
import { PhoneColumnCounts, describePhoneColumns } from '../src/mapping/phone-column-counts.js';

describe('PhoneColumnCounts', () => {
  it("counts the rows by the column their phone came from, in the mapping's order", () => {
    const header = ['Name', 'Phone', 'Mobile'];
    const mapping = resolveMapping(header);
    const counts = new PhoneColumnCounts();
    expect(counts.counts(mapping)).toEqual([]);
    for (const cells of [
      ['Ann', '+12125550100', ''],
      ['Bob', '+12125550101', '+12125550102'],
      ['Cy', '', '+12125550103'],
      ['Dee', '+12125550104', ''],
    ]) {
      const mapped = mapRecord(cells, mapping);
      if (mapped.ok) counts.add(mapped.phoneColumn);
    }
    expect(counts.counts(mapping)).toEqual([
      { column: 'Mobile', rows: 2 },
      { column: 'Phone', rows: 2 },
    ]);
    counts.add(1);
    expect(describePhoneColumns(counts.counts(mapping))).toBe('"Mobile": 2 rows, "Phone": 3 rows');
    expect(describePhoneColumns([{ column: 'Work Phone', rows: 1 }])).toBe('"Work Phone": 1 row');
  });
});
