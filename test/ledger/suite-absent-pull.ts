import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.js';
import { collect, leadInRun, startImport, type SuiteContext } from './ledger-suite.js';

const A = '/data/a.csv';
const B = 'crm-b';

/** Absent leads (by source, only those this tool created), reconciliation, and what undo is given. */
export function absentAndPullTests(context: SuiteContext): void {
  describe('absent leads', () => {
    /** Night 1 of source A creates a1…a5 and of source B creates b1; night 2 of A holds a1, a2 only. */
    async function twoNights(ledger: Ledger) {
      const nightA1 = await startImport(ledger, 'outbound-1', A);
      for (const key of ['a1', 'a2', 'a3', 'a4', 'a5']) {
        await ledger.markSending(leadInRun(key, nightA1, { source: A }));
        await ledger.markCreated(leadInRun(key, nightA1, { source: A }), {
          leadId: `id-${key}`,
          bodyHash: 'h',
        });
      }
      await ledger.markUpdated(leadInRun('a4', nightA1, { source: A }), { bodyHash: 'h2' });
      await ledger.setState('outbound-1', ['a5'], 'completed');
      await ledger.markSending(leadInRun('a-crashed', nightA1, { source: A }));
      await ledger.recordPulled('outbound-1', [
        { key: 'by-hand', keyKind: 'externalId', phone: '+1', leadId: 'p' },
      ]);
      const nightB1 = await startImport(ledger, 'outbound-1', B);
      await ledger.markCreated(leadInRun('b1', nightB1, { source: B }), { leadId: 'id-b1', bodyHash: 'h' });
      const nightA2 = await startImport(ledger, 'outbound-1', A);
      await ledger.markSeen(leadInRun('a1', nightA2, { source: A }));
      await ledger.markSeen(leadInRun('a2', nightA2, { source: A }));
      return { nightA1, nightA2 };
    }

    it('are the created or updated leads of that source that tonight did not hold', async () => {
      const ledger = await context.open();
      const { nightA2 } = await twoNights(ledger);
      const absent = await collect(ledger.listAbsent('outbound-1', A, nightA2));
      expect(absent.map((entry) => entry.key).sort()).toEqual(['a3', 'a4']);
      expect(absent[0]).toMatchObject({
        outbound: 'outbound-1',
        source: A,
        leadId: expect.any(String) as string,
      });
      expect(await ledger.countAbsent('outbound-1', A, nightA2)).toBe(2);
      expect(await ledger.countAbsent('outbound-1', 'never-ran', nightA2)).toBe(0);
      expect(await collect(ledger.listAbsent('outbound-2', A, nightA2))).toEqual([]);
    });

    it('a lead that moved to another source belongs to that source', async () => {
      const ledger = await context.open();
      const { nightA2 } = await twoNights(ledger);
      const nightB2 = await startImport(ledger, 'outbound-1', B);
      await ledger.markSeen(leadInRun('a3', nightB2, { source: B }));
      await ledger.markSeen(leadInRun('b1', nightB2, { source: B }));
      expect((await collect(ledger.listAbsent('outbound-1', A, nightA2))).map((entry) => entry.key)).toEqual([
        'a4',
      ]);
      expect(await ledger.countAbsent('outbound-1', B, nightB2)).toBe(0);
    });

    it('can be completed while they are listed, across pages, each listed once', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger, 'outbound-1', A);
      const keys = Array.from({ length: 1_234 }, (_, index) => `gone-${index}`);
      await Promise.all(
        keys.map((key) =>
          ledger.markCreated(leadInRun(key, night1, { source: A }), { leadId: key, bodyHash: 'h' }),
        ),
      );
      const night2 = await startImport(ledger, 'outbound-1', A);
      const listed: string[] = [];
      let batch: string[] = [];
      for await (const entry of ledger.listAbsent('outbound-1', A, night2)) {
        listed.push(entry.key);
        batch.push(entry.key);
        if (batch.length === 100) {
          await ledger.setState('outbound-1', batch, 'completed');
          batch = [];
        }
      }
      await ledger.setState('outbound-1', batch, 'completed');
      expect(listed.sort()).toEqual([...keys].sort());
      expect((await ledger.count('outbound-1')).completed).toBe(1_234);
      expect(await ledger.countAbsent('outbound-1', A, night2)).toBe(0);
    });
  });

  describe('reconciliation', () => {
    it('adds the leads it did not know as pulled, without a run or a source', async () => {
      const ledger = await context.open();
      const result = await ledger.recordPulled('outbound-1', [
        { key: 'crm-1', keyKind: 'externalId', phone: '+12125550100', leadId: 'p1' },
        { key: '+12125550101', keyKind: 'phone', phone: '+12125550101', leadId: 'p2' },
      ]);
      expect(result).toEqual({ added: 2, changed: 0 });
      expect(await ledger.get('outbound-1', 'crm-1')).toEqual({
        outbound: 'outbound-1',
        key: 'crm-1',
        keyKind: 'externalId',
        phone: '+12125550100',
        leadId: 'p1',
        bodyHash: undefined,
        state: 'pulled',
        source: undefined,
        createdRun: undefined,
        firstRun: undefined,
        lastRun: undefined,
      });
      expect((await ledger.count('outbound-1')).pulled).toBe(2);
      // The same page again changes nothing.
      expect(
        await ledger.recordPulled('outbound-1', [
          { key: 'crm-1', keyKind: 'externalId', phone: '+1', leadId: 'p1' },
        ]),
      ).toEqual({ added: 0, changed: 0 });
    });

    it('never overwrites an entry this tool created; fills a missing leadId; brings back a removed lead', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      await ledger.markCreated(leadInRun('created', runId), { leadId: 'ours', bodyHash: 'hash' });
      await ledger.markSending(leadInRun('crashed', runId));
      await ledger.markCreated(leadInRun('undone', runId), { leadId: 'undone-id', bodyHash: 'hash' });
      await ledger.markCreated(leadInRun('re-added', runId), { leadId: 'old-id', bodyHash: 'hash' });
      await ledger.setState('outbound-1', ['undone', 're-added'], 'removed');
      const found = (key: string, leadId: string) => ({
        key,
        keyKind: 'externalId' as const,
        phone: '+1',
        leadId,
      });
      const result = await ledger.recordPulled('outbound-1', [
        found('created', 'someone-elses'),
        found('crashed', 'made-before-the-crash'),
        found('undone', 'undone-id'),
        found('re-added', 'new-id'),
      ]);
      expect(result).toEqual({ added: 0, changed: 3 });
      expect(await ledger.get('outbound-1', 'created')).toMatchObject({
        state: 'created',
        leadId: 'ours',
        bodyHash: 'hash',
        createdRun: runId,
      });
      expect(await ledger.get('outbound-1', 'crashed')).toMatchObject({
        state: 'sending',
        leadId: 'made-before-the-crash',
      });
      expect(await ledger.get('outbound-1', 'undone')).toMatchObject({
        state: 'created',
        leadId: 'undone-id',
        createdRun: runId,
      });
      expect(await ledger.get('outbound-1', 're-added')).toMatchObject({
        state: 'pulled',
        leadId: 'new-id',
        bodyHash: undefined,
        createdRun: undefined,
      });
    });

    it('pulled leads are never absent, and are not what a run created', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      await ledger.recordPulled('outbound-1', [
        { key: 'by-hand', keyKind: 'externalId', phone: '+1', leadId: 'p' },
      ]);
      await ledger.markSeen(leadInRun('by-hand', night1));
      const night2 = await startImport(ledger);
      expect(await ledger.countAbsent('outbound-1', '/data/leads.csv', night2)).toBe(0);
      expect(await collect(ledger.createdBy(night1))).toEqual([]);
    });
  });

  describe('what a run created (undo)', () => {
    it('lists the entries a run created, in every outbound and state, and nothing else', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      const night2 = await startImport(ledger);
      const keys = Array.from({ length: 777 }, (_, index) => `n2-${index}`);
      await ledger.markCreated(leadInRun('n1', night1), { leadId: 'n1', bodyHash: 'h' });
      await Promise.all(
        keys.map((key) => ledger.markCreated(leadInRun(key, night2), { leadId: key, bodyHash: 'h' })),
      );
      await ledger.markSending(leadInRun('n2-other', night2, { outbound: 'outbound-2' }));
      await ledger.markUpdated(leadInRun('n1', night2), { bodyHash: 'h2' });
      await ledger.setState('outbound-1', ['n2-0'], 'removed');
      const created = await collect(ledger.createdBy(night2));
      expect(created).toHaveLength(778);
      expect(new Set(created.map((entry) => `${entry.outbound}/${entry.key}`)).size).toBe(778);
      expect(created.find((entry) => entry.key === 'n2-0')?.state).toBe('removed');
      expect(created.find((entry) => entry.key === 'n2-other')?.outbound).toBe('outbound-2');
      expect(created.some((entry) => entry.key === 'n1')).toBe(false);
      expect((await collect(ledger.createdBy(night1))).map((entry) => entry.key)).toEqual(['n1']);
    });
  });
}
