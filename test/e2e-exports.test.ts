import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { ROOT, runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

// Files as CRMs and address books export them (fixtures/exports/README.md), each run through the built CLI:
// `validate`, then `import` against the sandbox over HTTP. Only `--default-country` is given. For every row:
// its status and error, and for a created row the column its phone came from and the number NLPearl received.

const tempDir = useTempDir();
const fixture = (name: string) => path.join(ROOT, 'fixtures/exports', name);
const RESULT_COLUMNS = ['_row', '_status', '_leadId', '_error', '_attempts'];

type Row =
  | { readonly created: readonly [column: string, phone: string] }
  | { readonly invalid: string }
  | { readonly skipped: string };

interface ExportCase {
  readonly fixture: string;
  readonly country: string;
  /** The report's "Read as:" line. */
  readonly readAs: string;
  /** The report's mapping lines that matter here (phoneNumber, externalId…), each as printed. */
  readonly mapping: readonly string[];
  readonly rows: readonly Row[];
}

const EXCEL_ID =
  'externalId was turned into a number in scientific notation by a spreadsheet program, which ' +
  'dropped digits, so different rows may now share it; format the externalId column as Text before the numbers ' +
  'go in (in Excel: Data → From Text/CSV, column type Text), then export again';
const LOST_PLUS =
  'phone number is too long; with a "+" in front it is a valid number in United Kingdom: add the "+" if that ' +
  'is the number';
const NO_NUMBER_TYPED =
  "no number to call: the row's type for its number is one not to dial (a fax or a pager)";
const NO_NUMBER_LABELLED =
  'no number to call: the labels in the cell name only numbers not to dial (a fax or a pager)';
const EACH_ROW = 'per row, the first that is not empty';

const cases: ExportCase[] = [
  {
    fixture: 'google-contacts.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: [
      `phoneNumber ← "Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value" (${EACH_ROW}; mobile numbers first, as "Phone 1 - Label"… says)`,
    ],
    rows: [
      { created: ['Phone 2 - Value', '+12125550102'] }, // Work, then Mobile: the mobile
      { created: ['Phone 1 - Value', '+12125550103'] }, // "a ::: b": the first
      { created: ['Phone 2 - Value', '+12125550106'] }, // a Home Fax is never dialled
      { created: ['Phone 1 - Value', '+442079460011'] }, // a short row
      { invalid: 'no phone number (empty: "Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value")' },
      { created: ['Phone 2 - Value', '+12125550109'] }, // Work before Other
    ],
  },
  {
    fixture: 'google-contacts-utf16.csv',
    country: 'GB',
    readAs: 'utf-16le, comma-separated',
    mapping: [
      `phoneNumber ← "Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value" (${EACH_ROW}; mobile numbers first, as "Phone 1 - Type"… says)`,
    ],
    rows: [
      { created: ['Phone 2 - Value', '+447400123423'] },
      { created: ['Phone 1 - Value', '+447400123456'] }, // "* Mobile"
      { created: ['Phone 1 - Value', '+493090182012'] },
      { invalid: NO_NUMBER_TYPED },
      { created: ['Phone 1 - Value', '+447400123489'] },
    ],
  },
  {
    fixture: 'outlook.csv',
    country: 'US',
    readAs: 'windows-1252, comma-separated',
    mapping: [
      'phoneNumber ← "Mobile Phone", "Primary Phone", "Business Phone", "Business Phone 2", "Home Phone", ' +
        `"Home Phone 2", "Assistant's Phone", "Car Phone", "Company Main Phone", "Other Phone", "Radio Phone" (${EACH_ROW})`,
    ],
    rows: [
      { created: ['Mobile Phone', '+12125550120'] },
      { created: ['Business Phone', '+12125550122'] },
      { created: ['Home Phone', '+12125550124'] },
      { invalid: 'no phone number (empty: "Mobile Phone", "Primary Phone", "Business Phone" and 8 more)' },
      { invalid: LOST_PLUS },
      { created: ['Primary Phone', '+12125550128'] },
    ],
  },
  {
    fixture: 'outlook-de.csv',
    country: 'DE',
    readAs: 'windows-1252, semicolon-separated',
    mapping: [
      'phoneNumber ← "Mobiltelefon", "Mobiltelefon 2", "Haupttelefon", "Telefon geschäftlich", ' +
        '"Telefon geschäftlich 2", "Telefon privat", "Telefon privat 2", "Telefon Assistent", "Autotelefon", ' +
        `"Telefon Firma", "Weiteres Telefon" (${EACH_ROW})`,
    ],
    rows: [
      { created: ['Mobiltelefon', '+4915123456710'] },
      { created: ['Telefon geschäftlich', '+493090182012'] },
      { created: ['Haupttelefon', '+493090182014'] },
      { created: ['Telefon Firma', '+493090182016'] },
      { invalid: 'phone number contains letters; write the number with digits only' },
    ],
  },
  {
    fixture: 'pipedrive-people.csv',
    country: 'GB',
    readAs: 'utf-8, comma-separated',
    mapping: [
      'phoneNumber ← "Person - Phone - Mobile", "Person - Phone - Work", "Person - Phone - Home", ' +
        `"Person - Phone - Other" (${EACH_ROW})`,
      'externalId ← "Person - ID"',
    ],
    rows: [
      { created: ['Person - Phone - Mobile', '+447400123431'] },
      { created: ['Person - Phone - Work', '+442079460032'] },
      { created: ['Person - Phone - Home', '+442079460033'] },
      { created: ['Person - Phone - Other', '+442079460035'] },
      {
        invalid:
          'no phone number (empty: "Person - Phone - Mobile", "Person - Phone - Work", "Person - Phone - Home" and 1 more)',
      },
      { skipped: 'duplicate of row 1 (same phone number)' },
    ],
  },
  {
    fixture: 'zoho-leads.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: [`phoneNumber ← "Mobile", "Phone" (${EACH_ROW})`, 'externalId ← "Record Id"'],
    rows: [
      { created: ['Mobile', '+12125550141'] }, // only Mobile filled
      { created: ['Mobile', '+12125550143'] },
      { created: ['Phone', '+12125550144'] },
      { invalid: 'no phone number (empty: "Mobile", "Phone")' },
    ],
  },
  {
    fixture: 'zoho-leads-saved-by-excel.csv',
    country: 'US',
    readAs: 'windows-1252, comma-separated',
    mapping: [`phoneNumber ← "Mobile", "Phone" (${EACH_ROW})`, 'externalId ← "Record Id"'],
    rows: [
      // The same damaged id in every row: each row is invalid, none a duplicate of the first.
      { invalid: EXCEL_ID },
      { invalid: EXCEL_ID },
      { invalid: EXCEL_ID },
      { invalid: 'no phone number (empty: "Mobile", "Phone")' },
      { created: ['Mobile', '+12125550146'] },
    ],
  },
  {
    fixture: 'salesforce-contacts.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: [
      `phoneNumber ← "MobilePhone", "Phone", "HomePhone", "OtherPhone", "AssistantPhone" (${EACH_ROW})`,
      'externalId ← "Id"',
      'doNotCall ← "DoNotCall" (rows marked true are skipped, never sent)',
    ],
    rows: [
      { created: ['MobilePhone', '+12125550162'] },
      { skipped: 'do not call (marked in column "DoNotCall")' },
      { created: ['Phone', '+12125550164'] }, // opted out of faxes only
      { skipped: 'do not call (marked in column "DoNotCall")' }, // its phone is invalid too: it is never looked at
      { created: ['HomePhone', '+12125550166'] },
    ],
  },
  {
    fixture: 'hubspot-contacts.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: [
      `phoneNumber ← "Mobile Phone Number", "Phone Number" (${EACH_ROW})`,
      'externalId ← "Record ID"',
    ],
    rows: [
      { created: ['Mobile Phone Number', '+12125550172'] },
      { created: ['Phone Number', '+12125550173'] },
      { invalid: 'no phone number (empty: "Mobile Phone Number", "Phone Number")' },
      { created: ['Mobile Phone Number', '+447400123473'] },
      {
        invalid:
          'phone number has an extension, which cannot be dialled; remove it or move it to another column',
      },
    ],
  },
  {
    fixture: 'mailchimp-audience.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: ['phoneNumber ← "Phone Number"', 'timeZoneId ← "TIMEZONE"'],
    rows: [
      { created: ['Phone Number', '+12125550181'] },
      { created: ['Phone Number', '+442079460181'] },
      { invalid: LOST_PLUS },
      { invalid: 'no phone number' },
    ],
  },
  {
    fixture: 'quickbooks-customer-contact-list.csv',
    country: 'US',
    readAs: 'utf-8, comma-separated',
    mapping: ['phoneNumber ← "Phone numbers"'],
    rows: [
      { created: ['Phone numbers', '+12125550192'] }, // "Phone:… Mobile:…": the mobile
      { created: ['Phone numbers', '+12125550193'] },
      { invalid: NO_NUMBER_LABELLED },
      { created: ['Phone numbers', '+12125550195'] },
      { invalid: 'no phone number' },
    ],
  },
  {
    fixture: 'thunderbird-address-book.csv',
    country: 'GB',
    readAs: 'windows-1252, comma-separated',
    mapping: [`phoneNumber ← "Mobile Number", "Work Phone", "Home Phone" (${EACH_ROW})`],
    rows: [
      { created: ['Work Phone', '+442079460041'] }, // an empty Mobile Number does not win
      { created: ['Mobile Number', '+447400123442'] },
      { created: ['Home Phone', '+442079460045'] },
      { invalid: 'no phone number (empty: "Mobile Number", "Work Phone", "Home Phone")' },
    ],
  },
];

