import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../src/csv/delimiter.js';
import { normalizeHeader } from '../src/csv/header.js';
import { openCsv } from '../src/csv/open-csv.js';
import type { CsvRecord, OpenCsvOptions, OpenedCsv } from '../src/csv/open-csv.js';
import { InputError } from '../src/errors.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

async function readAll(csv: OpenedCsv): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return records;
}

async function open(name: string, options?: OpenCsvOptions) {
  const csv = await openCsv({ path: fixture(name) }, options);
  const records = await readAll(csv);
  return { csv, records, rows: records.map((r) => [r.row, r.line, ...r.cells]) };
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('openCsv: fixtures', () => {
  it('utf8-bom.csv: strips the BOM from the first header name', async () => {
    const { csv, rows } = await open('utf8-bom.csv');
    expect(csv).toMatchObject({ header: ['name', 'phone', 'city'], encoding: 'utf-8', delimiter: ',' });
    expect(rows).toEqual([
      [1, 2, 'Zoë Müller', '+33 6 12 34 56 78', 'Besançon'],
      [2, 3, 'José Núñez', '+34 612 345 678', 'A Coruña'],
    ]);
  });

  it('semicolon-crlf.csv: ; wins over the decimal commas of the rows', async () => {
    const { csv, rows } = await open('semicolon-crlf.csv');
    expect(csv).toMatchObject({ header: ['Name', 'Phone', 'Amount'], delimiter: ';' });
    expect(rows).toEqual([
      [1, 2, 'Anna', '+49301234567', '1,5'],
      [2, 3, 'Ben', '+49301234568', '2,25'],
    ]);
  });

  it('tabs.tsv and pipes.csv', async () => {
    const tabs = await open('tabs.tsv');
    expect(tabs.csv).toMatchObject({ header: ['name', 'phone', 'company'], delimiter: '\t' });
    expect(tabs.rows).toEqual([
      [1, 2, 'Ann', '+12125550167', 'Acme, Inc'],
      [2, 3, 'Bob', '+12125550168', 'Smith; Sons'],
    ]);
    const pipes = await open('pipes.csv');
    expect(pipes.csv.delimiter).toBe('|');
    expect(pipes.rows).toEqual([
      [1, 2, 'Ann', '+12125550167', 'a, b; c'],
      [2, 3, 'Bob', '+12125550168', ''],
    ]);
  });

  it('too-many-fields.csv and too-few-fields.csv: a longer record carries a reason, a shorter one is padded', async () => {
    const many = await open('too-many-fields.csv');
    expect(many.records).toEqual([
      { row: 1, line: 2, cells: ['Ann', '+12125550101', 'Boston'] },
      {
        row: 2,
        line: 3,
        cells: ['Bob', '+12125550102', 'New York', ' NY'],
        error: 'line 3: 4 fields, expected 3 (header); check for a "," inside a cell that is not quoted',
      },
      { row: 3, line: 4, cells: ['Cy', '+12125550103', 'Austin'] },
    ]);
    // A short record reads its missing trailing cells as empty: exports leave them out.
    const few = await open('too-few-fields.csv');
    expect(few.records).toEqual([
      { row: 1, line: 2, cells: ['Ann', '+12125550101', 'Boston'] },
      { row: 2, line: 3, cells: ['Bob', '+12125550102', ''] },
      { row: 3, line: 4, cells: ['Cy', '', ''] },
      { row: 4, line: 5, cells: ['Dee', '+12125550104', 'Denver'] },
    ]);
  });

  it('trailing-delimiters.csv: empty cells past the header are dropped, not an error', async () => {
    const { records } = await open('trailing-delimiters.csv');
    expect(records).toEqual([
      { row: 1, line: 2, cells: ['Ann', '+12125550101'] },
      { row: 2, line: 3, cells: ['Bob', '+12125550102'] },
    ]);
  });

  it('unclosed-quote-at-end.csv: yields the records before, then throws naming the line', async () => {
    const csv = await openCsv({ path: fixture('unclosed-quote-at-end.csv') });
    const seen: CsvRecord[] = [];
    const error = await failure(
      (async () => {
        for await (const record of csv.records) seen.push(record);
      })(),
    );
    expect(seen).toEqual([
      { row: 1, line: 2, cells: ['Ann', '+12125550101', 'ok'] },
      { row: 2, line: 3, cells: ['Bob', '+12125550102', 'fine, really'] },
    ]);
    expect(error.message).toBe(
      'unclosed-quote-at-end.csv: line 4: a quoted cell opened here is never closed; check for a stray " in this row',
    );
    expect(error).toMatchObject({ code: 'CSV_UNREADABLE_RECORD', line: 4 });
    expect((error.cause as { code: string }).code).toBe('CSV_QUOTE_NOT_CLOSED');
  });

  it('stray-quote.csv: a quote inside an unquoted cell is text', async () => {
    const { rows } = await open('stray-quote.csv');
    expect(rows).toEqual([
      [1, 2, 'TV', '+12125550101', '5" screen'],
      [2, 3, 'Radio', '+12125550102', 'small'],
    ]);
  });

  it('quoted-newlines.csv: cells keep their line breaks and lines count them', async () => {
    const { rows } = await open('quoted-newlines.csv');
    expect(rows).toEqual([
      [1, 2, 'Ann', '+12125550101', '12 Main St\nApt 4\nSpringfield'],
      [2, 5, 'Bob', '+12125550102', '1 "Quoted" Rd'],
      [3, 6, 'Cy, Jr.', '+12125550103', 'Line1\r\nLine2'],
      [4, 8, 'Dee', '+12125550104', 'Plain'],
    ]);
  });

  it('cr-only.csv and mixed-line-endings.csv', async () => {
    expect((await open('cr-only.csv')).rows).toEqual([
      [1, 2, 'Ann', '+12125550101'],
      [2, 3, 'Bob', '+12125550102'],
    ]);
    expect((await open('mixed-line-endings.csv')).rows).toEqual([
      [1, 2, 'Ann', '+12125550101'],
      [2, 3, 'Bob', '+12125550102'],
      [3, 4, 'Cy', '+12125550103'],
    ]);
  });

  it('blank-lines.csv: blank and all-empty records are skipped, lines still count them', async () => {
    const { csv, rows } = await open('blank-lines.csv');
    expect(csv.header).toEqual(['name', 'phone']);
    expect(rows).toEqual([
      [1, 5, 'Ann', '+12125550101'],
      [2, 9, 'Bob', '+12125550102'],
    ]);
  });

  it('duplicate-headers.csv: names are trimmed, made unique and never empty', async () => {
    const { csv, records } = await open('duplicate-headers.csv');
    expect(csv.header).toEqual(['Email', 'phone', 'Email_2', 'column_4', 'email', 'Email_3']);
    expect(records[0]!.cells).toEqual(['a@x.com', '+12125550101', 'b@x.com', 'misc', 'c@x.com', 'd@x.com']);
  });

  it('reports the size and the bytes consumed', async () => {
    const { csv } = await open('too-many-fields.csv');
    expect(csv.totalBytes).toBe(93);
    expect(csv.bytesRead()).toBe(93);
  });
});

describe('openCsv: inputs that are not CSV', () => {
  it.each([
    ['empty.csv', 'INPUT_NOT_CSV', 'empty.csv is empty'],
    ['blank-only.csv', 'INPUT_NOT_CSV', 'blank-only.csv is empty (only blank lines)'],
    ['header-only.csv', 'INPUT_NOT_CSV', 'header-only.csv has a header but no rows'],
    ['binary.bin', 'INPUT_NOT_CSV', 'binary.bin does not look like a CSV file (binary data)'],
    [
      'xlsx-workbook.xlsx',
      'INPUT_NOT_CSV',
      'xlsx-workbook.xlsx does not look like a CSV file (binary data); if it is a spreadsheet, save it as "CSV UTF-8" first',
    ],
    ['missing.csv', 'INPUT_UNREADABLE', 'cannot read missing.csv: no such file'],
    ['', 'INPUT_UNREADABLE', 'cannot read csv: it is a directory'],
  ])('%s', async (name, code, message) => {
    const error = await failure(openCsv({ path: fixture(name) }));
    expect(error).toMatchObject({ code, message });
  });

  it('rejects unknown options before opening anything', async () => {
    const path = fixture('missing.csv');
    expect(await failure(openCsv({ path }, { encoding: 'klingon' }))).toMatchObject({
      message:
        'unknown encoding "klingon"; use utf-8, utf-16le, utf-16be, windows-1252 or latin1 (any name iconv-lite knows)',
    });
    expect((await failure(openCsv({ path }, { delimiter: ':' }))).message).toBe(
      'unknown delimiter ":"; use one of , ; | or tab',
    );
  });
});

describe('openCsv: options', () => {
  it('takes the delimiter from the option, the word tab included', async () => {
    const { csv, rows } = await open('tabs.tsv', { delimiter: 'tab' });
    expect(csv.delimiter).toBe('\t');
    expect(rows[0]).toEqual([1, 2, 'Ann', '+12125550167', 'Acme, Inc']);
    const comma = await open('semicolon-crlf.csv', { delimiter: ',' });
    expect(comma.csv.header).toEqual(['Name;Phone;Amount']);
    expect(comma.records[0]!.error).toBe(
      'line 2: 2 fields, expected 1 (header); check for a "," inside a cell that is not quoted',
    );
  });

  it('endByte reads only the bytes before it', async () => {
    // too-many-fields.csv: the header and Ann's line are 16 + 23 bytes.
    const { csv, records } = await open('too-many-fields.csv', { endByte: 39 });
    expect(csv.totalBytes).toBe(39);
    expect(records).toEqual([{ row: 1, line: 2, cells: ['Ann', '+12125550101', 'Boston'] }]);
    expect(csv.bytesRead()).toBe(39);
  });

  it('close() is idempotent and ends an abandoned iteration', async () => {
    const csv = await openCsv({ path: fixture('too-few-fields.csv') });
    const iterator = csv.records[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ row: 1 });
    await Promise.all([csv.close(), csv.close()]);
    await csv.close();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('close() without iterating at all', async () => {
    const csv = await openCsv({ path: fixture('too-few-fields.csv') });
    await csv.close();
    await csv.close();
  });
});

describe('openCsv: streams', () => {
  it('reads a stream, naming it in messages', async () => {
    const stream = Readable.from([Buffer.from('name,phone\n'), Buffer.from('Ann,+12125550101\n"Bob,')]);
    const csv = await openCsv({ stream, name: '<stdin>' });
    expect(csv.totalBytes).toBeUndefined();
    const error = await failure(readAll(csv));
    expect(error.message).toMatch(/^<stdin>: line 3: a quoted cell opened here is never closed/);
  });

  it('yields every record buffered before a quote that is never closed, past the sniffed head', async () => {
    const good = 'Ann,+12125550101\n'.repeat(5000); // 85 KB
    const stream = Readable.from([Buffer.from(`name,phone\n${good}`), Buffer.from('Bob,"+1555\nCy,+1556\n')]);
    const csv = await openCsv({ stream, name: 'big.csv' });
    let count = 0;
    const error = await failure(
      (async () => {
        for await (const _ of csv.records) count++;
      })(),
    );
    expect(count).toBe(5000);
    expect(error).toMatchObject({ line: 5002, code: 'CSV_UNREADABLE_RECORD' });
    expect(error.message).toMatch(/^big\.csv: line 5002: a quoted cell opened here is never closed/);
  });

  it('stops at a runaway quoted cell instead of holding the rest of the input in memory', async () => {
    const runaway = 'x'.repeat(1_100_000);
    const stream = Readable.from([Buffer.from(`name,note\nAnn,ok\nBob,"${runaway}\n`)]);
    const csv = await openCsv({ stream, name: 'huge.csv' });
    const error = await failure(readAll(csv));
    expect(error.message).toBe(
      'huge.csv: line 3: a record starting here is longer than 1000000 characters; check for a stray " in this row',
    );
  });

  it('reports a read error part-way as INPUT_UNREADABLE', async () => {
    function* failing() {
      yield Buffer.from(`name,phone\n${'Ann,+12125550101\n'.repeat(5000)}`);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const csv = await openCsv({ stream: Readable.from(failing()), name: 'leads.csv' });
    const error = await failure(readAll(csv));
    expect(error).toMatchObject({ code: 'INPUT_UNREADABLE', message: 'cannot read leads.csv: EIO' });
  });

  it('pulls a 50,000-row stream only as an awaiting consumer asks', async () => {
    const rows = 50_000;
    let produced = 0;
    function* generate() {
      yield Buffer.from('phone,firstName,lastName,email,company,city,note\n');
      for (let i = 0; i < rows; i += 500) {
        let chunk = '';
        for (let j = i; j < i + 500; j++)
          chunk += `+1555${j},First${j},Last${j},u${j}@x.com,"Co, ${j}",City,n\n`;
        produced += 500;
        yield Buffer.from(chunk);
      }
    }
    const csv = await openCsv({ stream: Readable.from(generate()), name: 'generated' });
    let count = 0;
    let producedEarly = 0;
    for await (const record of csv.records) {
      count++;
      if (record.error !== undefined || record.cells.length !== 7)
        throw new Error(`bad record ${record.row}`);
      if (count === 1000) producedEarly = produced;
      if (count % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(count).toBe(rows);
    // Only a few chunks ahead of the consumer, not the whole input.
    expect(producedEarly).toBeLessThan(10_000);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1,5;2;3\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['phone\n+1555\n', ','],
    ['"a;b",c\n"1;2",3\n', ','],
    ['a,b;c\n1,2;3\n1,2;3\n', ','],
    ['name;note\nAnn;x, y, z\n', ';'],
  ])('%j → %j', (text, expected) => {
    expect(detectDelimiter(text, true)).toBe(expected);
  });

  it('ignores a last line cut off by the sample', () => {
    expect(detectDelimiter('a;b\n1;2\n3,4,5,6', false)).toBe(';');
  });
});

describe('normalizeHeader', () => {
  it.each([
    [
      ['name', '', 'phone'],
      ['name', 'column_2', 'phone'],
    ],
    [
      ['Email', 'Email', 'Email'],
      ['Email', 'Email_2', 'Email_3'],
    ],
    [
      ['Email', 'Email', 'Email_2'],
      ['Email', 'Email_3', 'Email_2'],
    ],
    [
      ['a', '', 'column_2'],
      ['a', 'column_2_2', 'column_2'],
    ],
    [
      ['\uFEFF id ', 'Id'],
      ['id', 'Id'],
    ],
  ])('%j → %j', (cells, expected) => {
    expect(normalizeHeader(cells)).toEqual(expected);
  });
});
