import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findHeader } from '../src/csv/header-row.js';
import { openCsv, type CsvRecord, type OpenCsvOptions } from '../src/csv/open-csv.js';
import { InputError } from '../src/errors.js';

async function read(text: string, options?: OpenCsvOptions) {
  const csv = await openCsv({ stream: Readable.from([Buffer.from(text)]), name: 'report.csv' }, options);
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return { csv, records, rows: records.map((r) => [r.row, r.line, ...r.cells]) };
}

const records = (...lines: string[][]) => lines.map((cells, i) => ({ cells, line: i + 1 }));

// QuickBooks Online's "Customer Contact List": the company, the report, its dates, blank lines, then the header.
const REPORT = [
  'Larkspur Garden Design LLC',
  'Customer Contact List',
  'All Dates',
  '',
  '',
  'Customer full name,Phone numbers,Email',
  "Amy's Bird Sanctuary,Phone:(212) 555-0191,birds@example.com",
  'Cool Cars,,cool@example.com',
  '',
  '"Monday, March 3, 2025 09:41 AM GMT-05:00"',
  '',
].join('\r\n');

describe('title lines above the header', () => {
  it('skips the title lines of a report and numbers rows from the real header', async () => {
    const { csv, rows } = await read(REPORT);
    expect(csv.header).toEqual(['Customer full name', 'Phone numbers', 'Email']);
    expect(csv.headerLine).toBe(6);
    // The closing line with the report's date and time is no row.
    expect(rows).toEqual([
      [1, 7, "Amy's Bird Sanctuary", 'Phone:(212) 555-0191', 'birds@example.com'],
      [2, 8, 'Cool Cars', '', 'cool@example.com'],
    ]);
  });

  it('samples the first rows after the header, as read', async () => {
    const { csv } = await read(REPORT);
    expect(csv.sample).toEqual([
      { line: 7, cells: ["Amy's Bird Sanctuary", 'Phone:(212) 555-0191', 'birds@example.com'] },
      { line: 8, cells: ['Cool Cars', '', 'cool@example.com'] },
    ]);
    const long = await read(`phone\n${'+12125550100\n'.repeat(30)}`);
    expect(long.csv.sample).toHaveLength(20);
    expect(long.records).toHaveLength(30);
  });

  it('keeps a one-cell line between rows, and one without a date and time at the end, as rows', async () => {
    const text = ['Report', 'name,phone', 'Ann,+12125550101', 'Bob', 'Cy,+12125550103', 'Dee'].join('\n');
    const { rows } = await read(text);
    expect(rows).toEqual([
      [1, 3, 'Ann', '+12125550101'],
      [2, 4, 'Bob', ''],
      [3, 5, 'Cy', '+12125550103'],
      [4, 6, 'Dee', ''],
    ]);
  });

  it('leaves a file without title lines as it is, a closing date line included', async () => {
    const { csv, rows } = await read('name,phone\nAnn,+12125550101\n"Monday, March 3, 2025 09:41 AM"\n');
    expect(csv.headerLine).toBe(1);
    expect(rows).toEqual([
      [1, 2, 'Ann', '+12125550101'],
      [2, 3, 'Monday, March 3, 2025 09:41 AM', ''],
    ]);
  });

  it('finds the header only where the title lines are single cells and the rows are as wide', () => {
    expect(findHeader(records(['Report'], ['Dates'], ['a', 'b', 'c'], ['1', '2', '3']))).toBe(2);
    // Title lines that Excel padded with delimiters are still one cell each.
    expect(findHeader(records(['Report', '', ''], ['a', 'b', 'c'], ['1', '2', '3']))).toBe(1);
    // A first line of two cells or more is the header, whatever follows.
    expect(findHeader(records(['a', 'b'], ['1', '2', '3', '4']))).toBe(0);
    // A one-column file.
    expect(findHeader(records(['phone'], ['+12125550100'], ['+12125550101']))).toBe(0);
    // A one-name header over rows of data: the wider line holds phone numbers, so it is no header.
    expect(findHeader(records(['phone', ''], ['+1 212 555 0100', 'Ann'], ['+1 212 555 0101', 'Bob']))).toBe(
      0,
    );
    // Mostly one-cell rows after the candidate: a one-column file with a stray wide line.
    expect(findHeader(records(['phone'], ['name', 'x'], ['+12125550100'], ['+12125550101']))).toBe(0);
  });
});

describe('--header-row', () => {
  it('reads the header from the line given, leaving out the lines above it', async () => {
    const text = 'Exported 2025-03-03, by: Sam\nfilter:,all,leads\nname,phone\nAnn,+12125550101\n';
    const { csv, rows } = await read(text, { headerRow: 3 });
    expect(csv).toMatchObject({ header: ['name', 'phone'], headerLine: 3 });
    expect(rows).toEqual([[1, 4, 'Ann', '+12125550101']]);
  });

  it('takes the first record after a blank line given as the header row', async () => {
    const { csv } = await read('Report\n\nname,phone\nAnn,+12125550101\n', { headerRow: 2 });
    expect(csv).toMatchObject({ header: ['name', 'phone'], headerLine: 3 });
  });

  it('says when the file ends before the line', async () => {
    const error = await read('name,phone\nAnn,+12125550101\n', { headerRow: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('--header-row 9: report.csv ends before line 9');
    await expect(read('a\nb\n', { headerRow: 2 })).rejects.toThrow('report.csv has a header but no rows');
    await expect(read('name\n', { headerRow: 0 })).rejects.toThrow(RangeError);
  });
});

describe('rows shorter than the header', () => {
  it('read their missing trailing cells as empty; a longer row keeps its reason', async () => {
    const { records: read_ } = await read('a,b,c,d\n1,2\n1,2,3,4,5\n1,2,3,4,,\n');
    expect(read_).toEqual([
      { row: 1, line: 2, cells: ['1', '2', '', ''] },
      {
        row: 2,
        line: 3,
        cells: ['1', '2', '3', '4', '5'],
        error: 'line 3: 5 fields, expected 4 (header); check for a "," inside a cell that is not quoted',
      },
      { row: 3, line: 4, cells: ['1', '2', '3', '4'] },
    ]);
  });
});
