import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { ROOT, runCli, type CliRun } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

// Every fixture goes through the CLI, `validate <fixture> --results <tmp> [flags]`, and its results file is
// compared cell by cell: _row,_status,_leadId,_error,_attempts and then the input's own cells as read. The
// fixture table runs the CLI's `main` in-process (the argv and streams a process would give it), as spawning
// ~40 processes would cost most of a minute on this machine; what only a process shows (exit status, stderr,
// an encoding through a real file, the sandbox over HTTP, 100,000 rows) runs the built `dist/bin.js`.

const tempDir = useTempDir();
const fixture = (name: string) => path.join(ROOT, 'fixtures', name);

/** Runs the CLI's main in this process, as bin.ts would, with an empty environment. */
async function runMain(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };
  const stdout = collect();
  const stderr = collect();
  const code = await main(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: new PassThrough(),
    env: { NLPEARL_LEDGER: 'off', ...env },
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
}

const RESULT_COLUMNS = ['_row', '_status', '_leadId', '_error', '_attempts'];

/** Every line of a results file as its cells; a broken record keeps its own number of cells. */
function readRows(file: string): string[][] {
  return parse(fs.readFileSync(file), { relax_column_count: true });
}

const header = (...columns: string[]) => [...RESULT_COLUMNS, ...columns];
/** A results line: `_row,_status,_leadId,_error,_attempts` (no leadId nor attempts in a dry run), then the cells. */
const outcome =
  (status: 'valid' | 'invalid' | 'skipped') =>
  (row: number, error: string, ...cells: string[]) => [String(row), status, '', error, '', ...cells];
const invalid = outcome('invalid');
const skipped = outcome('skipped');
const valid = (row: number, ...cells: string[]) => outcome('valid')(row, '', ...cells);

/** The one line the CLI prints for an error that stops it (the JSON log lines around it aside). */
function errorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('nlpearl-leads: '));
}

let runs = 0;

/** `validate <fixture> --results <fresh tmp file> [flags]`, in-process unless `spawn` is set. */
async function validate(name: string, flags: readonly string[] = [], spawn = false) {
  const results = path.join(tempDir(), `results-${++runs}.csv`);
  const args = ['validate', fixture(name), '--results', results, ...flags];
  const run = spawn ? await runCli(args) : await runMain(args);
  return {
    run,
    rows: fs.existsSync(results) ? readRows(results) : undefined,
    // The report without the temp dir, so it can be compared whole.
    report: run.stdout.replaceAll(results, '<results>'),
  };
}

const TOO_MANY = (line: number, fields: number) =>
  `line ${line}: ${fields} fields, expected 3 (header); check for a "," inside a cell that is not quoted`;
const AS_TEXT =
  'format the phone column as Text before the numbers go in (in Excel: Data → From Text/CSV, column type Text), then export again';
const NO_WINDOWS_ID =
  'use a Windows time-zone id such as "Pacific Standard Time" or an IANA name such as "America/Los_Angeles" ' +
  '(nlpearl-leads timezones lists them)';

interface Case {
  readonly fixture: string;
  readonly flags?: readonly string[];
  readonly exitCode: 0 | 1;
  readonly rows: readonly (readonly string[])[];
}

