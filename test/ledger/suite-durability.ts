import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { assertLedgerBuilt, LEDGER_CHILD } from './built-ledger.js';
import { collect, leadInRun, startImport, type SuiteContext } from './ledger-suite.js';

/**
 * Starts the child, waits until it has committed at least `atLeast` leads, kills it with SIGKILL. Its lock
 * names `host` when given (a process on another machine), else this one.
 */
export async function killAfter(location: string, outbound: string, atLeast: number, host?: string) {
  const child = spawn(
    process.execPath,
    [LEDGER_CHILD, location, outbound, ...(host === undefined ? [] : [host])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const committed = [...stdout.matchAll(/^committed (\d+)$/gm)].at(-1)?.[1];
      if (committed !== undefined && Number(committed) >= atLeast) resolve();
    });
    child.on('exit', () => reject(new Error(`the child ended before it was killed: ${stderr}`)));
  });
  child.kill('SIGKILL');
  const signal = await exited;
  const reported = Math.max(...[...stdout.matchAll(/^committed (\d+)$/gm)].map((match) => Number(match[1])));
  const runId = Number(/^run (\d+)$/m.exec(stdout)?.[1]);
  return { signal, reported, runId, pid: child.pid };
}

/** What survives: a killed process, a reopening, a close. */
export function durabilityTests(context: SuiteContext): void {
  describe('durability', () => {
    it('keeps every lead marked sending by a process killed with SIGKILL, and frees its lock', async () => {
      assertLedgerBuilt();
      const { signal, reported, runId, pid } = await killAfter(
        JSON.stringify(context.location()),
        'crash',
        640,
      );
      expect(signal).toBe('SIGKILL');
      const ledger = await context.open();
      const counts = await ledger.count('crash');
      // Every lead whose promise had resolved is there; a batch in flight at the kill may be too, whole.
      expect(counts.sending).toBeGreaterThanOrEqual(reported);
      expect(counts.sending % 32).toBe(0);
      for (const index of [0, 1, reported - 1]) {
        expect(await ledger.get('crash', `k${index}`)).toMatchObject({ state: 'sending', createdRun: runId });
      }
      expect((await ledger.getRun(runId))?.endedAt).toBeUndefined();
      await ledger.acquireLock('crash', { pid: process.pid, host: os.hostname(), startedAt: new Date() });
      expect(context.warnings.join('\n')).toContain(`its process ${pid} is gone`);
    }, 60_000);

    it('keeps everything across a reopening, and reopening changes nothing', async () => {
      const first = await context.open();
      const runId = await startImport(first);
      await first.markCreated(leadInRun('a', runId), { leadId: 'lead-a', bodyHash: 'h' });
      await first.finishRun(runId, { counts: { created: 1 }, exitStatus: 0 });
      const before = await first.describe();
      await first.close();
      for (let time = 0; time < 3; time++) {
        const again = await context.open();
        expect(await again.describe()).toEqual(before);
        expect(await collect(again.exportEntries('outbound-1'))).toHaveLength(1);
        await again.close();
      }
    });

    it('commits what is pending when closed, then refuses to be used', async () => {
      const ledger = await context.open();
      const runId = await startImport(ledger);
      const pending = ledger.markSending(leadInRun('last', runId));
      await ledger.close();
      await pending;
      await ledger.close();
      await expect(ledger.get('outbound-1', 'last')).rejects.toMatchObject({ code: 'LEDGER_CLOSED' });
      await expect(ledger.markSending(leadInRun('x', runId))).rejects.toThrow(
        `the ledger ${context.location().display} is closed`,
      );
      await expect(
        ledger.acquireLock('outbound-1', { pid: 1, host: 'h', startedAt: new Date() }),
      ).rejects.toMatchObject({
        code: 'LEDGER_CLOSED',
      });
      const reopened = await context.open();
      expect((await reopened.get('outbound-1', 'last'))?.state).toBe('sending');
    });
  });
}
