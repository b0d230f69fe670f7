import { describe, expect, it } from 'vitest';
import { formatValidationReport } from '../src/cli/validation-report.js';
import type { RowProblem } from '../src/pipeline/run-tally.js';
import { emptyCounts, type ImportSummary } from '../src/pipeline/summary.js';

const MAPPING = ['phoneNumber ← "Phone"', 'externalId ← (none)', 'timeZoneId ← (none)', 'callData ← "Name"'];

function summary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    resultsPath: 'leads.results.csv',
    dryRun: true,
    rows: 3,
    counts: { ...emptyCounts(), valid: 3 },
    doNotCall: 0,
    phoneColumns: [],
    alreadyDone: 0,
    durationMs: 12,
    rowsPerSecond: 250,
    mapping: MAPPING,
    problems: [],
    exitCode: 0,
    ...overrides,
  };
}

const RESULTS_LINE =
  "Results: leads.results.csv (every row's status; _error says why a row is invalid or skipped)";

describe('formatValidationReport', () => {
  it('all valid: the mapping, the counts, where the results are, and that the file is ready', () => {
    expect(formatValidationReport(summary())).toBe(
      [
        'Mapping:',
        '  phoneNumber ← "Phone"',
        '  externalId ← (none)',
        '  timeZoneId ← (none)',
        '  callData ← "Name"',
        '',
        '3 rows: 3 valid, 0 invalid, 0 skipped',
        '',
        RESULTS_LINE,
        'Nothing was sent. No row is invalid: the file is ready to import.',
        '',
      ].join('\n'),
    );
  });

  it('lists each problem with row, line and column, saying neither the line nor the column twice', () => {
    const problems: RowProblem[] = [
      { row: 2, line: 3, column: 'Phone', reason: 'phone number is too short' },
      { row: 4, line: 7, reason: 'line 7: 4 fields, expected 3 (header); check for a "," inside a cell …' },
      { row: 5, line: 8, column: 'Age', reason: 'column "Age" (age, int): the value is not a whole number' },
      // A reason that speaks of another line keeps it.
      { row: 6, line: 9, reason: 'line 12: something else' },
    ].map((problem) => ({ ...problem, status: 'invalid' as const }));
    const report = formatValidationReport(
      summary({ rows: 6, counts: { ...emptyCounts(), valid: 2, invalid: 4 }, problems, exitCode: 1 }),
    );
    expect(report).toContain(
      [
        '6 rows: 2 valid, 4 invalid, 0 skipped',
        '',
        'Invalid rows:',
        '  row 2 (line 3): column "Phone": phone number is too short',
        '  row 4 (line 7): 4 fields, expected 3 (header); check for a "," inside a cell …',
        '  row 5 (line 8): column "Age" (age, int): the value is not a whole number',
        '  row 6 (line 9): line 12: something else',
        '',
        RESULTS_LINE,
        'Nothing was sent. Fix the invalid rows, then validate again.',
        '',
      ].join('\n'),
    );
  });

  it('says how many problems it does not show', () => {
    const problems = Array.from({ length: 20 }, (_, i) => ({
      row: i + 1,
      line: i + 2,
      status: 'invalid' as const,
      reason: 'no phone number',
    }));
    const many = formatValidationReport(
      summary({ rows: 100_000, counts: { ...emptyCounts(), valid: 99_000, invalid: 1_000 }, problems }),
    );
    expect(many).toContain('\nFirst 20 of 1000 invalid rows:\n  row 1 (line 2): no phone number\n');
    expect(many.match(/^ {2}row /gm)).toHaveLength(20);
    const one = formatValidationReport(
      summary({ counts: { ...emptyCounts(), valid: 2, invalid: 1 }, problems: problems.slice(0, 1) }),
    );
    expect(one).toContain('\nInvalid row:\n  row 1 (line 2): no phone number\n\n');
  });

  it('explains skipped rows, in the singular and the plural', () => {
    expect(formatValidationReport(summary({ counts: { ...emptyCounts(), valid: 2, skipped: 1 } }))).toContain(
      '3 rows: 2 valid, 0 invalid, 1 skipped\n\n' +
        '1 skipped row repeats the phone number or externalId of an earlier row: see its _error.\n' +
        `${RESULTS_LINE}\n` +
        'Nothing was sent. No row is invalid: the file is ready to import.\n',
    );
    expect(formatValidationReport(summary({ counts: { ...emptyCounts(), valid: 1, skipped: 2 } }))).toContain(
      '\n2 skipped rows repeat the phone number or externalId of an earlier row: see their _error.\n',
    );
  });

  it('tells do-not-call skips from repeats', () => {
    const counts = { ...emptyCounts(), valid: 2, skipped: 4 };
    expect(formatValidationReport(summary({ rows: 6, counts, doNotCall: 3 }))).toContain(
      '6 rows: 2 valid, 0 invalid, 4 skipped\n\n' +
        '1 skipped row repeats the phone number or externalId of an earlier row: see its _error.\n' +
        '3 skipped rows are marked do not call: they are never sent.\n',
    );
    const onlyMarked = formatValidationReport(summary({ counts: { ...counts, skipped: 1 }, doNotCall: 1 }));
    expect(onlyMarked).toContain('\n1 skipped row is marked do not call: it is never sent.\n');
    expect(onlyMarked).not.toContain('repeat');
  });

  it('counts the rows per phone column only when more than one column gave numbers', () => {
    const phoneColumns = [
      { column: 'Mobile', rows: 900 },
      { column: 'Phone', rows: 1 },
    ];
    expect(formatValidationReport(summary({ phoneColumns }))).toContain(
      '\n3 rows: 3 valid, 0 invalid, 0 skipped\nPhone numbers from "Mobile": 900 rows, "Phone": 1 row\n\n',
    );
    const one = formatValidationReport(summary({ phoneColumns: [{ column: 'Mobile', rows: 3 }] }));
    expect(one).not.toContain('Phone numbers from');
  });

  it('says when the run stopped before the end, and that the rest was not checked', () => {
    const report = formatValidationReport(
      summary({
        stopped: {
          code: 'INTERRUPTED',
          message: 'interrupted; the outcomes reached so far are in the results file',
        },
        exitCode: 3,
      }),
    );
    expect(report).toContain(
      '\nStopped: interrupted; the outcomes reached so far are in the results file\n' +
        `${RESULTS_LINE}\n` +
        'Nothing was sent. The rows after the last one in the results file were not checked.\n',
    );
  });

  it('tells rows an earlier run had done apart', () => {
    const report = formatValidationReport(
      summary({ rows: 10, alreadyDone: 7, counts: { ...emptyCounts(), valid: 3 } }),
    );
    expect(report).toContain(
      '10 rows: 3 valid, 0 invalid, 0 skipped\n(7 of them were already done by an earlier run and were not checked again)\n',
    );
  });

  it('says how the input was read when the summary carries it', () => {
    const report = formatValidationReport({
      ...summary(),
      input: { encoding: 'windows-1252', delimiter: ';' },
    });
    expect(report.startsWith('Read as: windows-1252, semicolon-separated\n\nMapping:\n')).toBe(true);
    const tabs = formatValidationReport({ ...summary(), input: { encoding: 'utf-16le', delimiter: '\t' } });
    expect(tabs.startsWith('Read as: utf-16le, tab-separated\n')).toBe(true);
  });
});