const readerCases: Case[] = [
  {
    fixture: 'csv/utf8-bom.csv',
    exitCode: 0,
    rows: [
      header('name', 'phone', 'city'),
      valid(1, 'Zoë Müller', '+33 6 12 34 56 78', 'Besançon'),
      valid(2, 'José Núñez', '+34 612 345 678', 'A Coruña'),
    ],
  },
  {
    fixture: 'csv/utf16le.csv',
    exitCode: 0,
    rows: [
      header('name', 'phone', 'city'),
      valid(1, 'Zoë Müller', '+33612345678', 'Besançon'),
      valid(2, 'Ærø Ltd', '+4532123456', 'Ærøskøbing'),
      valid(3, '李雷', '+8613800138000', '北京'),
    ],
  },
  {
    fixture: 'csv/utf16le-no-bom.csv',
    exitCode: 0,
    rows: [header('name', 'phone'), valid(1, 'Ann', '+12125550101'), valid(2, 'Zoë', '+33612345678')],
  },
  {
    fixture: 'csv/utf16be.csv',
    exitCode: 0,
    rows: [header('name', 'phone'), valid(1, 'Ann', '+12125550101'), valid(2, 'Zoë', '+33612345678')],
  },
  {
    fixture: 'csv/windows-1252-accents.csv',
    exitCode: 0,
    rows: [
      header('firstName', 'lastName', 'phone', 'note'),
      valid(1, 'Renée', 'Lefèvre', '+33612345678', 'café crème'),
      valid(2, 'Jürgen', 'Weiß', '+4915112345678', 'Straße'),
      valid(3, 'Íñigo', 'Muñoz', '+34612345678', 'año'),
      valid(4, 'Chloé', 'Œuvray', '+33698765432', 'prix 5 €'),
    ],
  },
  {
    fixture: 'csv/semicolon-crlf.csv',
    exitCode: 0,
    rows: [
      header('Name', 'Phone', 'Amount'),
      valid(1, 'Anna', '+49301234567', '1,5'),
      valid(2, 'Ben', '+49301234568', '2,25'),
    ],
  },
  {
    fixture: 'csv/tabs.tsv',
    exitCode: 0,
    rows: [
      header('name', 'phone', 'company'),
      valid(1, 'Ann', '+12125550167', 'Acme, Inc'),
      valid(2, 'Bob', '+12125550168', 'Smith; Sons'),
    ],
  },
  {
    fixture: 'csv/pipes.csv',
    exitCode: 0,
    rows: [
      header('name', 'phone', 'note'),
      valid(1, 'Ann', '+12125550167', 'a, b; c'),
      valid(2, 'Bob', '+12125550168', ''),
    ],
  },
  {
    fixture: 'csv/too-many-fields.csv',
    exitCode: 1,
    rows: [
      header('name', 'phone', 'city'),
      valid(1, 'Ann', '+12125550101', 'Boston'),
      // The cells as read, all four of them: nothing the user wrote is lost.
      invalid(2, TOO_MANY(3, 4), 'Bob', '+12125550102', 'New York', ' NY'),
      valid(3, 'Cy', '+12125550103', 'Austin'),
    ],
  },
  {
    fixture: 'csv/too-few-fields.csv',
    exitCode: 1,
    rows: [
      header('name', 'phone', 'city'),
      valid(1, 'Ann', '+12125550101', 'Boston'),
      // A short row reads its missing trailing cells as empty: nothing is missing, the city is just not known.
      valid(2, 'Bob', '+12125550102', ''),
      invalid(3, 'no phone number', 'Cy', '', ''),
      valid(4, 'Dee', '+12125550104', 'Denver'),
    ],
  },
  {
    fixture: 'csv/trailing-delimiters.csv',
    exitCode: 0,
    rows: [header('name', 'phone'), valid(1, 'Ann', '+12125550101'), valid(2, 'Bob', '+12125550102')],
  },
  {
    fixture: 'csv/quoted-newlines.csv',
    exitCode: 0,
    rows: [
      header('name', 'phone', 'address'),
      valid(1, 'Ann', '+12125550101', '12 Main St\nApt 4\nSpringfield'),
      valid(2, 'Bob', '+12125550102', '1 "Quoted" Rd'),
      valid(3, 'Cy, Jr.', '+12125550103', 'Line1\r\nLine2'),
      valid(4, 'Dee', '+12125550104', 'Plain'),
    ],
  },
  {
    fixture: 'csv/stray-quote.csv',
    exitCode: 0,
    rows: [
      header('product', 'phone', 'size'),
      valid(1, 'TV', '+12125550101', '5" screen'),
      valid(2, 'Radio', '+12125550102', 'small'),
    ],
  },
  {
    fixture: 'csv/blank-lines.csv',
    exitCode: 0,
    rows: [header('name', 'phone'), valid(1, 'Ann', '+12125550101'), valid(2, 'Bob', '+12125550102')],
  },
  {
    fixture: 'csv/cr-only.csv',
    exitCode: 0,
    rows: [header('name', 'phone'), valid(1, 'Ann', '+12125550101'), valid(2, 'Bob', '+12125550102')],
  },
  {
    fixture: 'csv/mixed-line-endings.csv',
    exitCode: 0,
    rows: [
      header('name', 'phone'),
      valid(1, 'Ann', '+12125550101'),
      valid(2, 'Bob', '+12125550102'),
      valid(3, 'Cy', '+12125550103'),
    ],
  },
  {
    // " Email ,phone,Email,,email,Email": trimmed; repeats get _2, _3; an empty name its position.
    fixture: 'csv/duplicate-headers.csv',
    exitCode: 0,
    rows: [
      header('Email', 'phone', 'Email_2', 'column_4', 'email', 'Email_3'),
      valid(1, 'a@x.com', '+12125550101', 'b@x.com', 'misc', 'c@x.com', 'd@x.com'),
    ],
  },
];

