import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/ledger/errors.js';
import type { LedgerLock } from '../../src/ledger/types.js';
import type { SuiteContext } from './ledger-suite.js';

const HOST = os.hostname();
const holder = (pid = process.pid, host = HOST, startedAt = new Date()) => ({ pid, host, startedAt });

/** A pid that was a process a moment ago and is none now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const takeovers = (warnings: readonly string[]) => warnings.filter((w) => w.startsWith('took over'));
const others = (warnings: readonly string[]) => warnings.filter((w) => !w.startsWith('took over'));

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5_000) throw new Error(`waited 5 s for ${what}`);
    await sleep(10);
  }
}

/** One run at a time per outbound, across connections and processes. */
export function lockTests(context: SuiteContext): void {
  describe('locks', () => {
    it('refuses a second holder, naming the first: pid, host, since when', async () => {
      const first = await context.open();
      const second = await context.open();
      const since = new Date('2025-06-01T01:02:03.000Z');
      await first.acquireLock('outbound-1', holder(process.pid, HOST, since));
      const refused = second.acquireLock('outbound-1', holder());
      await expect(refused).rejects.toBeInstanceOf(LedgerError);
      await expect(refused).rejects.toMatchObject({ code: 'LEDGER_LOCKED' });
      await expect(refused).rejects.toThrow(
        `another run holds outbound outbound-1 in the ledger ${context.location().display} (pid ${process.pid} on ` +
          `${HOST}, since 2025-06-01T01:02:03.000Z`,
      );
      // Even the same connection: a lock is for one run.
      await expect(first.acquireLock('outbound-1', holder())).rejects.toMatchObject({
        code: 'LEDGER_LOCKED',
      });
      // Other outbounds are free.
      await (await second.acquireLock('outbound-2', holder())).release();
      expect(context.warnings).toEqual([]);
    });

    it('is free again once released, or once its connection is closed', async () => {
      const first = await context.open();
      const second = await context.open();
      const lock = await first.acquireLock('outbound-1', holder());
      await lock.release();
      await lock.release();
      const again = await second.acquireLock('outbound-1', holder());
      await expect(first.acquireLock('outbound-1', holder())).rejects.toMatchObject({
        code: 'LEDGER_LOCKED',
      });
      await second.close();
      await (await first.acquireLock('outbound-1', holder())).release();
      expect(again.lost).toBe(false);
      expect(context.warnings).toEqual([]);
    });

    it('takes over the lock of a process that is gone from this host, and says so', async () => {
      const first = await context.open();
      const pid = deadPid();
      await first.acquireLock('outbound-1', holder(pid));
      const second = await context.open();
      const lock = await second.acquireLock('outbound-1', holder());
      expect(lock.holder.pid).toBe(process.pid);
      expect(takeovers(context.warnings)).toEqual([
        expect.stringContaining(
          `took over the lock of outbound outbound-1 in the ledger ${context.location().display} from pid ${pid} on ${HOST}`,
        ) as string,
      ]);
      expect(takeovers(context.warnings)[0]).toContain(`its process ${pid} is gone`);
      // Nothing else, unless the first holder has already learnt that it lost the lock.
      expect(others(context.warnings).every((warning) => warning.includes('was taken over'))).toBe(true);
      expect((await second.describe()).locks.map((held) => held.pid)).toEqual([process.pid]);
    });

    it('does not judge a pid of another host: it waits for its heartbeat to be two minutes old', async () => {
      const minutesAgo = (minutes: number) => () => new Date(Date.now() - minutes * 60_000);
      const young = await context.open({ now: minutesAgo(1) });
      await young.acquireLock('outbound-1', holder(deadPid(), 'another-host'));
      const second = await context.open();
      await expect(second.acquireLock('outbound-1', holder())).rejects.toMatchObject({
        code: 'LEDGER_LOCKED',
      });
      await young.close();

      const old = await context.open({ now: minutesAgo(3), lockHeartbeatMs: 20 });
      const oldLock: LedgerLock = await old.acquireLock('outbound-1', holder(process.pid, 'another-host'));
      await second.acquireLock('outbound-1', holder());
      expect(takeovers(context.warnings)).toEqual([
        expect.stringMatching(/from pid \d+ on another-host, since .*: no heartbeat since /) as string,
      ]);
      // The old holder learns that it lost the lock: at its next heartbeat, or at once from a database server
      // that ended its session (two holders in one process may then tell it in either order).
      await until(() => oldLock.lost, 'the old holder to lose its lock');
      expect(others(context.warnings)).toEqual([
        expect.stringContaining('the lock of outbound outbound-1') as string,
      ]);
      expect(others(context.warnings)[0]).toContain('was taken over by another run');
    });

    it('refreshes its heartbeat while held', async () => {
      const clock = { now: new Date('2025-01-01T00:00:00.000Z') };
      const ledger = await context.open({ now: () => clock.now, lockHeartbeatMs: 10 });
      await ledger.acquireLock('outbound-1', holder());
      const heartbeat = async () => (await ledger.describe()).locks[0]?.heartbeatAt.toISOString();
      expect(await heartbeat()).toBe('2025-01-01T00:00:00.000Z');
      clock.now = new Date('2025-01-01T00:05:00.000Z');
      await until(async () => (await heartbeat()) === '2025-01-01T00:05:00.000Z', 'a heartbeat');
    });
  });
}
