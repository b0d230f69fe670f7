import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactResultsFile } from '../src/results/compact-results.js';
import { scanResultsFile, type ResultsLine } from '../src/results/results-scan.js';
import { ResultsWriter, safeCell } from '../src/results/results-writer.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
const HEADER = ['phone', 'notes'];
const failOnError = (error: Error) => {
  throw error;
};

function write(file: string, entries: [number, 'created' | 'failed' | 'sending', string][]): void {
  const writer = ResultsWriter.open(file, HEADER, 'create', failOnError);
  for (const [row, status, note] of entries) {
    writer.write(
      {
        row,
        status,
        attempts: status === 'sending' ? 0 : 1,
        ...(status === 'created' ? { leadId: `L${row}` } : {}),
      },
      [`+1555000${row}`, note],
    );
  }
  writer.close();
}

async function scan(file: string) {
  const lines: ResultsLine[] = [];
  const warnings: string[] = [];
  const result = await scanResultsFile(
    file,
    (line) => lines.push(line),
    (w) => warnings.push(w),
  );
  return { lines, warnings, result };
}

describe('ResultsWriter', () => {
  it('writes our header, then one line per outcome with the cells as read', () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [[1, 'created', 'says "hi", then\nleaves']]);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '_row,_status,_leadId,_error,_attempts,phone,notes\n1,created,L1,,1,+15550001,"says ""hi"", then\nleaves"\n',
    );
  });

  it('journals the rows starting in one turn with one write, before any of their requests may leave', async () => {
    const file = path.join(tempDir(), 'r.csv');
    const writer = ResultsWriter.open(file, HEADER, 'create', failOnError);
    const header = fs.readFileSync(file, 'utf8');
    // Two callbacks of one phase of the event loop, as two answers read in one I/O phase are. Immediates queued
    // together run in one check phase; two zero timers need not (each reads the clock, and a millisecond may
    // pass between them), which made this test fail now and then under load.
    const [first, second] = await new Promise<Promise<void>[]>((resolve) => {
      const started: Promise<void>[] = [];
      const start = (row: number, cells: string[]) => () => {
        started.push(writer.writeBeforeSending({ row, status: 'sending', attempts: 0 }, cells));
        if (started.length === 2) resolve(started);
      };
      setImmediate(start(1, ['+15550001', 'a']));
      setImmediate(start(2, ['+15550002', 'b']));
    });
    expect(second).toBe(first); // one write for both
    expect(fs.readFileSync(file, 'utf8')).toBe(header); // not yet: the promise is the go-ahead
    await first;
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `${header}1,sending,,,,+15550001,a\n2,sending,,,,+15550002,b\n`,
    );
    const third = writer.writeBeforeSending({ row: 3, status: 'sending', attempts: 0 }, ['+15550003', 'c']);
    expect(third).not.toBe(first); // a later turn gets a write of its own
    await third;
    expect(writer.lines).toBe(3);
    writer.close();
    await expect(
      writer.writeBeforeSending({ row: 4, status: 'sending', attempts: 0 }, ['+15550004', 'd']),
    ).rejects.toThrow('the results file is closed');
  });

  it('refuses to create over an existing file', () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, []);
    expect(() => ResultsWriter.open(file, HEADER, 'create', failOnError)).toThrow(/EEXIST/);
  });

  it('keeps API text from running as a spreadsheet formula', () => {
    expect(safeCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(safeCell('+1 bad')).toBe(`'+1 bad`);
    expect(safeCell('-1')).toBe(`'-1`);
    expect(safeCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(safeCell('HTTP 400: bad phone')).toBe('HTTP 400: bad phone');
  });
});

describe('scanResultsFile', () => {
  it('gives each line its row, status and byte range', async () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [
      [1, 'sending', 'é'],
      [1, 'created', 'é'],
    ]);
    const { lines, warnings, result } = await scan(file);
    expect(result.header).toEqual(HEADER);
    expect(lines.map((l) => [l.row, l.status])).toEqual([
      [1, 'sending'],
      [1, 'created'],
    ]);
    const text = fs.readFileSync(file);
    expect(text.subarray(lines[1]!.start, lines[1]!.end).toString()).toBe('1,created,L1,,1,+15550001,é\n');
    expect(warnings).toEqual([]);
  });

  it('ignores a torn last line with a warning', async () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [[1, 'created', 'a']]);
    fs.appendFileSync(file, '2,crea');
    const { lines, warnings } = await scan(file);
    expect(lines.map((l) => l.row)).toEqual([1]);
    expect(warnings).toEqual(['r.csv: ignored a torn last line (6 bytes) left by a crash']);
  });

  it('ignores a last line torn inside a quoted cell', async () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [[1, 'created', 'a']]);
    fs.appendFileSync(file, '2,created,L2,,1,+1,"line one\n');
    const { lines, warnings } = await scan(file);
    expect(lines.map((l) => l.row)).toEqual([1]);
    expect(warnings).toEqual(['r.csv: ignored a torn last line left by a crash']);
  });

  it('refuses a file that is not a results file', async () => {
    const file = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(file, 'phone,name\n+1,Ada\n');
    await expect(scan(file)).rejects.toThrow('leads.csv is not a results file of nlpearl-leads');
  });
});

describe('compactResultsFile', () => {
  it('keeps the last line of each row, in row order, and drops a torn tail', async () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [
      [2, 'sending', 'b'],
      [1, 'sending', 'a'],
      [1, 'created', 'a'],
      [3, 'failed', 'c, with comma'],
      [2, 'created', 'b'],
      [3, 'created', 'c, with comma'],
    ]);
    fs.appendFileSync(file, '4,sen');
    const warnings: string[] = [];
    const report = await compactResultsFile(file, (w) => warnings.push(w));
    expect(report).toEqual({ rows: 3, linesBefore: 6, rewritten: true });
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '_row,_status,_leadId,_error,_attempts,phone,notes',
        '1,created,L1,,1,+15550001,a',
        '2,created,L2,,1,+15550002,b',
        '3,created,L3,,1,+15550003,"c, with comma"',
        '',
      ].join('\n'),
    );
    expect(warnings).toHaveLength(1);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['r.csv']);
  });

  it('leaves a file that is already one line per row in order untouched', async () => {
    const file = path.join(tempDir(), 'r.csv');
    write(file, [
      [1, 'created', 'a'],
      [3, 'failed', 'c'],
    ]);
    const before = fs.statSync(file).mtimeMs;
    const report = await compactResultsFile(file, () => undefined);
    expect(report).toEqual({ rows: 2, linesBefore: 2, rewritten: false });
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });

  it('compacts 20,000 interleaved rows correctly', async () => {
    const file = path.join(tempDir(), 'r.csv');
    const entries: [number, 'created' | 'sending', string][] = [];
    for (let row = 1; row <= 20_000; row += 1) entries.push([row, 'sending', `n${row}`]);
    for (let row = 20_000; row >= 1; row -= 1) entries.push([row, 'created', `n${row}`]);
    write(file, entries);
    await compactResultsFile(file, () => undefined);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[1]).toBe('1,created,L1,,1,+15550001,n1');
    expect(lines[20_000]).toBe('20000,created,L20000,,1,+155500020000,n20000');
  });
});