const phoneCases: Case[] = [
  {
    fixture: 'spreadsheets/phones-us.csv',
    flags: ['--default-country', 'US'],
    exitCode: 1,
    rows: [
      header('name', 'phone'),
      valid(1, 'Ada', '(212) 555-0100'),
      valid(2, 'Grace', '212-555-0101'),
      valid(3, 'Alan', '212.555.0102'),
      valid(4, 'Edsger', '1-212-555-0103'),
      valid(5, 'Barbara', '+1 (212) 555-0104'),
      valid(6, 'Ken', '001 212 555 0105'),
      valid(7, 'Dennis', '2125550106'),
      valid(8, 'Tim', '+44 20 7946 0958'),
      invalid(9, 'phone number is too short', 'Linus', '555-0107'),
      invalid(
        10,
        'phone number has an extension, which cannot be dialled; remove it or move it to another column',
        'Bjarne',
        '(212) 555-0108 x12',
      ),
    ],
  },
  {
    fixture: 'spreadsheets/phones-gb.csv',
    flags: ['--default-country', 'GB'],
    exitCode: 1,
    rows: [
      header('name', 'phone'),
      valid(1, 'Ada', '020 7946 0958'),
      valid(2, 'Grace', '07911 123456'),
      valid(3, 'Alan', '+44 (0)20 7946 0959'),
      valid(4, 'Edsger', '0044 7911 123457'),
      valid(5, 'Barbara', '+44 7911 123458'),
      // The leading 0 a spreadsheet dropped: still a valid national number.
      valid(6, 'Ken', '7911 123459'),
      invalid(
        7,
        'phone number is not valid in United Kingdom (+44); check its digits',
        'Dennis',
        '07911 12345',
      ),
    ],
  },
  {
    // "téléphone" is found as the phone column: names are compared without accents.
    fixture: 'spreadsheets/phones-fr.csv',
    flags: ['--default-country', 'fr'],
    exitCode: 1,
    rows: [
      header('nom', 'téléphone'),
      valid(1, 'Zoé', '06 12 34 56 78'),
      valid(2, 'Hélène', '06.12.34.56.79'),
      valid(3, 'Loïc', '+33 6 12 34 56 80'),
      valid(4, 'Maëlle', '+33 (0)6 12 34 56 81'),
      valid(5, 'Gaël', '0033 1 23 45 67 89'),
      valid(6, 'Noël', '612345682'),
      invalid(7, 'phone number is too short', 'Anaïs', '01 23 45 67'),
    ],
  },
  {
    fixture: 'spreadsheets/phones-de.csv',
    flags: ['--default-country', 'DE'],
    exitCode: 1,
    rows: [
      header('Name', 'Telefon'),
      valid(1, 'Jürgen', '030 1234567'),
      valid(2, 'Käthe', '030/1234568'),
      valid(3, 'Jörg', '(030) 1234-5679'),
      valid(4, 'Ute', '0151 12345678'),
      valid(5, 'Björn', '+49 (0)151 1234 5679'),
      valid(6, 'Uwe', '0049 30 1234560'),
      invalid(7, 'phone number is not valid in Germany (+49); check its digits', 'Grete', '030 12'),
    ],
  },
  {
    fixture: 'spreadsheets/phones-il.csv',
    flags: ['--default-country', 'IL'],
    exitCode: 1,
    rows: [
      header('name', 'phone'),
      valid(1, 'Noa', '050-234-5678'),
      valid(2, 'Yael', '052-345-6789'),
      valid(3, 'Avi', '03-123-4567'),
      valid(4, 'Dana', '+972-50-234-5679'),
      valid(5, 'Omer', '+972 (0)3 123 4568'),
      valid(6, 'Tamar', '972502345670'),
      valid(7, 'Eli', '00972 2 123 4567'),
      invalid(8, 'phone number is not valid in Israel (+972); check its digits', 'Ido', '050-123-4567'),
    ],
  },
  {
    fixture: 'spreadsheets/phones-international.csv',
    exitCode: 1,
    rows: [
      header('name', 'phone'),
      valid(1, 'Ada', '+1 212 555 0100'),
      valid(2, 'Tim', '+44 20 7946 0958'),
      valid(3, 'Zoé', '+33 6 12 34 56 78'),
      valid(4, 'Jürgen', '+49 30 1234567'),
      valid(5, 'Noa', '+972 50 234 5678'),
      valid(6, 'Grace', '00 44 7911 123456'),
      valid(7, 'Alan', 'tel:+12125550199'),
      invalid(
        8,
        'phone number has no country code; write it with "+" and the country code (+1 212…) or pass --default-country',
        'Dennis',
        '(212) 555-0100',
      ),
      invalid(9, 'phone number contains letters; write the number with digits only', 'Ken', '+1-800-FLOWERS'),
      invalid(
        10,
        'phone number has more than one "+"; put one number per cell, "+" and country code first',
        'Loïc',
        '+33 6 12 34 56 78 / +33 6 98 76 54 32',
      ),
      invalid(11, 'phone number does not start with a known country calling code', 'Omer', '+999 123'),
      invalid(12, 'no phone number', 'Edsger', ''),
    ],
  },
  {
    fixture: 'spreadsheets/excel-damaged-phones.csv',
    exitCode: 1,
    rows: [
      header('name', 'phone'),
      invalid(
        1,
        'phone number was turned into a number in scientific notation by a spreadsheet program, ' +
          `which dropped its "+" and may have dropped digits; ${AS_TEXT}`,
        'Ada',
        '4.47700900123E+11',
      ),
      invalid(
        2,
        'phone number was turned into a number in scientific notation by a spreadsheet program, ' +
          `which dropped its "+" and may have dropped digits; ${AS_TEXT}`,
        'Tim',
        '4,47700900123E+11',
      ),
      invalid(
        3,
        'phone number was turned into a decimal number by a spreadsheet program (it ends in ".0"), ' +
          `which dropped any "+" or leading 0; ${AS_TEXT}`,
        'Grace',
        '12125550100.0',
      ),
      // What can be read is read: an apostrophe or a formula kept as text, full-width digits, non-breaking spaces.
      valid(4, 'Alan', "'+12125550101"),
      valid(5, 'Zoé', '="+33612345678"'),
      valid(6, 'Ken', '＋１ ２１２ ５５５ ０１０２'),
      valid(7, 'Noa', '+972\u00a050\u00a0234\u00a05678'),
    ],
  },
];

