import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markRemovedInResults } from '../src/results/mark-removed.js';
import { judgeLead } from '../src/undo/lead-verdict.js';
import { leadStatusName } from '../src/upload/lead-status.js';
import type { LeadView } from '../src/upload/nlpearl-api.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

const view = (status: LeadView['status']): LeadView => ({
  id: 'lead-1',
  externalId: null,
  phoneNumber: '+12125550100',
  status,
  timeZone: null,
  callData: null,
});

describe('judgeLead', () => {
  it('removes a lead not called yet, and finds a lead the campaign no longer holds gone', () => {
    expect(judgeLead(view(1), false)).toEqual({ kind: 'remove' });
    expect(judgeLead(view('New'), false)).toEqual({ kind: 'remove' });
    expect(judgeLead(undefined, false)).toEqual({ kind: 'gone' });
    expect(judgeLead(undefined, true)).toEqual({ kind: 'gone' });
  });

  it('keeps a called lead unless --include-called, and one in the queue or on a call whatever the flags', () => {
    expect(judgeLead(view(100), false)).toEqual({ kind: 'called', status: 'Success' });
    expect(judgeLead(view(100), true)).toEqual({ kind: 'remove' });
    expect(judgeLead(view(130), false)).toEqual({ kind: 'called', status: 'Complete' });
    for (const includeCalled of [false, true]) {
      expect(judgeLead(view(20), includeCalled)).toEqual({ kind: 'busy', status: 'InCallQueue' });
      expect(judgeLead(view(40), includeCalled)).toEqual({ kind: 'busy', status: 'OnCall' });
    }
  });

  it('counts a status the docs do not list as called, and says what it was', () => {
    expect(judgeLead(view(220), false)).toEqual({ kind: 'called', status: '220' });
    expect(judgeLead(view(null), false)).toEqual({ kind: 'called', status: 'no status' });
    expect(judgeLead(view(220), true)).toEqual({ kind: 'remove' });
  });
});

describe('leadStatusName', () => {
  it('names documented statuses given as numbers, digits or names in any case', () => {
    expect(leadStatusName(10)).toBe('NeedRetry');
    expect(leadStatusName('150')).toBe('Unreachable');
    expect(leadStatusName('oncall')).toBe('OnCall');
    expect(leadStatusName(2)).toBeUndefined();
    expect(leadStatusName('')).toBeUndefined();
    expect(leadStatusName(null)).toBeUndefined();
  });
});

describe('markRemovedInResults', () => {
  const header = '_row,_status,_leadId,_error,_attempts,phone,name\n';

  it('marks the rows of the removed leads, keeps their cells, and marking again changes nothing', async () => {
    const file = path.join(tempDir(), 'leads.results.csv');
    fs.writeFileSync(
      file,
      header +
        '1,created,L1,,1,+12125550101,"Doe, Jane"\n' +
        '2,created,L2,,1,+12125550102,Bob\n' +
        '3,failed,,HTTP 400,1,+12125550103,Eve\n' +
        // The writer quotes an id that would run as a formula in a spreadsheet.
        "4,updated,'=L4,,1,+12125550104,Max\n",
    );
    const warnings: string[] = [];
    const marked = await markRemovedInResults(file, new Set(['L1', '=L4', 'L9']), 'removed by undo', (m) =>
      warnings.push(m),
    );
    expect(marked).toBe(2);
    const expected =
      header +
      '1,removed,L1,removed by undo,1,+12125550101,"Doe, Jane"\n' +
      '2,created,L2,,1,+12125550102,Bob\n' +
      '3,failed,,HTTP 400,1,+12125550103,Eve\n' +
      "4,removed,'=L4,removed by undo,1,+12125550104,Max\n";
    expect(fs.readFileSync(file, 'utf8')).toBe(expected.replace('4,updated,=L4', "4,updated,'=L4"));
    expect(await markRemovedInResults(file, new Set(['L1', '=L4']), 'removed by undo', () => {})).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('goes by each row’s last line, and drops a torn last line a crash left', async () => {
    const file = path.join(tempDir(), 'leads.results.csv');
    fs.writeFileSync(
      file,
      header +
        '1,sending,,,,+12125550101,Ann\n' +
        '2,created,L2,,1,+12125550102,Bob\n' +
        '1,created,L1,,1,+12125550101,Ann\n' +
        '2,failed,,gone,2,+12125550102,Bob\n' +
        '3,created,L3,,1,+121255',
    );
    const warnings: string[] = [];
    expect(
      await markRemovedInResults(file, new Set(['L1', 'L2', 'L3']), 'removed by undo', (m) =>
        warnings.push(m),
      ),
    ).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      header + '1,removed,L1,removed by undo,1,+12125550101,Ann\n' + '2,failed,,gone,2,+12125550102,Bob\n',
    );
    expect(warnings).toEqual(['leads.results.csv: ignored a torn last line (23 bytes) left by a crash']);
  });
});
