import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openCsv, type CsvRecord, type OpenCsvOptions } from '../src/csv/open-csv.js';
import { UsageError } from '../src/errors.js';
import { loadPriorStates } from '../src/pipeline/prior-states.js';
import { checkResumedInput, findChange, inputIdentity } from '../src/pipeline/resume-check.js';
import { hashCells } from '../src/results/cells-hash.js';
import { RowStates } from '../src/results/row-states.js';
import { ResultsWriter } from '../src/results/results-writer.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

describe('hashCells', () => {
  it('tells apart where cells end, an added empty cell, and a one-character edit', () => {
    const base = hashCells(['+12125550100', 'Ada', '']);
    expect(hashCells(['+12125550100', 'Ada', ''])).toBe(base);
    expect(hashCells(['+12125550100', 'Ada'])).not.toBe(base);
    expect(hashCells(['+12125550100', 'Ad', 'a'])).not.toBe(base);
    expect(hashCells(['+12125550100', 'Adb', ''])).not.toBe(base);
    expect(hashCells(['', '+12125550100', 'Ada'])).not.toBe(base);
    expect(hashCells(['x', '+12125550100', 'Ada', ''], 1)).toBe(base);
    expect(base).toBeGreaterThanOrEqual(0);
    expect(base).toBeLessThan(2 ** 32);
  });
});

describe('RowStates', () => {
  it('keeps each row’s status and cells’ hash, growing past its first size, and the last row', () => {
    const states = new RowStates();
    states.set(3, 'created', 7);
    states.set(5_000, 'failed', 0xffffffff);
    states.set(9, 'somethingElse', 11);
    expect(states.get(3)).toBe('created');
    expect(states.cellsHash(3)).toBe(7);
    expect(states.get(5_000)).toBe('failed');
    expect(states.cellsHash(5_000)).toBe(0xffffffff);
    // A status we do not know: the row is recorded (its cells are checked) but not done.
    expect(states.has(9)).toBe(true);
    expect(states.get(9)).toBeUndefined();
    expect(states.has(4)).toBe(false);
    expect(states.has(10_000)).toBe(false);
    expect(states.lastRow).toBe(5_000);
  });
});

function recordsOf(rows: string[][]): Iterable<CsvRecord> {
  return (function* () {
    for (const [i, cells] of rows.entries()) yield { row: i + 1, line: i + 2, cells };
  })();
}

function recorded(rows: (string[] | undefined)[]): RowStates {
  const states = new RowStates();
  for (const [i, cells] of rows.entries()) if (cells) states.set(i + 1, 'created', hashCells(cells));
  return states;
}

describe('findChange', () => {
  const a = ['+12125550101', 'a'];
  const b = ['+12125550102', 'b'];
  const c = ['+12125550103', 'c'];

  it('accepts the same rows, and rows past the last one recorded', async () => {
    expect(await findChange(recordsOf([a, b, c]), recorded([a, b, c]))).toBeUndefined();
    expect(await findChange(recordsOf([a, b, c]), recorded([a]))).toBeUndefined();
    expect(await findChange(recordsOf([a, b]), recorded([]))).toBeUndefined();
  });

  it('accepts any row the file has no line for', async () => {
    expect(await findChange(recordsOf([a, c, c]), recorded([a, undefined, c]))).toBeUndefined();
  });

  it('names the first row that differs, with its line', async () => {
    expect(await findChange(recordsOf([c, a, b]), recorded([a, b]))).toEqual({
      kind: 'differs',
      row: 1,
      line: 2,
    });
    expect(await findChange(recordsOf([a, c]), recorded([a, b, c]))).toEqual({
      kind: 'differs',
      row: 2,
      line: 3,
    });
  });

  it('names the first recorded row the input no longer has', async () => {
    expect(await findChange(recordsOf([a]), recorded([a, undefined, c]))).toEqual({
      kind: 'gone',
      row: 3,
      lastRow: 1,
      lastLine: 2,
    });
  });

  it('stops reading at the last recorded row', async () => {
    let read = 0;
    const records = (function* () {
      for (let row = 1; row <= 1_000; row++) {
        read = row;
        yield { row, line: row + 1, cells: [String(row)] };
      }
    })();
    expect(await findChange(records, recorded([['1'], ['2']]))).toBeUndefined();
    expect(read).toBe(2);
  });
});