const TIME_ZONE_ROWS = [
  header('phone', 'timeZone'),
  valid(1, '+12125550100', 'Eastern Standard Time'),
  valid(2, '+12125550101', 'eastern standard time'),
  valid(3, '+12125550102', '  PACIFIC   STANDARD TIME  '),
  valid(4, '+12125550103', 'america/new_york'),
  valid(5, '+12125550104', 'AMERICA/LOS_ANGELES'),
  valid(6, '+12125550105', 'America/New York'),
  valid(7, '+12125550106', 'US/Eastern'),
  valid(8, '+12125550107', 'Asia/Calcutta'),
  valid(9, '+12125550108', 'Turkey Standard Time'),
  valid(10, '+12125550109', 'utc'),
  valid(11, '+12125550110', '(GMT-05:00) Eastern Standard Time (America/New_York)'),
  valid(12, '+12125550111', 'america_slash_chicago'),
  invalid(13, `unknown time zone; ${NO_WINDOWS_ID}`, '+12125550112', 'Mars/Olympus'),
  invalid(
    14,
    'time zone is an abbreviation, which is ambiguous; did you mean "Eastern Standard Time"?',
    '+12125550113',
    'EST',
  ),
  invalid(15, 'unknown time zone; did you mean "Europe/Paris"?', '+12125550114', 'Paris'),
  invalid(
    16,
    'unknown time zone; did you mean "Pacific Standard Time"?',
    '+12125550115',
    'Pacific Standrad Time',
  ),
  valid(17, '+12125550116', ''),
  invalid(
    18,
    'time zone is an IANA name that has no Windows time-zone id; use the Windows id of a zone ' +
      'with the same offset (nlpearl-leads timezones lists them)',
    '+12125550117',
    'Antarctica/Troll',
  ),
];

