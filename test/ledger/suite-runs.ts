import { describe, expect, it } from 'vitest';
import { leadInRun, startImport, type SuiteContext } from './ledger-suite.js';

/** The runs table, and the description `ledger show` prints. */
export function runTests(context: SuiteContext): void {
  describe('runs', () => {
    it('records a run from start to end', async () => {
      const ledger = await context.open();
      const startedAt = new Date('2025-03-04T02:00:00.000Z');
      const id = await ledger.startRun({
        command: 'import',
        outbound: 'outbound-1',
        source: '/data/leads.csv',
        inputPath: '/data/leads.csv',
        inputSize: 123_456,
        resultsPath: '/data/leads.results.csv',
        startedAt,
      });
      expect(await ledger.getRun(id)).toEqual({
        id,
        command: 'import',
        outbound: 'outbound-1',
        source: '/data/leads.csv',
        inputPath: '/data/leads.csv',
        inputSize: 123_456,
        resultsPath: '/data/leads.results.csv',
        startedAt,
        endedAt: undefined,
        counts: undefined,
        exitStatus: undefined,
      });
      const endedAt = new Date('2025-03-04T02:10:00.000Z');
      await ledger.finishRun(id, {
        counts: { created: 3, unchanged: 120, failed: 1 },
        exitStatus: 1,
        endedAt,
      });
      expect(await ledger.getRun(id)).toMatchObject({
        endedAt,
        counts: { created: 3, unchanged: 120, failed: 1 },
        exitStatus: 1,
      });
      expect(await ledger.getRun(id + 1000)).toBeUndefined();
    });

    it('takes times from its clock when the caller gives none', async () => {
      const clock = new Date('2030-01-01T00:00:00.000Z');
      const ledger = await context.open({ now: () => clock });
      const id = await ledger.startRun({ command: 'pull', outbound: 'outbound-1' });
      await ledger.finishRun(id, { counts: {}, exitStatus: 0 });
      expect(await ledger.getRun(id)).toMatchObject({
        startedAt: clock,
        endedAt: clock,
        source: undefined,
        inputPath: undefined,
        resultsPath: undefined,
      });
    });

    it('gives ids that grow, lists runs newest first, by outbound, up to a limit', async () => {
      const ledger = await context.open();
      const ids: number[] = [];
      for (const outbound of ['o1', 'o2', 'o1', 'o1', 'o2']) {
        ids.push(await ledger.startRun({ command: 'import', outbound, source: 's' }));
      }
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(5);
      expect((await ledger.listRuns()).map((run) => run.id)).toEqual([...ids].reverse());
      expect((await ledger.listRuns({ outbound: 'o1' })).map((run) => run.id)).toEqual([
        ids[3],
        ids[2],
        ids[0],
      ]);
      expect((await ledger.listRuns({ outbound: 'o2', limit: 1 })).map((run) => run.id)).toEqual([ids[4]]);
      expect(await ledger.listRuns({ outbound: 'nobody' })).toEqual([]);
    });

    it('refuses to finish a run it does not have', async () => {
      const ledger = await context.open();
      await expect(ledger.finishRun(4242, { counts: {}, exitStatus: 0 })).rejects.toThrow('has no run 4242');
    });
  });

  describe('describe', () => {
    it('gives each outbound with its counts, the recent runs, the locks and the schema version', async () => {
      const ledger = await context.open();
      const empty = await ledger.describe();
      expect(empty).toMatchObject({
        location: context.location().display,
        outbounds: [],
        recentRuns: [],
        locks: [],
      });
      expect(empty.schemaVersion).toBeGreaterThan(0);

      const runId = await startImport(ledger);
      await ledger.markCreated(leadInRun('a', runId), { leadId: 'a', bodyHash: 'h' });
      await ledger.markSending(leadInRun('b', runId, { outbound: 'outbound-2' }));
      const startedAt = new Date('2025-01-01T00:00:00.000Z');
      await ledger.acquireLock('outbound-2', { pid: process.pid, host: 'this-host', startedAt });
      const described = await ledger.describe();
      expect(described.outbounds).toEqual([
        { outbound: 'outbound-1', counts: expect.objectContaining({ created: 1, sending: 0 }) as object },
        { outbound: 'outbound-2', counts: expect.objectContaining({ created: 0, sending: 1 }) as object },
      ]);
      expect(described.recentRuns.map((run) => run.id)).toEqual([runId]);
      expect(described.locks).toEqual([
        {
          outbound: 'outbound-2',
          pid: process.pid,
          host: 'this-host',
          startedAt,
          heartbeatAt: expect.any(Date) as Date,
        },
      ]);
    });
  });
}
