import { describe, expect, it } from 'vitest';
import { collect, leadInRun, startImport, type SuiteContext } from './ledger-suite.js';

/** One lead's life: sending, created, seen, updated; per-row writes, their batching and their checks. */
export function entryTests(context: SuiteContext): void {
  describe('entries', () => {
    it('knows nothing of a lead or an outbound it never saw', async () => {
      const ledger = await context.open();
      expect(await ledger.get('outbound-1', 'nobody')).toBeUndefined();
      const runId = await startImport(ledger);
      await ledger.markSending(leadInRun('e1', runId));
      expect(await ledger.get('outbound-1', 'nobody')).toBeUndefined();
      expect(await ledger.get('outbound-2', 'e1')).toBeUndefined();
    });

    it('records the intent, then the creation, with the run, source, phone and hash', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      const lead = leadInRun('+12125550100', runId, { keyKind: 'phone' });
      await ledger.markSending(lead);
      expect(await ledger.get('outbound-1', '+12125550100')).toEqual({
        outbound: 'outbound-1',
        key: '+12125550100',
        keyKind: 'phone',
        phone: '+12125550100',
        leadId: undefined,
        bodyHash: undefined,
        state: 'sending',
        source: '/data/leads.csv',
        createdRun: runId,
        firstRun: runId,
        lastRun: runId,
      });
      await ledger.markCreated(lead, { leadId: 'lead-1', bodyHash: 'hash-1' });
      expect(await ledger.get('outbound-1', '+12125550100')).toMatchObject({
        state: 'created',
        leadId: 'lead-1',
        bodyHash: 'hash-1',
        createdRun: runId,
      });
    });

    it('keeps outbounds apart: the same key in two outbounds is two leads', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      await ledger.markCreated(leadInRun('e1', runId), { leadId: 'in-1', bodyHash: 'h' });
      await ledger.markCreated(leadInRun('e1', runId, { outbound: 'outbound-2' }), {
        leadId: 'in-2',
        bodyHash: 'h',
      });
      expect((await ledger.get('outbound-1', 'e1'))?.leadId).toBe('in-1');
      expect((await ledger.get('outbound-2', 'e1'))?.leadId).toBe('in-2');
    });

    it('a later run that sees a lead unchanged moves only its last run and source', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      await ledger.markSending(leadInRun('e1', night1));
      await ledger.markCreated(leadInRun('e1', night1), { leadId: 'lead-1', bodyHash: 'hash-1' });
      const night2 = await startImport(ledger, 'outbound-1', 'crm-export');
      await ledger.markSeen(leadInRun('e1', night2, { source: 'crm-export' }));
      expect(await ledger.get('outbound-1', 'e1')).toMatchObject({
        state: 'created',
        leadId: 'lead-1',
        bodyHash: 'hash-1',
        source: 'crm-export',
        createdRun: night1,
        firstRun: night1,
        lastRun: night2,
      });
      await ledger.markSeen(leadInRun('never-sent', night2));
      expect(await ledger.get('outbound-1', 'never-sent')).toBeUndefined();
    });

    it('an update keeps the leadId and who created the lead, and records the new hash', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      await ledger.markCreated(leadInRun('e1', night1), { leadId: 'lead-1', bodyHash: 'hash-1' });
      const night2 = await startImport(ledger);
      await ledger.markUpdated(leadInRun('e1', night2, { phone: '+33612345678' }), { bodyHash: 'hash-2' });
      expect(await ledger.get('outbound-1', 'e1')).toMatchObject({
        state: 'updated',
        leadId: 'lead-1',
        bodyHash: 'hash-2',
        phone: '+33612345678',
        createdRun: night1,
        lastRun: night2,
      });
    });

    it('a refused Add Lead forgets the intent, and never an entry that exists', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      await ledger.markSending(leadInRun('refused', runId));
      await ledger.markCreated(leadInRun('created', runId), { leadId: 'lead-1', bodyHash: 'h' });
      await ledger.cancelSending('outbound-1', 'refused');
      await ledger.cancelSending('outbound-1', 'created');
      await ledger.cancelSending('outbound-9', 'created');
      expect(await ledger.get('outbound-1', 'refused')).toBeUndefined();
      expect((await ledger.get('outbound-1', 'created'))?.state).toBe('created');
    });

    it('sending a removed lead again starts it afresh under the new run', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      await ledger.markCreated(leadInRun('e1', night1), { leadId: 'lead-1', bodyHash: 'h' });
      expect(await ledger.setState('outbound-1', ['e1'], 'removed')).toBe(1);
      const night2 = await startImport(ledger);
      await ledger.markSending(leadInRun('e1', night2));
      expect(await ledger.get('outbound-1', 'e1')).toMatchObject({
        state: 'sending',
        leadId: undefined,
        bodyHash: undefined,
        createdRun: night2,
        firstRun: night1,
      });
    });

    it('finishing a crashed run’s add keeps the lead that run’s (undo takes back what a run set out to add)', async () => {
      const ledger = await context.open();
      const night1 = await startImport(ledger);
      await ledger.markSending(leadInRun('left-sending', night1));
      await ledger.markCreated(leadInRun('no-id', night1), { leadId: 'lead-2', bodyHash: 'h' });
      await ledger.setState('outbound-1', ['no-id'], 'removing');
      const night2 = await startImport(ledger);
      for (const key of ['left-sending', 'no-id']) {
        await ledger.markSending(leadInRun(key, night2));
        await ledger.markCreated(leadInRun(key, night2), { leadId: `found-${key}`, bodyHash: 'h' });
        expect(await ledger.get('outbound-1', key)).toMatchObject({ state: 'created', createdRun: night1 });
      }
    });

    it('changes states in bulk, ignoring keys it does not know, and counts every state', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      await Promise.all(
        ['a', 'b', 'c', 'd'].map((key) =>
          ledger.markCreated(leadInRun(key, runId), { leadId: key, bodyHash: 'h' }),
        ),
      );
      await ledger.markSending(leadInRun('e', runId));
      expect(await ledger.setState('outbound-1', ['a', 'b', 'zz'], 'completed')).toBe(2);
      expect(await ledger.setState('outbound-1', ['a', 'c'], 'completed')).toBe(1);
      expect(await ledger.setState('outbound-9', ['a'], 'removed')).toBe(0);
      await ledger.setState('outbound-1', ['d'], 'removing');
      expect(await ledger.count('outbound-1')).toEqual({
        sending: 1,
        created: 0,
        updated: 0,
        completed: 3,
        removing: 1,
        removed: 0,
        pulled: 0,
      });
      expect(Object.values(await ledger.count('outbound-9')).every((n) => n === 0)).toBe(true);
    });

    it('resolves each write of a concurrent batch only once another connection can read it', async () => {
      const writer = await context.open();
      const reader = await context.open();
      const runId = await startImport(writer);
      const keys = Array.from({ length: 32 }, (_, index) => `row-${index}`);
      const sending = keys.map((key) => writer.markSending(leadInRun(key, runId)));
      await Promise.all(
        sending.map(async (marked, index) => {
          await marked;
          expect((await reader.get('outbound-1', `row-${index}`))?.state).toBe('sending');
        }),
      );
      expect((await reader.count('outbound-1')).sending).toBe(32);
    });

    it('refuses a malformed lead before queueing it, leaving the others of its turn alone', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      const good = ledger.markSending(leadInRun('good', runId));
      const bad = ledger.markSending(leadInRun('bad', runId, { keyKind: 'email' as 'phone' }));
      await expect(bad).rejects.toThrow("keyKind must be 'externalId' or 'phone'");
      await expect(ledger.markSending(leadInRun('', runId))).rejects.toThrow(
        'key must be a non-empty string',
      );
      await expect(ledger.markSending(leadInRun('x', 0))).rejects.toThrow('a run id is a positive integer');
      await good;
      expect((await ledger.get('outbound-1', 'good'))?.state).toBe('sending');
      expect(await ledger.get('outbound-1', 'bad')).toBeUndefined();
    });

    it('exports every entry of an outbound in key order, across pages', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      const keys = Array.from({ length: 1_203 }, (_, index) => `k${String(index).padStart(5, '0')}`);
      await Promise.all(
        keys.map((key) => ledger.markCreated(leadInRun(key, runId), { leadId: key, bodyHash: 'h' })),
      );
      await ledger.markCreated(leadInRun('other', runId, { outbound: 'outbound-2' }), {
        leadId: 'o',
        bodyHash: 'h',
      });
      const exported = await collect(ledger.exportEntries('outbound-1'));
      expect(exported.map((entry) => entry.key)).toEqual(keys);
      expect(exported[7]).toMatchObject({ outbound: 'outbound-1', leadId: keys[7], state: 'created' });
      expect(await collect(ledger.exportEntries('outbound-9'))).toEqual([]);
    });

    it('forgets one outbound, keeping its runs and the other outbounds', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      await ledger.markCreated(leadInRun('a', runId), { leadId: 'a', bodyHash: 'h' });
      await ledger.markCreated(leadInRun('b', runId), { leadId: 'b', bodyHash: 'h' });
      await ledger.markCreated(leadInRun('a', runId, { outbound: 'outbound-2' }), {
        leadId: 'a2',
        bodyHash: 'h',
      });
      expect(await ledger.forget('outbound-1')).toBe(2);
      expect(await ledger.get('outbound-1', 'a')).toBeUndefined();
      expect((await ledger.get('outbound-2', 'a'))?.leadId).toBe('a2');
      expect(await ledger.getRun(runId)).toBeDefined();
      expect(await ledger.forget('outbound-9')).toBe(0);
      // A forgotten outbound starts again from nothing.
      await ledger.markSending(leadInRun('a', runId));
      expect((await ledger.get('outbound-1', 'a'))?.state).toBe('sending');
    });
  });
}