const mappingCases: Case[] = [
  { fixture: 'spreadsheets/time-zones.csv', exitCode: 1, rows: TIME_ZONE_ROWS },
  {
    fixture: 'spreadsheets/duplicates.csv',
    flags: ['--default-country', 'US'],
    exitCode: 1,
    rows: [
      header('externalId', 'phone', 'name'),
      valid(1, 'crm-1', '+1 212 555 0100', 'Ada'),
      valid(2, 'crm-2', '(212) 555-0101', 'Grace'),
      // The same number written another way is the same number.
      skipped(3, 'duplicate of row 1 (same phone number)', 'crm-3', '212-555-0100', 'Ada again'),
      skipped(4, 'duplicate of row 2 (same externalId)', 'crm-2', '+1 212 555 0199', 'Grace at work'),
      valid(5, 'crm-5', '+1 212 555 0105', 'Ken'),
      skipped(6, 'duplicate of row 5 (same phone number)', '', '+12125550105', 'Ken without an id'),
      // An invalid row claims nothing: its externalId is free for the corrected row after it.
      invalid(
        7,
        'phone number has no digits: the cell holds text, not a number',
        'crm-7',
        'not a phone',
        'Dennis',
      ),
      valid(8, 'crm-7', '+1 212 555 0107', 'Dennis fixed'),
      // Nor does a skipped row: nothing was sent to 0199 by row 4.
      valid(9, 'crm-9', '212.555.0199', 'Edsger'),
    ],
  },
  {
    fixture: 'spreadsheets/duplicates.csv',
    flags: ['--default-country', 'US', '--allow-duplicates'],
    exitCode: 1,
    rows: [
      header('externalId', 'phone', 'name'),
      valid(1, 'crm-1', '+1 212 555 0100', 'Ada'),
      valid(2, 'crm-2', '(212) 555-0101', 'Grace'),
      valid(3, 'crm-3', '212-555-0100', 'Ada again'),
      valid(4, 'crm-2', '+1 212 555 0199', 'Grace at work'),
      valid(5, 'crm-5', '+1 212 555 0105', 'Ken'),
      valid(6, '', '+12125550105', 'Ken without an id'),
      invalid(
        7,
        'phone number has no digits: the cell holds text, not a number',
        'crm-7',
        'not a phone',
        'Dennis',
      ),
      valid(8, 'crm-7', '+1 212 555 0107', 'Dennis fixed'),
      valid(9, 'crm-9', '212.555.0199', 'Edsger'),
    ],
  },
  {
    fixture: 'spreadsheets/typed-calldata.csv',
    flags: ['--map', fixture('spreadsheets/typed-calldata.map.json')],
    exitCode: 1,
    rows: [
      header('Mobile', 'First Name', 'Age', 'Score', 'VIP', 'Opted In', 'Notes'),
      valid(1, '+12125550100', 'Ada', '36', '9.5', 'yes', 'TRUE', 'likes tea'),
      valid(2, '+12125550101', 'Grace', '85', '7,25', 'no', 'FALSE', ''),
      valid(3, '+12125550102', 'Barbara', '', '', '', '', ''),
      valid(4, '+12125550103', 'Linus', '-3', '+2.5e3', 'VRAI', 'faux', 'from a French Excel'),
      valid(5, '+12125550104', 'Jürgen', '007', '0,5', 'Ja', 'Nein', 'from a German one'),
      invalid(
        6,
        'column "Age" (age, int): the value is not a whole number',
        ...['+12125550105', 'Alan', '41.5', '8', 'y', 'n', ''],
      ),
      invalid(
        7,
        'column "Score" (score, float): the value is not a number (write 1234.5: a "." for decimals, no thousands separator)',
        ...['+12125550106', 'Edsger', '72', 'high', 'yes', 'no', ''],
      ),
      invalid(
        8,
        'column "Score" (score, float): the value is ambiguous: its "," before three digits may be a decimal comma or a ' +
          'thousands separator; write it with a "." for decimals and no thousands separator',
        ...['+12125550107', 'Ken', '30', '1,500', 'yes', 'no', ''],
      ),
      invalid(
        9,
        'column "VIP" (vip, boolean): the value is not a boolean (true/false, yes/no, 1/0)',
        ...['+12125550108', 'Dennis', '30', '1.5', 'maybe', 'no', ''],
      ),
      invalid(
        10,
        'column "Age" (age, int): the value is too large for a whole number (at most 9007199254740991)',
        ...['+12125550109', 'Tim', '99999999999999999999', '1', 'yes', 'no', ''],
      ),
      invalid(
        11,
        'column "Opted In" (optedIn, boolean): the value is not a boolean (true/false, yes/no, 1/0)',
        ...['+12125550110', 'Bjarne', '40', '1.5', 'yes', 'x', ''],
      ),
    ],
  },
];