/** Writes `input`, then a results file for it as a run would: every record's cells as openCsv read them. */
async function resultsFor(input: string, bytes: Buffer, options: OpenCsvOptions = {}): Promise<string> {
  fs.writeFileSync(input, bytes);
  const results = path.join(path.dirname(input), 'in.results.csv');
  const csv = await openCsv({ path: input }, options);
  const writer = ResultsWriter.open(results, csv.header, 'create', (error) => {
    throw error;
  });
  for await (const record of csv.records) {
    writer.write({ row: record.row, status: 'created', leadId: `L${record.row}`, attempts: 1 }, record.cells);
  }
  writer.close();
  return results;
}

async function check(input: string, results: string, options: OpenCsvOptions = {}): Promise<void> {
  const identity = inputIdentity(input);
  const prior = await loadPriorStates(results, () => undefined);
  await checkResumedInput({ input, csv: options, resultsPath: results, recorded: prior.states, identity });
}

describe('checkResumedInput', () => {
  // Cells a results file must give back byte for byte: quotes, delimiters and line breaks inside cells, a
  // formula-like cell, spaces at the ends, accents in a legacy encoding, a short row given its empty cells.
  const rows = [
    'phone;name;notes',
    '+12125550101;"says ""hi""; then\r\nleaves";=SUM(A1)',
    '+12125550102;  Zoë  ;',
    '+12125550103;Ada',
    '',
    '+12125550104;"a\rb";x,y',
  ];
  const text = `${rows.join('\r\n')}\r\n`;
  const options = { encoding: 'windows-1252' };

  it('accepts the file the results were written for, read with the same options', async () => {
    const input = path.join(tempDir(), 'in.csv');
    const results = await resultsFor(input, iconv.encode(text, 'windows-1252'), options);
    await expect(check(input, results, options)).resolves.toBeUndefined();
  });

  it('accepts rows appended at the bottom', async () => {
    const input = path.join(tempDir(), 'in.csv');
    const results = await resultsFor(input, iconv.encode(text, 'windows-1252'), options);
    fs.appendFileSync(input, iconv.encode('+12125550105;Grace;new\r\n', 'windows-1252'));
    await expect(check(input, results, options)).resolves.toBeUndefined();
  });

  it.each([
    ['a cell edited', text.replace('Zoë', 'Zoe'), 'row 2 (line 4) is not the row it recorded'],
    ['a row at the top', text.replace('\r\n', '\r\n+12125550100;New;\r\n'), 'row 1 (line 2)'],
    ['a row removed', text.replace(/\+12125550102[^\r]*\r\n/, ''), 'row 2 (line 4)'],
    [
      'the last row removed',
      text.replace(/\+12125550104.*$/s, ''),
      'row 4 is gone (the input ends at row 3, line 5)',
    ],
  ])('refuses %s, naming the row', async (_, changed, message) => {
    const input = path.join(tempDir(), 'in.csv');
    const results = await resultsFor(input, iconv.encode(text, 'windows-1252'), options);
    fs.writeFileSync(input, iconv.encode(changed, 'windows-1252'));
    const refused = check(input, results, options);
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toMatchObject({ code: 'INPUT_CHANGED' });
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^the input ${input} has changed since ${results}: .*${message.replace(/[()]/g, '\\$&')}.*; --resume continues the same file only: for a fresh export every night, use the ledger \\(the default; see README\\) or --overwrite$`,
      ),
    );
  });

  it('refuses an input replaced while it was being checked', async () => {
    const input = path.join(tempDir(), 'in.csv');
    const results = await resultsFor(input, Buffer.from('phone\n+12125550101\n'));
    const prior = await loadPriorStates(results, () => undefined);
    const resumed = { input, csv: {}, resultsPath: results, recorded: prior.states };
    const identity = inputIdentity(input);
    fs.renameSync(input, `${input}.old`);
    fs.copyFileSync(`${input}.old`, input);
    await expect(checkResumedInput({ ...resumed, identity })).rejects.toThrow(
      /changed while it was being read/,
    );
  });

  it('refuses standard input once rows are recorded: it cannot be read twice', async () => {
    const states = recorded([['+12125550101']]);
    const resumed = { input: '-', csv: {}, resultsPath: 'r.csv', recorded: states, identity: undefined };
    await expect(checkResumedInput(resumed)).rejects.toThrow(/--resume cannot check standard input/);
    const empty = { ...resumed, recorded: new RowStates() };
    await expect(checkResumedInput(empty)).resolves.toBeUndefined();
  });
});
