import os from 'node:os';
import { LedgerError } from './errors.js';
import type { HeldLock, LockHolder } from './types.js';

export const DEFAULT_LOCK_HEARTBEAT_MS = 30_000;
export const DEFAULT_LOCK_STALE_MS = 120_000;

export type Staleness = { stale: false } | { stale: true; reason: string };

/** A lock taken over: from whom, and why that was allowed. */
export interface Takeover {
  readonly held: HeldLock;
  readonly reason: string;
}

/**
 * Whether a lock may be taken over from its holder: its process is gone (which only this host can tell), or
 * its heartbeat is older than `staleMs` (a holder on another host, or one that hangs). A pid reused by another
 * process on this host looks alive: that lock is taken over once its heartbeat is old.
 */
export function lockStaleness(
  held: HeldLock,
  here: { readonly host: string; readonly now: Date; readonly staleMs: number },
  isAlive: (pid: number) => boolean = processIsAlive,
): Staleness {
  if (held.host === here.host && !isAlive(held.pid)) {
    return { stale: true, reason: `its process ${held.pid} is gone` };
  }
  const silentMs = here.now.getTime() - held.heartbeatAt.getTime();
  if (silentMs > here.staleMs) {
    return { stale: true, reason: `no heartbeat since ${held.heartbeatAt.toISOString()}` };
  }
  return { stale: false };
}

/**
 * The rule both backends apply to a lock another run holds: take it over when it is stale (`lockStaleness`),
 * else refuse with the LEDGER_LOCKED error that names its holder.
 */
export function takeOverOrRefuse(
  location: string,
  held: HeldLock,
  here: { readonly host: string; readonly now: Date; readonly staleMs: number },
): Takeover {
  const staleness = lockStaleness(held, here);
  if (!staleness.stale) throw lockedError(location, held, here.staleMs);
  return { held, reason: staleness.reason };
}

/** `kill(pid, 0)` sends nothing: it fails with ESRCH when there is no such process, EPERM when it is not ours. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, since ${holder.startedAt.toISOString()}`;
}

export function lockedError(location: string, held: HeldLock, staleMs: number): LedgerError {
  return new LedgerError(
    `another run holds outbound ${held.outbound} in the ledger ${location} (${describeHolder(held)}, last ` +
      `heartbeat ${held.heartbeatAt.toISOString()}): wait for it to finish. If it is gone, its lock is taken ` +
      `over ${Math.round(staleMs / 1000)} s after its last heartbeat, or at once from its own host.`,
    'LEDGER_LOCKED',
  );
}

export function takeoverWarning(location: string, held: HeldLock, reason: string): string {
  return `took over the lock of outbound ${held.outbound} in the ledger ${location} from ${describeHolder(held)}: ${reason}`;
}

export function heartbeatFailedWarning(outbound: string, error: unknown): string {
  return `the heartbeat of the lock of outbound ${outbound} failed: ${String(error)}`;
}

export function lostWarning(location: string, outbound: string): string {
  return (
    `the lock of outbound ${outbound} in the ledger ${location} was taken over by another run (this one ` +
    `looked stale to it): two runs may now be sending to this outbound`
  );
}

/**
 * Refreshes a held lock every `intervalMs` on a timer that does not keep the process alive. `beat` returns
 * false when the lock is no longer ours: then the timer stops and `onLost` is called once.
 */
export function startHeartbeat(
  beat: () => Promise<boolean>,
  intervalMs: number,
  onLost: () => void,
  onError: (error: unknown) => void,
): { stop(): void } {
  let stopped = false;
  const timer = setInterval(() => {
    beat().then(
      (held) => {
        if (held || stopped) return;
        stop();
        onLost();
      },
      (error: unknown) => {
        if (!stopped) onError(error);
      },
    );
  }, intervalMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return { stop };
}

/** This process as a lock's holder, from now: what every command that takes an outbound's lock gives. */
export function thisProcess(): LockHolder {
  return { pid: process.pid, host: os.hostname(), startedAt: new Date() };
}