describe('validate: each fixture, cell by cell', () => {
  const cases = [...readerCases, ...phoneCases, ...mappingCases].map((c) => ({
    ...c,
    title: [c.fixture, ...(c.flags ?? [])].join(' ').replaceAll(ROOT, '.'),
  }));
  it.each(cases)('$title', async ({ fixture: name, flags, exitCode, rows }) => {
    const { run, rows: results } = await validate(name, flags);
    expect(run.stderr).not.toMatch(/^nlpearl-leads: /m);
    expect(run.code).toBe(exitCode);
    expect(results).toEqual(rows);
  });

  it('reports the broken records by row and line, without repeating the line', async () => {
    const { run, report } = await validate('csv/too-many-fields.csv');
    expect(run.code).toBe(1);
    expect(report).toBe(
      [
        'Read as: utf-8, comma-separated',
        '',
        'Mapping:',
        '  phoneNumber ← "phone"',
        '  externalId ← (none)',
        '  timeZoneId ← (none)',
        '  callData ← "name", "city"',
        '',
        '3 rows: 2 valid, 1 invalid, 0 skipped',
        '',
        'Invalid row:',
        '  row 2 (line 3): 4 fields, expected 3 (header); check for a "," inside a cell that is not quoted',
        '',
        "Results: <results> (every row's status; _error says why a row is invalid or skipped)",
        'Nothing was sent. Fix the invalid rows, then validate again.',
        '',
      ].join('\n'),
    );
  });

  it('reports typed callData problems by column, and duplicates by count', async () => {
    const typed = await validate('spreadsheets/typed-calldata.csv', [
      '--map',
      fixture('spreadsheets/typed-calldata.map.json'),
    ]);
    expect(typed.report).toContain(
      '  callData ← firstName: "First Name", age: "Age" (int), score: "Score" (float), vip: "VIP" (boolean), ' +
        'optedIn: "Opted In" (boolean), notes: "Notes"\n',
    );
    expect(typed.report).toContain(
      '\n  row 6 (line 7): column "Age" (age, int): the value is not a whole number\n' +
        '  row 7 (line 8): column "Score" (score, float): the value is not a number',
    );
    const duplicates = await validate('spreadsheets/duplicates.csv', ['--default-country', 'US']);
    expect(duplicates.report).toContain(
      '9 rows: 5 valid, 1 invalid, 3 skipped\n\n' +
        'Invalid row:\n' +
        '  row 7 (line 8): column "phone": phone number has no digits: the cell holds text, not a number\n\n' +
        '3 skipped rows repeat the phone number or externalId of an earlier row: see their _error.\n',
    );
  });

  it('says when every row is valid', async () => {
    const { run, report } = await validate('csv/utf8-bom.csv');
    expect(run.code).toBe(0);
    expect(report).toContain(
      '2 rows: 2 valid, 0 invalid, 0 skipped\n\n' +
        "Results: <results> (every row's status; _error says why a row is invalid or skipped)\n" +
        'Nothing was sent. No row is invalid: the file is ready to import.\n',
    );
  });
});

describe('validate: what stops a run', () => {
  it('an unclosed quote: exit 2 naming the line it opens on, after the rows before it', async () => {
    const { run, rows } = await validate('csv/unclosed-quote-at-end.csv', [], true);
    expect(run.code).toBe(2);
    expect(errorLine(run.stderr)?.replace(/ in \S+results-\d+\.csv$/, ' in <results>')).toBe(
      'nlpearl-leads: unclosed-quote-at-end.csv: line 4: a quoted cell opened here is never closed; check for a stray " in this row; the rows before it are in <results>',
    );
    expect(rows).toEqual([
      header('name', 'phone', 'note'),
      valid(1, 'Ann', '+12125550101', 'ok'),
      valid(2, 'Bob', '+12125550102', 'fine, really'),
    ]);
  });

  it.each([
    ['csv/binary.bin', 'binary.bin does not look like a CSV file (binary data)'],
    [
      'csv/xlsx-workbook.xlsx',
      'xlsx-workbook.xlsx does not look like a CSV file (binary data); if it is a spreadsheet, save it as "CSV UTF-8" first',
    ],
    ['csv/empty.csv', 'empty.csv is empty'],
    ['csv/blank-only.csv', 'blank-only.csv is empty (only blank lines)'],
    ['csv/header-only.csv', 'header-only.csv has a header but no rows'],
  ])('%s: exit 2, "%s", no results file', async (name, message) => {
    const { run, rows } = await validate(name);
    expect(run.code).toBe(2);
    expect(errorLine(run.stderr)).toBe(`nlpearl-leads: ${message}`);
    expect(rows).toBeUndefined();
  });

  it.each([
    [
      'typed-calldata.bad-type.map.json',
      'callData.age.type: expected one of string, int, float, boolean; got "integer"',
    ],
    [
      'typed-calldata.bad-key.map.json',
      'unknown key "phonenumber"; did you mean "phoneNumber"? (keys are case-sensitive)',
    ],
  ])('a mapping file with a mistake (%s): exit 2 naming the key', async (map, issue) => {
    const mapFile = fixture(`spreadsheets/${map}`);
    const { run, rows } = await validate('spreadsheets/typed-calldata.csv', ['--map', mapFile]);
    expect(run.code).toBe(2);
    expect(errorLine(run.stderr)).toBe(`nlpearl-leads: mapping file ${mapFile}: ${issue}`);
    expect(rows).toBeUndefined();
  });
});

