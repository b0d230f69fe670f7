import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { runCli, type CliRun } from './helpers/run-cli.js';

// The token's leak test (secrets.test.ts), with a lead's data: import, validate and retry through the built CLI
// at --log-level trace with --log-file, on rows whose every cell is recognisable. None of them may appear on
// stdout, stderr or in the log; the results file holds them all, which proves the rows were there.

/** One row of each kind, with the cells that must not leak. */
const HEADER = ['phone', 'externalId', 'firstName', 'Zone', 'Age', 'DoNotCall'];
const ROWS = [
  // Sent first, and answered 400 by a server that quotes the lead back.
  ['+1 212 555 0187', 'crm-LEAK-4410', 'Ottoline Vexbury', '', '', ''],
  // Created: a valid number, a name, an externalId.
  ['+1 212 555 0186', 'crm-LEAK-7731', 'Zebulon Quixwright', '', '31', 'no'],
  // Invalid phone, and a number that lost its "+" (its hint must not give the number back).
  ['+1 212 5550 19999', 'crm-LEAK-5502', 'Perpetua Haverlock', '', '', ''],
  ['442079460958', 'crm-LEAK-5503', 'Ignatius Brackwell', '', '', ''],
  // A bad time zone, a bad typed cell, a do-not-call value that says neither.
  ['+1 212 555 0189', 'crm-LEAK-6604', 'Wilhelmina Strood', 'Atlantis/Leakville', '', ''],
  ['+1 212 555 0191', 'crm-LEAK-6605', 'Barnaby Quenton', '', 'forty-seven-LEAK', ''],
  ['+1 212 555 0192', 'crm-LEAK-6606', 'Hesper Caldwick', '', '', 'perhaps-LEAK'],
  // Skipped: marked do not call.
  ['+1 212 555 0193', 'crm-LEAK-6607', 'Tobiah Fenmoor', '', '', 'yes'],
];
const MAP = {
  phoneNumber: 'phone',
  externalId: 'externalId',
  timeZoneId: 'Zone',
  callData: { firstName: 'firstName', age: { column: 'Age', type: 'int' } },
};

/** Every cell long enough to be recognised ("yes" and "31" are in any log). */
const NEEDLES = ROWS.flat().filter((cell) => cell.length >= 4);
/** Each phone's digits: found in an output once its spaces, dashes, dots, brackets and "+" are taken out. */
const PHONE_DIGITS = ROWS.map((cells) => cells[0]!.replace(/\D/g, ''));

const ECHOING_400 = {
  status: 400,
  body: {
    errors: {
      PhoneNumber: ['The number +12125550187 of Ottoline Vexbury is not allowed'],
      ExternalId: ['crm-LEAK-4410 is already in use'],
    },
  },
} as const;

describe("a lead's data never leaks to stdout, stderr or the log", () => {
  let sandbox: Sandbox;
  let dir: string;
  const input = () => path.join(dir, 'leads.csv');
  const results = () => path.join(dir, 'leads.results.csv');

  beforeAll(async () => {
    sandbox = await startSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-lead-leak-'));
    fs.writeFileSync(input(), stringify([HEADER, ...ROWS]));
    fs.writeFileSync(path.join(dir, 'map.json'), JSON.stringify(MAP));
  });
  afterAll(async () => {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (name: string, args: readonly string[]) => {
    const log = path.join(dir, `${name}.log`);
    const common = ['--map', path.join(dir, 'map.json'), '--default-country', 'US'];
    const cli = await runCli([...args, ...common, '--log-level', 'trace', '--log-file', log], {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    return { ...cli, log: fs.readFileSync(log, 'utf8') };
  };
  const sending = () => ['--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--concurrency', '1'];

  function expectNoLeak(cli: CliRun & { log: string }, resultsFile: string): void {
    const outputs = { stdout: cli.stdout, stderr: cli.stderr, 'log file': cli.log };
    for (const [output, text] of Object.entries(outputs)) {
      for (const needle of NEEDLES) expect(text.includes(needle), `"${needle}" in ${output}`).toBe(false);
      // Also as E.164 or formatted otherwise (+44 20 7946 0958): the digits in a row.
      const squeezed = text.replace(/[\s().+-]/g, '');
      for (const digits of PHONE_DIGITS)
        expect(squeezed.includes(digits), `${digits} in ${output}`).toBe(false);
    }
    expect(cli.log.split('\n').filter((line) => line !== '').length).toBeGreaterThan(1);
    const kept = fs.readFileSync(resultsFile, 'utf8');
    for (const needle of ROWS.flat().filter((cell) => cell !== '')) expect(kept).toContain(needle);
  }

  /** The `finished` (or `finished with rows not created`) line of a JSON log. */
  const finished = (log: string) =>
    JSON.parse(log.split('\n').find((line) => line.includes('"msg":"finished')) ?? '{}') as {
      problems?: { row: number; status: string; reason?: string; column?: string }[];
    };

  it('import, with a 400 that quotes the lead back', async () => {
    sandbox.enqueue(ECHOING_400);
    const cli = await run('import', ['import', input(), ...sending()]);
    expect(cli.code).toBe(1);
    expectNoLeak(cli, results());
    expect(fs.readFileSync(results(), 'utf8')).toContain('HTTP 400: PhoneNumber: The number +12125550187');
    // The failed row is named by where it is; an invalid row keeps our reason, which names only columns.
    const { problems = [] } = finished(cli.log);
    expect(problems.find((problem) => problem.row === 1)).toEqual({ row: 1, line: 2, status: 'failed' });
    expect(problems.find((problem) => problem.row === 5)).toMatchObject({
      status: 'invalid',
      column: 'Zone',
      reason: expect.stringMatching(/^unknown time zone; /) as string,
    });
    expect(sandbox.leads.map((lead) => lead.externalId)).toEqual(['crm-LEAK-7731']);
  });

  it('validate', async () => {
    const checked = path.join(dir, 'checked.csv');
    const cli = await run('validate', ['validate', input(), '--results', checked]);
    expect(cli.code).toBe(1);
    // The report lists the invalid rows by row, line and column, with reasons that quote none of their cells.
    expect(cli.stdout).toContain('row 6 (line 7): column "Age" (age, int): the value is not a whole number');
    expectNoLeak(cli, checked);
  });

  it('retry, with the server still refusing the first row', async () => {
    sandbox.enqueue(ECHOING_400);
    const cli = await run('retry', ['retry', results(), ...sending()]);
    expect(cli.code).toBe(1);
    expectNoLeak(cli, results());
    expect(finished(cli.log).problems?.find((problem) => problem.row === 1)).toEqual({
      row: 1,
      line: 2,
      status: 'failed',
    });
  });
});
