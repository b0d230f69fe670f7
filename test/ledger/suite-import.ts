import { describe, expect, it } from 'vitest';
import type { LedgerEntry, RunRecord } from '../../src/ledger/types.js';
import { collect, type SuiteContext } from './ledger-suite.js';

const run = (id: number, overrides: Partial<RunRecord> = {}): RunRecord => ({
  id,
  command: 'import',
  outbound: 'outbound-1',
  source: '/data/leads.csv',
  inputPath: '/data/leads.csv',
  inputSize: 9_876_543_210,
  resultsPath: '/data/leads.results.csv',
  startedAt: new Date(Date.UTC(2025, 0, id, 2)),
  endedAt: new Date(Date.UTC(2025, 0, id, 3)),
  counts: { created: id, unchanged: 10 },
  exitStatus: 0,
  ...overrides,
});

const entry = (key: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  outbound: 'outbound-1',
  key,
  keyKind: 'externalId',
  phone: '+12125550100',
  leadId: `lead-${key}`,
  bodyHash: 'hash',
  state: 'created',
  source: '/data/leads.csv',
  createdRun: undefined,
  firstRun: undefined,
  lastRun: undefined,
  ...overrides,
});

/** What `ledger copy` writes with: runs and entries of another ledger, as they were. */
export function importTests(context: SuiteContext): void {
  describe('import (ledger copy)', () => {
    it('records runs as they were, with ids that grow in their order, and each only once', async () => {
      const ledger = await context.open();
      const mine = await ledger.startRun({ command: 'pull', outbound: 'outbound-9' });
      const runs = [run(3), run(5, { endedAt: undefined, counts: undefined, exitStatus: undefined }), run(9)];
      const ids = await ledger.importRuns(runs);
      expect(ids).toHaveLength(3);
      expect([mine, ...ids]).toEqual([...[mine, ...ids]].sort((a, b) => a - b));
      expect(new Set([mine, ...ids]).size).toBe(4);
      expect(await ledger.getRun(ids[1]!)).toEqual({ ...runs[1], id: ids[1] });
      expect(await ledger.getRun(ids[2]!)).toEqual({ ...runs[2], id: ids[2] });
      // A copy run again (after it stopped part-way) finds its runs there.
      expect(await ledger.importRuns([run(9), run(3)])).toEqual([ids[2], ids[0]]);
      expect(await ledger.listRuns({ limit: 100 })).toHaveLength(4);
      expect(await ledger.importRuns([])).toEqual([]);
    });

    it('writes entries as they are, leaving those it already holds', async () => {
      const ledger = await context.open();
      const [night] = await ledger.importRuns([run(1)]);
      const entries = [
        entry('a', { createdRun: night, firstRun: night, lastRun: night }),
        entry('b', { state: 'pulled', bodyHash: undefined, source: undefined }),
        entry('c', { state: 'sending', leadId: undefined, bodyHash: undefined, keyKind: 'phone' }),
        entry('a', { outbound: 'outbound-2', state: 'removed', source: 'crm' }),
      ];
      expect(await ledger.importEntries(entries)).toBe(4);
      expect(await collect(ledger.exportEntries('outbound-1'))).toEqual(entries.slice(0, 3));
      expect(await ledger.get('outbound-2', 'a')).toEqual(entries[3]);
      expect(await ledger.countAbsent('outbound-1', '/data/leads.csv', night! + 1)).toBe(1);

      const changed = entry('a', { leadId: 'someone-else', state: 'updated' });
      expect(await ledger.importEntries([changed, entry('d')])).toBe(1);
      expect((await ledger.get('outbound-1', 'a'))?.leadId).toBe('lead-a');
      expect((await ledger.count('outbound-1')).created).toBe(2);
      expect(await ledger.importEntries([])).toBe(0);
    });
  });
}