describe('timezones', () => {
  it('prints each Windows id first on its line, then the IANA names it stands for', async () => {
    const run = await runMain(['timezones']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(139);
    expect(lines[0]).toBe('Afghanistan Standard Time        Asia/Kabul');
    expect(lines.find((line) => line.startsWith('Eastern Standard Time '))).toMatch(
      /^Eastern Standard Time {12}America\/New_York, .*America\/Detroit/,
    );
    expect(lines.filter((line) => /\bEurope\/Berlin\b/.test(line))).toEqual([
      expect.stringMatching(/^W\. Europe Standard Time {10}Europe\/Berlin, /) as string,
    ]);
    expect(lines.find((line) => line.startsWith('Türkiye Standard Time'))).toMatch(/Europe\/Istanbul/);
  });

  it('--no-iana prints the ids alone', async () => {
    const run = await runMain(['timezones', '--no-iana']);
    expect(run.code).toBe(0);
    const ids = run.stdout.trimEnd().split('\n');
    expect(ids).toHaveLength(139);
    expect(ids).toContain('Eastern Standard Time');
    expect(ids).toContain('Central Standard Time (Mexico)');
    expect(ids.filter((id) => id.includes('/') || id.includes(','))).toEqual([]);
  });
});

describe('import against the sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const importArgs = (input: string, results: string) => [
    'import',
    input,
    '--outbound',
    'sandbox-outbound',
    '--api-url',
    sandbox.url,
    '--results',
    results,
  ];
  const addLeadBodies = () =>
    sandbox.requests.filter((r) => r.method === 'PUT' && r.status === 200).map((r) => r.body);

  it('crm-export.csv: E.164 phones, Windows time zones and typed callData, exactly as sent', async () => {
    const results = path.join(tempDir(), 'results.csv');
    const run = await runCli(
      [
        ...importArgs(fixture('spreadsheets/crm-export.csv'), results),
        '--map',
        fixture('spreadsheets/crm-export.map.json'),
        '--concurrency',
        '1',
      ],
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.code).toBe(1);
    expect(addLeadBodies()).toStrictEqual([
      {
        phoneNumber: '+12125550100',
        externalId: '003A1',
        timeZoneId: 'Eastern Standard Time',
        callData: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          age: 36,
          score: 9.5,
          optedIn: true,
          notes: 'likes tea, not coffee',
        },
      },
      {
        phoneNumber: '+33612345678',
        externalId: '003A2',
        timeZoneId: 'Romance Standard Time',
        callData: { firstName: 'Zoé', lastName: 'Müller', age: 41, score: 8, optedIn: false },
      },
      {
        phoneNumber: '+972502345678',
        externalId: '003A3',
        timeZoneId: 'Israel Standard Time',
        callData: {
          firstName: 'Noa',
          lastName: 'Levi',
          age: 29,
          score: 7.25,
          optedIn: true,
          notes: 'said "call me"',
        },
      },
      {
        phoneNumber: '+49301234567',
        externalId: '003A4',
        timeZoneId: 'W. Europe Standard Time',
        callData: { firstName: 'Jürgen', lastName: 'Weiß' },
      },
      {
        phoneNumber: '+12125550101',
        externalId: '003A5',
        timeZoneId: 'Pacific Standard Time',
        callData: { firstName: 'Grace', lastName: 'Hopper', age: 85, score: 10, optedIn: false },
      },
      {
        phoneNumber: '+442079460958',
        externalId: '003A6',
        timeZoneId: 'GMT Standard Time',
        callData: { firstName: 'Tim', lastName: 'Berners-Lee' },
      },
      {
        phoneNumber: '+12125550104',
        timeZoneId: 'UTC',
        callData: { firstName: 'Alan', lastName: 'Turing' },
      },
    ]);
    const outcomes = readRows(results).map((cells) => cells.slice(0, 5));
    const leadId = (phone: string) => sandbox.leads.find((lead) => lead.phoneNumber === phone)!.id;
    expect(outcomes).toEqual([
      RESULT_COLUMNS,
      ['1', 'created', leadId('+12125550100'), '', '1'],
      ['2', 'created', leadId('+33612345678'), '', '1'],
      ['3', 'created', leadId('+972502345678'), '', '1'],
      ['4', 'created', leadId('+49301234567'), '', '1'],
      ['5', 'created', leadId('+12125550101'), '', '1'],
      ['6', 'created', leadId('+442079460958'), '', '1'],
      ['7', 'skipped', '', 'duplicate of row 1 (same phone number)', ''],
      ['8', 'invalid', '', `unknown time zone; ${NO_WINDOWS_ID}`, ''],
      ['9', 'invalid', '', 'column "Age" (age, int): the value is not a whole number', ''],
      ['10', 'created', leadId('+12125550104'), '', '1'],
    ]);
  });

  it('duplicate-headers.csv: repeated and empty header names become the callData keys', async () => {
    const run = await runMain(
      importArgs(fixture('csv/duplicate-headers.csv'), path.join(tempDir(), 'results.csv')),
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.code).toBe(0);
    expect(addLeadBodies()).toStrictEqual([
      {
        phoneNumber: '+12125550101',
        callData: {
          Email: 'a@x.com',
          Email_2: 'b@x.com',
          column_4: 'misc',
          email: 'c@x.com',
          Email_3: 'd@x.com',
        },
      },
    ]);
  });

  it('1,000 rows exported by Excel in Windows-1252 with ";": every name arrives intact', async () => {
    const first = [
      'Müller',
      'Françoise',
      'Ñúñez',
      'Øster',
      'Šárka',
      'Ærøe',
      'Zoë',
      'Œuvray',
      'Jürgen',
      'Ãngela',
    ];
    const last = [
      'Lefèvre',
      'Weiß',
      'Muñoz',
      'Dœuf',
      'Çelik',
      'Ødegård',
      'Þórsson',
      'Ÿvelin',
      'Ìñigo',
      'Smith',
    ];
    const rows = Array.from({ length: 1_000 }, (_, i) => ({
      last: last[i % last.length]!,
      first: `${first[(i * 7) % first.length]!} ${i + 1}`,
      phone: `06 ${String(10_000_000 + i * 37).replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      city: i % 3 === 0 ? 'Besançon' : i % 3 === 1 ? 'Zürich' : 'A Coruña',
      amount: `${i + 1},${String(i % 100).padStart(2, '0')}`,
      note:
        i % 10 === 0
          ? 'prix: 5 €; "promo"'
          : i % 10 === 1
            ? 'rappeler\nle soir'
            : i % 10 === 2
              ? ''
              : 'déjà vu',
    }));
    // Excel quotes only the cells that need it: a ";", a quote or a line break.
    const cell = (text: string) => (/[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    const text = [
      'Nom;Prénom;Téléphone;Ville;Montant;Remarque',
      ...rows.map((r) => [r.last, r.first, r.phone, r.city, r.amount, r.note].map(cell).join(';')),
    ].join('\r\n');
    const input = path.join(tempDir(), 'export-excel.csv');
    const bytes = iconv.encode(`${text}\r\n`, 'win1252');
    expect(iconv.decode(bytes, 'win1252')).toBe(`${text}\r\n`); // every character has a Windows-1252 byte
    fs.writeFileSync(input, bytes);
    expect(fs.readFileSync(input).includes(Buffer.from('Müller'))).toBe(false); // not UTF-8 on disk

    const run = await runCli(
      [...importArgs(input, path.join(tempDir(), 'results.csv')), '--default-country', 'FR'],
      {
        NLPEARL_API_TOKEN: sandbox.token,
      },
    );
    expect(run.stderr).not.toMatch(/^nlpearl-leads: /m);
    expect(run.code).toBe(0);
    const byPhone = new Map(sandbox.leads.map((lead) => [lead.phoneNumber, lead]));
    expect(byPhone.size).toBe(1_000);
    for (const r of rows) {
      const lead = byPhone.get(`+33${r.phone.replace(/ /g, '').slice(1)}`);
      expect(lead?.callData).toStrictEqual({
        Nom: r.last,
        Prénom: r.first,
        Ville: r.city,
        Montant: r.amount,
        ...(r.note === '' ? {} : { Remarque: r.note }),
      });
    }
  });
});
