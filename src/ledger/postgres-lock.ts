import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { LedgerError } from './errors.js';
import { HeldLocks } from './held-locks.js';
import {
  DEFAULT_LOCK_HEARTBEAT_MS,
  DEFAULT_LOCK_STALE_MS,
  describeHolder,
  heartbeatFailedWarning,
  lockStaleness,
  lostWarning,
  startHeartbeat,
  takeOverOrRefuse,
  takeoverWarning,
  type Takeover,
} from './lock-policy.js';
import { isConnectionLoss, ledgerErrorFromPg } from './postgres-errors.js';
import { heldLockOf, type PgLockRow } from './postgres-rows.js';
import { ACQUIRE_CLASS, LOCK_CLASS } from './postgres-schema.js';
import type { HeldLock, LedgerLock, LedgerOptions, LockHolder } from './types.js';

export interface PgLocksContext {
  readonly location: string;
  /** The outbound's id, added when missing: the second key of its advisory lock. */
  readonly outboundId: (outbound: string) => Promise<number>;
  /** A connection of its own for one lock. */
  readonly connect: () => Promise<pg.Client>;
  readonly now: () => Date;
  readonly options: LedgerOptions;
}

/** How long a takeover waits for the session it ended to let go of the lock. */
const TAKEOVER_WAIT = '10s';
/** Tries while the lock is held by a session that has left no row yet, or is letting go of it. */
const RETRIES = 50;
const RETRY_MS = 20;

/** The session that holds an outbound's advisory lock, from the server's own list of locks. */
const HOLDER_BACKEND = `SELECT pid FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`;

/**
 * One run per outbound across every machine: a session-level advisory lock on a connection of the lock's own,
 * and a row of `locks` that names its holder (pid, host, since when) and carries a heartbeat. The server ends
 * the advisory lock with its session, so the lock of a process that died (`kill -9`, a lost pod) is free at
 * once, from any machine. The row is what a refused run reads to name the holder, and what the rules of
 * lock-policy.ts judge when a session is still there but its holder is not (its process gone from this host, or
 * no heartbeat for two minutes): that session is ended (pg_terminate_backend, allowed to the same role) and its
 * lock taken over, with a warning. Acquisitions of one outbound are serialised by a transaction-level advisory
 * lock, so one always finds the row its predecessor committed.
 */
export class PgLocks {
  readonly #context: PgLocksContext;
  readonly #held = new HeldLocks();

  constructor(context: PgLocksContext) {
    this.#context = context;
  }

  async acquire(outbound: string, holder: LockHolder): Promise<LedgerLock> {
    const { location, options } = this.#context;
    const id = await this.#context.outboundId(outbound);
    const client = await this.#context.connect();
    let gone: Error | undefined;
    let taken = false;
    let lost = false;
    let released = false;
    const timer: { heartbeat?: { stop(): void } } = {};
    const loseOnce = (message: string) => {
      if (lost || released) return;
      lost = true;
      timer.heartbeat?.stop();
      options.warn(message);
    };
    // The advisory lock went with its session: say so at once, so that the run stops before another starts.
    const onGone = (error: Error) => {
      gone ??= error;
      if (taken) loseOnce(goneWarning(location, outbound, gone));
    };
    client.on('error', onGone);
    client.on('end', () => onGone(new Error('the connection closed')));
    const token = randomUUID();
    let takenOver: Takeover | undefined;
    try {
      takenOver = await this.#take(client, id, outbound, holder, token);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw ledgerErrorFromPg(error, location);
    }
    taken = true;
    if (takenOver !== undefined) options.warn(takeoverWarning(location, takenOver.held, takenOver.reason));
    if (gone !== undefined) loseOnce(goneWarning(location, outbound, gone));
    // One query at a time on the lock's connection: a beat still out when the next is due, or at release, is
    // waited for rather than overlapped.
    let beating: Promise<boolean> | undefined;
    const beat = async () => {
      try {
        if (gone !== undefined) return false;
        const updated = await client.query(
          'UPDATE locks SET heartbeat_at = $1 WHERE outbound = $2 AND token = $3',
          [this.#context.now(), outbound, token],
        );
        return (updated.rowCount ?? 0) > 0;
      } catch (error) {
        if (!endsSession(error)) throw error;
        onGone(error as Error);
        return false;
      } finally {
        beating = undefined;
      }
    };
    timer.heartbeat = startHeartbeat(
      () => (beating === undefined ? (beating = beat()) : Promise.resolve(true)),
      options.lockHeartbeatMs ?? DEFAULT_LOCK_HEARTBEAT_MS,
      () => loseOnce(lostWarning(location, outbound)),
      (error) => {
        if (gone === undefined) options.warn(heartbeatFailedWarning(outbound, error));
      },
    );

    return this.#held.add(
      outbound,
      holder,
      () => lost,
      async () => {
        // loseOnce warns no more: this run is letting the lock go.
        released = true;
        timer.heartbeat?.stop();
        await beating?.catch(() => undefined);
        if (gone === undefined) {
          await client
            .query('DELETE FROM locks WHERE outbound = $1 AND token = $2', [outbound, token])
            .catch(() => undefined);
        }
        // Ending the session ends the advisory lock, whatever happened to the row.
        await client.end().catch(() => undefined);
      },
    );
  }

