import { describe, expect, it } from 'vitest';
import type { HeaderContext } from '../src/mapping/header-hint.js';
import {
  choosePhone,
  detectPhoneColumns,
  phoneText,
  type PhoneColumn,
} from '../src/mapping/phone-columns.js';
import { UsageError } from '../src/errors.js';

const all = () => true;
const context = (...rows: string[][]): HeaderContext => ({
  headerLine: 1,
  sample: rows.map((cells, i) => ({ line: i + 2, cells })),
});
const names = (columns: readonly PhoneColumn[]) => columns.map((column) => column.name);

function failure(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('detectPhoneColumns', () => {
  it('orders the columns a name finds: mobile, main, work or home, other; then as in the header', () => {
    const header = [
      'Name',
      'Other Phone',
      'Home Phone',
      'Business Fax',
      'Primary Phone',
      'Business Phone',
      'Mobile',
    ];
    const { columns, note } = detectPhoneColumns(header, context(), undefined, all);
    expect(names(columns)).toEqual([
      'Mobile',
      'Primary Phone',
      'Home Phone',
      'Business Phone',
      'Other Phone',
    ]);
    expect(note).toBeUndefined();
  });

  it("pairs Google's values with the type or label beside them", () => {
    const header = [
      'Phone 1 - Type',
      'Phone 1 - Value',
      'Phone 2 - Label',
      'Phone 2 - Value',
      'Phone 3 - Value',
    ];
    const { columns } = detectPhoneColumns(header, context(), undefined, all);
    expect(columns.map((c) => [c.index, c.typeIndex])).toEqual([
      [1, 0],
      [3, 2],
      [4, undefined],
    ]);
  });

  it('leaves out a column named like a phone whose cells are words, while another remains', () => {
    const header = ['Mobile App', 'Phone'];
    const rows = context(['Yes', '+12125550100'], ['No', ''], ['Yes', '+12125550101']);
    expect(names(detectPhoneColumns(header, rows, undefined, all).columns)).toEqual(['Phone']);
    // Alone, it stays: its rows then say what is wrong with each cell.
    expect(names(detectPhoneColumns(['Mobile App'], rows, undefined, all).columns)).toEqual(['Mobile App']);
  });

  it('lets the cells decide when no name does: 80% of the sampled cells parse as phone numbers', () => {
    const header = ['Kontakt', 'Kundennummer', 'Notiz'];
    const rows = context(
      ['030 90182011', '100234', 'ruft zurück'],
      ['+49 30 90182012', '100235', ''],
      ['', '100236', '030 90182013'],
      ['030 90182014', '100237', 'x'],
    );
    const { columns, note } = detectPhoneColumns(header, rows, 'DE', all);
    expect(names(columns)).toEqual(['Kontakt']);
    expect(note).toBe('found by its cells: 3 of 3 sampled cells are phone numbers');
  });

  it('without a default country, counts national numbers by their shape, not dates or ids', () => {
    const header = ['Contact', 'Joined', 'Ref'];
    const rows = context(['(212) 555-0100', '2024-03-01', '12'], ['212.555.0101', '03/01/2024', '13']);
    expect(names(detectPhoneColumns(header, rows, undefined, all).columns)).toEqual(['Contact']);
  });

  it('names the likely columns, with the share of their cells that parse, when nothing decides', () => {
    const header = Array.from({ length: 80 }, (_, i) => `Field ${i + 1}`);
    const row = (i: number) =>
      header.map((_, c) => (c === 6 && i < 2 ? '+12125550100' : c === 9 ? `${i}` : 'x'));
    const error = failure(() =>
      detectPhoneColumns(header, context(...Array.from({ length: 5 }, (_, i) => row(i))), 'US', all),
    );
    expect(error.message).toBe(
      'no phone column found: no column is named like a phone (Phone, Mobile, Telefon, Phone 1 - Value…) and none ' +
        'holds mostly phone numbers; likely: "Field 7" (40% of its 5 sampled cells parse as phone numbers); name ' +
        'it with --phone <column>',
    );
    expect(error.code).toBe('COLUMN_MISSING');
    const none = failure(() => detectPhoneColumns(['a', 'b'], context(['x', 'y']), 'US', all));
    expect(none.message).toBe(
      'no phone column found: no column is named like a phone (Phone, Mobile, Telefon, Phone 1 - Value…) and none ' +
        'holds mostly phone numbers; no cell of the first 1 rows is a phone number; name it with --phone ' +
        '<column>; found: "a", "b"',
    );
  });

  it('never takes a column that is already something else', () => {
    const header = ['Id', 'Phone', 'Mobile'];
    expect(names(detectPhoneColumns(header, context(), undefined, (i) => i !== 2).columns)).toEqual([
      'Phone',
    ]);
  });
});

describe('choosePhone', () => {
  const columns: PhoneColumn[] = [
    { index: 0, name: 'Mobile', rank: 0 },
    { index: 1, name: 'Phone', rank: 1 },
  ];

  it('takes the first column in order whose cell is not empty', () => {
    expect(choosePhone(['+12125550100', '+12125550101'], columns)).toEqual({
      column: 0,
      text: '+12125550100',
    });
    expect(choosePhone(['  ', ' +12125550101 '], columns)).toMatchObject({ column: 1, text: '+12125550101' });
    expect(choosePhone(['', ''], columns)).toBeUndefined();
  });

  it('passes over a cell without a digit, unless no cell has one', () => {
    expect(choosePhone(['n/a', '+12125550101'], columns)).toMatchObject({ column: 1, text: '+12125550101' });
    expect(choosePhone(['-', 'none'], columns)).toEqual({ column: 0, text: '-' });
  });

  it("ranks a Google value by its row's own type, and never dials a fax", () => {
    const google: PhoneColumn[] = [
      { index: 1, name: 'Phone 1 - Value', rank: 1, typeIndex: 0 },
      { index: 3, name: 'Phone 2 - Value', rank: 1, typeIndex: 2 },
    ];
    expect(choosePhone(['Work', '+1 212 555 0101', 'Mobile', '+1 212 555 0102'], google)).toMatchObject({
      column: 3,
    });
    expect(choosePhone(['Other', '+1 212 555 0101', 'Work', '+1 212 555 0102'], google)).toMatchObject({
      column: 3,
    });
    expect(choosePhone(['Home Fax', '+1 212 555 0101', 'Home', '+1 212 555 0102'], google)).toMatchObject({
      column: 3,
    });
    expect(choosePhone(['', '+1 212 555 0101', 'Work', '+1 212 555 0102'], google)).toMatchObject({
      column: 1,
    });
    expect(choosePhone(['Work Fax', '+1 212 555 0101', 'Pager', '+1 212 555 0102'], google)).toEqual({
      column: 1,
      text: '',
      type: 'Work Fax',
    });
  });
});

describe('phoneText', () => {
  it.each([
    ['+1 212 555 0100', '+1 212 555 0100'],
    // Google: two numbers of one type in one cell.
    ['+1 212-555-0103 ::: +1 212-555-0104', '+1 212-555-0103'],
    // QuickBooks: labelled numbers, mobile first, never a fax.
    ['Phone:(212) 555-0191 Mobile:(212) 555-0192', '(212) 555-0192'],
    ['Mobile:(212) 555-0195 Phone:(212) 555-0196', '(212) 555-0195'],
    ['Phone: (212) 555-0193 Fax: (212) 555-0199', '(212) 555-0193'],
    ['Fax:(212) 555-0194', ''],
    ['tel:+12125550199', '+12125550199'],
    // Not labels: left for normalizePhone to judge.
    ['+1 212 555 0100 (call after 5:30)', '+1 212 555 0100 (call after 5:30)'],
  ])('%s → %s', (cell, text) => {
    expect(phoneText(cell)).toBe(text);
  });
});
