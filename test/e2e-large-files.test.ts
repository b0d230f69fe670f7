import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { phoneOf } from './helpers/leads-csv.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

// Large files through the built CLI: every bad row is found and told by row and line, however many there are.

const tempDir = useTempDir();

function readRows(file: string): string[][] {
  return parse(fs.readFileSync(file), { relax_column_count: true });
}

function errorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('nlpearl-leads: '));
}

const AS_TEXT =
  'format the phone column as Text before the numbers go in (in Excel: Data → From Text/CSV, column type Text), then export again';

/** The ways a row of the 100,000 is broken, in turn, each with the reason the results file must give. */
const BREAKAGES: readonly {
  cells: (good: string[]) => string[];
  reason: (line: number, good: string[]) => string;
}[] = [
  {
    cells: ([, ...rest]) => ['n/a', ...rest],
    reason: () => 'phone number has no digits: the cell holds text, not a number',
  },
  {
    cells: (good) => [...good.slice(0, 4), 'call back', ' after 5'],
    reason: (line) =>
      `line ${line}: 6 fields, expected 5 (header); check for a "," inside a cell that is not quoted`,
  },
  {
    cells: (good) => [...good.slice(0, 3), 'Mars/Olympus', good[4]!],
    reason: () =>
      'unknown time zone; use a Windows time-zone id such as "Pacific Standard Time" or an IANA ' +
      'name such as "America/Los_Angeles" (nlpearl-leads timezones lists them)',
  },
  {
    cells: ([, ...rest]) => ['1.21255512E+10', ...rest],
    reason: () =>
      'phone number was turned into a number in scientific notation by a spreadsheet program, which ' +
      `dropped its "+" and may have dropped digits; ${AS_TEXT}`,
  },
  {
    // The same Excel-damaged id in 200 rows: each is invalid, none a duplicate of another.
    cells: ([phone, , ...rest]) => [phone!, '4.87688E+18', ...rest],
    reason: () =>
      'externalId was turned into a number in scientific notation by a spreadsheet program, which ' +
      'dropped digits, so different rows may now share it; format the externalId column as Text before the ' +
      'numbers go in (in Excel: Data → From Text/CSV, column type Text), then export again',
  },
];

describe('validate a 100,000-row file with 1% bad rows', () => {
  it('reports every bad row by row and line, in the report and the results file, and exits 1', async () => {
    const rows = 100_000;
    // 1,000 rows spread over the file, one per hundred at a varying place.
    const broken = new Map<number, number>();
    for (let k = 0; k < 1_000; k += 1) broken.set(k * 100 + ((k * 37) % 100) + 1, k % BREAKAGES.length);

    const zones = ['America/New_York', 'Pacific Standard Time', ''];
    const text: string[] = ['phone,externalId,firstName,timeZone,notes'];
    const expected = new Map<number, string>();
    let line = 2;
    for (let row = 1; row <= rows; row += 1) {
      // Every 250th row has a line break in a quoted cell, so lines and rows drift apart.
      const notes = row % 250 === 0 ? '"first line\nsecond line"' : `note ${row}`;
      const good = [phoneOf(row), `crm-${row}`, `Name ${row}`, zones[row % zones.length]!, notes];
      const kind = broken.get(row);
      const breakage = kind === undefined ? undefined : BREAKAGES[kind]!;
      text.push((breakage === undefined ? good : breakage.cells(good)).join(','));
      if (breakage !== undefined) expected.set(row, breakage.reason(line, good));
      line += row % 250 === 0 ? 2 : 1;
    }
    const input = path.join(tempDir(), 'leads-100k.csv');
    const results = path.join(tempDir(), 'leads-100k.results.csv');
    fs.writeFileSync(input, `${text.join('\n')}\n`);

    const started = performance.now();
    const run = await runCli(['validate', input, '--results', results]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`validate of 100,000 rows: ${seconds.toFixed(1)} s`);

    expect(errorLine(run.stderr)).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('\n100000 rows: 99000 valid, 1000 invalid, 0 skipped\n');
    // The report shows the first 20, each with its row, line, column and reason.
    const first20 = [...expected].slice(0, 20);
    const lineOf = (row: number) => row + 1 + Math.floor((row - 1) / 250);
    const report = first20.map(([row, reason]) => {
      const kind = broken.get(row)!;
      const column =
        kind === 0 || kind === 3
          ? ' column "phone":'
          : kind === 2
            ? ' column "timeZone":'
            : kind === 4
              ? ' column "externalId":'
              : '';
      const shown = reason.replace(/^line \d+: /, '');
      return `  row ${row} (line ${lineOf(row)}):${column} ${shown}`;
    });
    expect(run.stdout).toContain(`\nFirst 20 of 1000 invalid rows:\n${report.join('\n')}\n\n`);

    // Every row is in the results file once; the invalid ones are exactly the rows broken, each with its reason.
    const written = readRows(results).slice(1);
    expect(written).toHaveLength(rows);
    expect(written.map((cells) => cells[0])).toEqual(Array.from({ length: rows }, (_, i) => String(i + 1)));
    const invalid = new Map(
      written.filter((cells) => cells[1] === 'invalid').map((cells) => [Number(cells[0]), cells[3]]),
    );
    expect(invalid).toEqual(expected);
    expect(written.filter((cells) => cells[1] !== 'invalid').every((cells) => cells[1] === 'valid')).toBe(
      true,
    );
  });
});

describe('a stray quote deep in a large file', () => {
  it('row 40,312 of 50,000: exit 2 naming the line it opens on, after every row before it', async () => {
    const input = path.join(tempDir(), 'export.csv');
    const lines = ['phone,name,notes'];
    for (let row = 1; row <= 50_000; row += 1) {
      // Quoted line breaks before the stray quote only: a quote after it would close its cell.
      const notes =
        row === 40_312 ? '"5 inch, said he' : row % 1000 === 0 && row < 40_312 ? '"two\nlines"' : 'plain';
      lines.push(`${phoneOf(row)},Name ${row},${notes}`);
    }
    fs.writeFileSync(input, `${lines.join('\n')}\n`);
    const results = path.join(tempDir(), 'results.csv');
    const run = await runCli(['validate', input, '--results', results]);
    expect(run.code).toBe(2);
    // 40 quoted line breaks before it: row 40,312 starts on line 40,313 + 40.
    expect(errorLine(run.stderr)).toBe(
      `nlpearl-leads: export.csv: line 40353: a quoted cell opened here is never closed; check for a stray " in this row; the rows before it are in ${results}`,
    );
    const read = readRows(results);
    expect(read).toHaveLength(1 + 40_311);
    expect(read.at(-1)).toEqual(['40311', 'valid', '', '', '', '+12122040311', 'Name 40311', 'plain']);
    expect(read.every((cells, i) => i === 0 || (cells[0] === String(i) && cells[1] === 'valid'))).toBe(true);
  });
});
