import { describe, expect, it } from 'vitest';
import { CanaryGate } from '../src/pipeline/canary-gate.js';

const created = (leadId: string) =>
  ({ status: 'created', leadId, attempts: 1, foundByLookup: false }) as const;
const unchanged = { status: 'unchanged', leadId: 'old', attempts: 0 } as const;

/** Lets pending promise callbacks run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CanaryGate', () => {
  it('admits no more rows than its size while they are in flight, and is full once they are sent', async () => {
    const gate = new CanaryGate(3);
    const stop = new AbortController().signal;
    const answers: string[] = [];
    const admits = [1, 2, 3, 4, 5].map((row) =>
      gate.admit(stop).then((answer) => answers.push(`${row}:${answer}`)),
    );
    await turn();
    expect(answers).toEqual(['1:send', '2:send', '3:send']);
    // A row the ledger finds unchanged sent nothing: its place goes to the next.
    gate.settle(2, unchanged);
    await turn();
    expect(answers).toEqual(['1:send', '2:send', '3:send', '4:send']);
    gate.settle(1, created('a'));
    gate.settle(3, created('c'));
    await turn();
    expect(answers).toHaveLength(4);
    gate.settle(4, created('d'));
    await Promise.all(admits);
    expect(answers.at(-1)).toBe('5:full');
    expect(gate.rows.map((row) => row.row)).toEqual([1, 3, 4]);
    expect(await gate.admit(stop)).toBe('full');
  });

  it('counts a failed row as sent, and lets a waiting row go when the run stops', async () => {
    const gate = new CanaryGate(1);
    const controller = new AbortController();
    expect(await gate.admit(controller.signal)).toBe('send');
    const waiting = gate.admit(controller.signal);
    controller.abort();
    expect(await waiting).toBe('stopped');
    gate.settle(7, { status: 'failed', error: 'HTTP 400: PhoneNumber', attempts: 1, notCreated: true });
    expect(gate.rows).toEqual([{ row: 7, status: 'failed', error: 'HTTP 400: PhoneNumber' }]);
  });
});
