import { describe, expect, it } from 'vitest';
import { canaryContinueCommand } from '../src/cli/import-command.js';
import { formatCanaryReport } from '../src/cli/canary-report.js';
import { createStyle } from '../src/cli/style.js';

describe('the command that continues after a canary', () => {
  const typed = [
    'import',
    'leads.csv',
    '--outbound',
    'x',
    '--canary',
    '5',
    '--concurrency',
    '4',
    '--overwrite',
  ];

  it('is the command as typed without --canary: with the ledger --overwrite, without it --resume', () => {
    expect(canaryContinueCommand(typed, true)).toBe(
      'nlpearl-leads import leads.csv --outbound x --concurrency 4 --overwrite',
    );
    expect(canaryContinueCommand(typed, false)).toBe(
      'nlpearl-leads import leads.csv --outbound x --concurrency 4 --resume',
    );
    expect(canaryContinueCommand(['import', 'a b.csv', '--canary=2', '--resume'], true)).toBe(
      "nlpearl-leads import 'a b.csv' --overwrite",
    );
  });
});

describe('the canary report', () => {
  it('shows each row as the campaign holds it, and escapes what could drive the terminal', () => {
    const text = formatCanaryReport(
      [
        {
          row: 1,
          status: 'created',
          leadId: 'L1',
          lead: {
            phoneNumber: '+12125550100',
            externalId: 'crm-1',
            timeZone: -5,
            callData: { firstName: 'Ann\u001b[2J', age: 42, vip: true },
          },
        },
        {
          row: 12,
          status: 'updated',
          leadId: 'L12',
          lead: { phoneNumber: '+33612345678', externalId: null, timeZone: null, callData: null },
        },
        { row: 13, status: 'failed', problem: 'HTTP 400: PhoneNumber is invalid' },
      ],
      createStyle(false),
    );
    expect(text.split('\n')).toEqual([
      'Canary: the first 3 rows sent, as the campaign now holds them (Get Lead):',
      '  row  1  created  leadId L1  phone +12125550100  time zone UTC-5  externalId crm-1',
      '          callData firstName="Ann\\u001b[2J", age=42, vip=true',
      "  row 12  updated  leadId L12  phone +33612345678  time zone the campaign's",
      '          callData (none)',
      '  row 13  failed   HTTP 400: PhoneNumber is invalid',
      '',
    ]);
  });
});
