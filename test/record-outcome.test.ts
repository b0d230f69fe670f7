import { describe, expect, it } from 'vitest';
import { parseErrorBudget } from '../src/pipeline/error-budget.js';
import { recordOutcome, type WriteOutcome } from '../src/pipeline/record-outcome.js';
import { RunTally } from '../src/pipeline/run-tally.js';
import type { StopCode } from '../src/pipeline/summary.js';

function harness(maxErrors?: string) {
  const tally = new RunTally();
  const lines: unknown[][] = [];
  const stops: [StopCode, string][] = [];
  const write: WriteOutcome = (status, extra) => lines.push([status, extra]);
  const context = {
    tally,
    budget: parseErrorBudget(maxErrors),
    outbound: 'ob-1',
    stopRun: (code: StopCode, message: string) => stops.push([code, message]),
  };
  const record = (outcome: Parameters<typeof recordOutcome>[0], row = 1) =>
    recordOutcome(outcome, { row, line: row + 1 }, write, context);
  return { tally, lines, stops, record };
}

describe('recordOutcome', () => {
  it('writes a created row with its lead id and attempts, and counts it as sent', () => {
    const { tally, lines, stops, record } = harness();
    record({ status: 'created', leadId: 'L1', attempts: 2, foundByLookup: false });
    expect(lines).toEqual([['created', { leadId: 'L1', error: undefined, attempts: 2 }]]);
    expect(tally.counts.created).toBe(1);
    expect(tally.sent).toBe(1);
    expect(stops).toEqual([]);
  });

  it('writes a failed row as data, and lists it as a problem with its line', () => {
    const { tally, lines, stops, record } = harness();
    record({ status: 'failed', error: 'HTTP 400: bad phone', attempts: 1, notCreated: true }, 7);
    expect(lines).toEqual([['failed', { error: 'HTTP 400: bad phone', attempts: 1 }]]);
    expect(tally.problems).toEqual([{ row: 7, line: 8, status: 'failed', reason: 'HTTP 400: bad phone' }]);
    expect(stops).toEqual([]);
  });

  it('stops the run on rejected credentials or a missing outbound, naming the outbound', () => {
    const { stops, record } = harness();
    record({ status: 'failed', error: 'HTTP 401', attempts: 1, notCreated: true, fatal: 'credentials' });
    record({ status: 'failed', error: 'HTTP 404', attempts: 1, notCreated: true, fatal: 'outbound' });
    expect(stops.map(([code]) => code)).toEqual(['CREDENTIALS_REJECTED', 'OUTBOUND_NOT_FOUND']);
    expect(stops[1]?.[1]).toContain('outbound "ob-1" does not exist (HTTP 404)');
  });

  it('stops once --max-errors failures are reached, not before', () => {
    const { stops, record } = harness('2');
    record({ status: 'failed', error: 'HTTP 500', attempts: 6, notCreated: true }, 1);
    expect(stops).toEqual([]);
    record({ status: 'failed', error: 'HTTP 500', attempts: 6, notCreated: true }, 2);
    expect(stops.map(([code]) => code)).toEqual(['ERROR_BUDGET']);
  });

  it('leaves an unknown outcome unwritten (its "sending" line stays last) and does not count a row never sent', () => {
    const { tally, lines, record } = harness();
    record({ status: 'unknown', error: 'run stopped; outcome unknown after: ETIMEDOUT', attempts: 1 });
    record({ status: 'not-sent' });
    expect(lines).toEqual([]);
    expect(tally.counts.unknown).toBe(1);
    expect(tally.done).toBe(1);
    expect(tally.sentAny).toBe(true);
  });

  it('writes a lead created without a leadId as created, with the note in its error column', () => {
    const { tally, lines, record } = harness();
    record({ status: 'created', attempts: 1, foundByLookup: false, note: 'no leadId' });
    expect(lines).toEqual([['created', { leadId: undefined, error: 'no leadId', attempts: 1 }]]);
    expect(tally.counts.created).toBe(1);
  });
});