  releaseAll(): Promise<void> {
    return this.#held.releaseAll();
  }

  /** Takes the lock on `client`, in one transaction; returns the holder it took it over from, if any. */
  async #take(client: pg.Client, id: number, outbound: string, holder: LockHolder, token: string) {
    const { location, now, options } = this.#context;
    const staleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [ACQUIRE_CLASS, id]);
    const readRow = async () =>
      (await client.query<PgLockRow>('SELECT * FROM locks WHERE outbound = $1', [outbound])).rows[0];
    let previous: Takeover | undefined;
    for (let attempt = 0; ; attempt++) {
      const tried = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS got', [
        LOCK_CLASS,
        id,
      ]);
      const row = await readRow();
      const at = now();
      if (tried.rows[0]?.got === true) {
        if (row !== undefined) {
          // Its session is gone, so it did not end well: the run it was is over.
          const held = heldLockOf(row);
          const staleness = lockStaleness(held, { host: holder.host, now: at, staleMs });
          previous = {
            held,
            reason: staleness.stale ? staleness.reason : 'its connection to the ledger closed',
          };
        }
        break;
      }
      const backend = (await client.query<{ pid: number }>(HOLDER_BACKEND, [LOCK_CLASS, id])).rows[0]?.pid;
      if (row === undefined || backend === undefined) {
        // Between a holder's release of the row and the end of its session.
        if (attempt < RETRIES) {
          await sleep(RETRY_MS);
          continue;
        }
        throw new LedgerError(
          `another session holds outbound ${outbound} in the ledger ${location} without naming itself: wait ` +
            `for it to finish`,
          'LEDGER_LOCKED',
        );
      }
      const takeover = takeOverOrRefuse(location, heldLockOf(row), { host: holder.host, now: at, staleMs });
      await endSession(client, backend, takeover.held, location, takeover.reason);
      await client.query(`SET LOCAL lock_timeout = '${TAKEOVER_WAIT}'`);
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, id]);
      previous = takeover;
      break;
    }
    await client.query(
      `INSERT INTO locks (outbound, token, pid, host, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (outbound) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
      [outbound, token, holder.pid, holder.host, holder.startedAt, now()],
    );
    await client.query('COMMIT');
    // A server that has lost sight of this machine frees its locks within about a minute, not hours (TCP only).
    await client.query(
      'SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3',
    );
    return previous;
  }
}

/** Ends the session of a stale holder, whose advisory lock goes with it. */
async function endSession(
  client: pg.Client,
  backend: number,
  held: HeldLock,
  location: string,
  reason: string,
): Promise<void> {
  try {
    await client.query('SELECT pg_terminate_backend($1)', [backend]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error;
    throw new LedgerError(
      `outbound ${held.outbound} in the ledger ${location} is held by ${describeHolder(held)}, which looks ` +
        `gone (${reason}), but this database role may not end its session: ask an administrator to run ` +
        `SELECT pg_terminate_backend(${backend}), or run as the role that holds it`,
      'LEDGER_LOCKED',
      { cause: error },
    );
  }
}

/** An error after which the session, and so the advisory lock, is gone. */
function endsSession(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as { severity?: unknown }).severity === 'FATAL' || isConnectionLoss(error);
}

function goneWarning(location: string, outbound: string, error: Error | undefined): string {
  // 57P01: ended by pg_terminate_backend, which is what a takeover does.
  if ((error as { code?: unknown } | undefined)?.code === '57P01') return lostWarning(location, outbound);
  return (
    `the connection holding the lock of outbound ${outbound} in the ledger ${location} was lost ` +
    `(${error?.message ?? 'closed'}): another run may take the lock now, so this one must stop sending`
  );
}