function readResults(file: string): { header: string[]; rows: string[][] } {
  const lines: string[][] = parse(fs.readFileSync(file), { relax_column_count: true });
  const [header = [], ...rows] = lines;
  return { header, rows };
}

const digits = (text: string) => text.replace(/\D/g, '');
const hasInvalid = (rows: readonly Row[]) => rows.some((row) => 'invalid' in row);

describe('exports of CRMs and address books: validate, then import against the sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it.each(cases)('$fixture', async ({ fixture: name, country, readAs, mapping, rows }) => {
    const checked = path.join(tempDir(), 'validate.csv');
    const validate = await runCli([
      'validate',
      fixture(name),
      '--default-country',
      country,
      '--results',
      checked,
    ]);
    expect(validate.stderr).not.toMatch(/^nlpearl-leads: /m);
    expect(validate.code).toBe(hasInvalid(rows) ? 1 : 0);
    expect(validate.stdout).toContain(`Read as: ${readAs}\n`);
    for (const line of mapping) expect(validate.stdout).toContain(`\n  ${line}\n`);
    const dry = readResults(checked);
    expect(dry.rows.map((cells) => cells.slice(1, 4))).toEqual(
      rows.map((row) =>
        'created' in row
          ? ['valid', '', '']
          : 'invalid' in row
            ? ['invalid', '', row.invalid]
            : ['skipped', '', row.skipped],
      ),
    );

    const results = path.join(tempDir(), 'import.csv');
    const run = await runCli(
      [
        'import',
        fixture(name),
        '--default-country',
        country,
        '--results',
        results,
        '--outbound',
        'sandbox-outbound',
      ].concat(['--api-url', sandbox.url, '--concurrency', '1']),
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.stderr).not.toMatch(/^nlpearl-leads: /m);
    expect(run.code).toBe(hasInvalid(rows) ? 1 : 0);
    const { header, rows: written } = readResults(results);
    expect(header.slice(0, 5)).toEqual(RESULT_COLUMNS);
    expect(header.slice(5)).toEqual(dry.header.slice(5));
    expect(written).toHaveLength(rows.length);

    const sent: string[] = [];
    rows.forEach((row, i) => {
      const cells = written[i]!;
      expect(cells[0]).toBe(String(i + 1));
      if ('created' in row) {
        const [column, phone] = row.created;
        expect([cells[1], cells[3]]).toEqual(['created', '']);
        const lead = sandbox.leads.find((candidate) => candidate.id === cells[2]);
        expect(lead?.phoneNumber).toBe(phone);
        // The phone came from this column: its cell holds the number's digits.
        const cell = cells[header.indexOf(column)] ?? '';
        expect(digits(cell)).toContain(parsePhoneNumberWithError(phone).nationalNumber);
        sent.push(phone);
      } else {
        const [status, error] = 'invalid' in row ? ['invalid', row.invalid] : ['skipped', row.skipped];
        expect([cells[1], cells[2], cells[3]]).toEqual([status, '', error]);
      }
    });
    // Nothing else was sent: one lead per created row.
    expect(sandbox.leads.map((lead) => lead.phoneNumber)).toEqual(sent);
  });

  let runs = 0;
  const importArgs = (input: string, ...flags: string[]) => [
    'import',
    input,
    '--results',
    path.join(tempDir(), `results-${++runs}.csv`),
    '--outbound',
    'sandbox-outbound',
    '--api-url',
    sandbox.url,
    '--concurrency',
    '1',
    ...flags,
  ];

  const imported = async (name: string, country: string, code: number) => {
    const run = await runCli(importArgs(fixture(name), '--default-country', country), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(code);
    return sandbox.leads;
  };

  it('sends neither the phone columns nor the do-not-call column as callData', async () => {
    const [first] = await imported('salesforce-contacts.csv', 'US', 0);
    expect(first).toMatchObject({ phoneNumber: '+12125550162', externalId: '0038d00000Ab1CdAAJ' });
    expect(first?.callData).toMatchObject({
      FirstName: 'Rose',
      Title: 'SVP, Procurement',
      HasOptedOutOfFax: 'false',
    });
    for (const key of ['Id', 'Phone', 'MobilePhone', 'DoNotCall'])
      expect(first?.callData).not.toHaveProperty(key);
  });

  it("sends neither Google's phone values nor their labels as callData; a multi-line cell arrives whole", async () => {
    const [first] = await imported('google-contacts.csv', 'US', 1);
    expect(Object.keys(first?.callData ?? {}).filter((key) => key.startsWith('Phone'))).toEqual([]);
    expect(first?.callData).toMatchObject({
      'First Name': 'Ada',
      'Address 1 - Formatted': '12 Main St\nNew York, NY 10001\nUS',
    });
  });

  it("sends Mailchimp's TIMEZONE as NLPearl's time-zone id, and German names as written", async () => {
    const leads = await imported('mailchimp-audience.csv', 'US', 1);
    expect(leads.map((lead) => lead.timeZoneId)).toEqual(['Eastern Standard Time', 'GMT Standard Time']);
    const [jurgen] = await imported('outlook-de.csv', 'DE', 1).then((all) => all.slice(2));
    expect(jurgen?.callData).toMatchObject({
      Vorname: 'Jürgen',
      Nachname: 'Weiß',
      Firma: 'Müller & Söhne GmbH',
    });
  });

  it('the summary counts the rows per phone column and the do-not-call skips: report, summary, log line', async () => {
    const phones = 'Phone numbers from "MobilePhone": 1 row, "Phone": 1 row, "HomePhone": 1 row';
    const checked = path.join(tempDir(), 'checked.csv');
    const validate = await runCli([
      ...['validate', fixture('salesforce-contacts.csv'), '--default-country', 'US', '--results', checked],
    ]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(`\n5 rows: 3 valid, 0 invalid, 2 skipped\n${phones}\n`);
    expect(validate.stdout).toContain('\n2 skipped rows are marked do not call: they are never sent.\n');
    expect(validate.stdout).not.toContain('repeat the phone number');

    const run = await runCli(importArgs(fixture('salesforce-contacts.csv'), '--default-country', 'US'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(': 3 created, 0 invalid, 0 failed, 2 skipped\n' + `${phones}\n`);
    const finished = run.stderr.split('\n').find((line) => line.includes('"msg":"finished"'));
    expect(JSON.parse(finished ?? '{}')).toMatchObject({
      created: 3,
      skipped: 2,
      doNotCall: 2,
      phoneColumns: [
        { column: 'MobilePhone', rows: 1 },
        { column: 'Phone', rows: 1 },
        { column: 'HomePhone', rows: 1 },
      ],
    });
  });

  it('--call-opted-out calls the rows marked do-not-call, and warns before the first row', async () => {
    const run = await runCli(
      importArgs(fixture('salesforce-contacts.csv'), '--default-country', 'US', '--call-opted-out'),
      { NLPEARL_API_TOKEN: sandbox.token },
    );
    expect(run.code).toBe(1); // row 4's phone, no longer skipped, is invalid
    const warning = run.stderr.split('\n').find((line) => line.includes('--call-opted-out'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      level: 40,
      msg: '--call-opted-out: rows that "DoNotCall" marks as not to be called are sent, and will be called',
    });
    expect(sandbox.leads.map((lead) => lead.phoneNumber)).toEqual([
      '+12125550162',
      '+12125550163',
      '+12125550164',
      '+12125550166',
    ]);
  });

  it('title lines that are not recognised: exit 2, the error suggests --header-row, which then reads the file', async () => {
    // The first title line with two cells: it is taken for the header, and the rows are wider.
    const text = fs.readFileSync(fixture('quickbooks-customer-contact-list.csv'), 'utf8');
    const input = path.join(tempDir(), 'report.csv');
    fs.writeFileSync(input, text.replace('Larkspur Garden Design LLC', 'Larkspur Garden Design LLC,Report'));
    const refused = await runCli(['validate', input, '--default-country', 'US', '--results', `${input}.out`]);
    expect(refused.code).toBe(2);
    const error = refused.stderr.split('\n').find((line) => line.startsWith('nlpearl-leads: '));
    expect(error).toMatch(
      /^nlpearl-leads: no phone column found: .*; likely: "Report" \(\d+% of its \d+ sampled cells/,
    );
    expect(error).toMatch(
      /; the header \(line 1\) has 2 columns but most rows have more: if the header is on line 6, pass --header-row 6$/,
    );

    const run = await runCli(importArgs(input, '--default-country', 'US', '--header-row', '6'), {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(1);
    expect(sandbox.leads.map((lead) => lead.phoneNumber)).toEqual([
      '+12125550192',
      '+12125550193',
      '+12125550195',
    ]);
  });
});
