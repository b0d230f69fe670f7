import { randomUUID } from 'node:crypto';
import { HeldLocks } from './held-locks.js';
import {
  DEFAULT_LOCK_HEARTBEAT_MS,
  DEFAULT_LOCK_STALE_MS,
  heartbeatFailedWarning,
  lostWarning,
  startHeartbeat,
  takeOverOrRefuse,
  takeoverWarning,
  type Takeover,
} from './lock-policy.js';
import type { LockRow, Statements } from './sqlite-statements.js';
import type { HeldLock, LedgerLock, LedgerOptions, LockHolder } from './types.js';

export interface SqliteLocksContext {
  readonly location: string;
  readonly sql: Statements;
  /** Queues a write with the ledger's others; it runs inside their transaction. */
  readonly write: <T>(op: () => T) => Promise<T>;
  readonly now: () => Date;
  readonly options: LedgerOptions;
}

/**
 * Per-outbound locks as rows of the `locks` table: holder, a random token that only its own handle knows, and a
 * heartbeat. Taking one is a read and a write in one transaction taken with the write lock (the batch's), so
 * two processes cannot both find the row free.
 */
export class SqliteLocks {
  readonly #context: SqliteLocksContext;
  readonly #held = new HeldLocks();

  constructor(context: SqliteLocksContext) {
    this.#context = context;
  }

  async acquire(outbound: string, holder: LockHolder): Promise<LedgerLock> {
    const { location, sql, write, now, options } = this.#context;
    const staleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
    const token = randomUUID();
    const takenOver = await write(() => {
      const row = sql.getLock.get(outbound);
      const at = now();
      const previous: Takeover | undefined =
        row === undefined
          ? undefined
          : takeOverOrRefuse(location, heldLock(row), { host: holder.host, now: at, staleMs });
      sql.putLock.run({
        outbound,
        token,
        pid: holder.pid,
        host: holder.host,
        started_at: holder.startedAt.toISOString(),
        heartbeat_at: at.toISOString(),
      });
      return previous;
    });
    if (takenOver !== undefined) options.warn(takeoverWarning(location, takenOver.held, takenOver.reason));

    let lost = false;
    const heartbeat = startHeartbeat(
      () => write(() => sql.heartbeat.run(now().toISOString(), outbound, token).changes > 0),
      options.lockHeartbeatMs ?? DEFAULT_LOCK_HEARTBEAT_MS,
      () => {
        lost = true;
        options.warn(lostWarning(location, outbound));
      },
      (error) => options.warn(heartbeatFailedWarning(outbound, error)),
    );
    return this.#held.add(
      outbound,
      holder,
      () => lost,
      async () => {
        heartbeat.stop();
        await write(() => sql.releaseLock.run(outbound, token));
      },
    );
  }

  list(): HeldLock[] {
    return this.#context.sql.locks.all().map(heldLock);
  }

  releaseAll(): Promise<void> {
    return this.#held.releaseAll();
  }
}

function heldLock(row: LockRow): HeldLock {
  return {
    outbound: row.outbound,
    pid: row.pid,
    host: row.host,
    startedAt: new Date(row.started_at),
    heartbeatAt: new Date(row.heartbeat_at),
  };
}
