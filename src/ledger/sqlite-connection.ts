import type Database from 'better-sqlite3';
import { closedLedgerError } from './errors.js';
import { keysetPages } from './keyset-pages.js';
import { ledgerErrorFrom } from './sqlite-errors.js';
import { createWriteBatcher, type Settled, type WriteBatcher } from './write-batch.js';

type Op = () => unknown;

/**
 * One better-sqlite3 connection (synchronous) behind promises. Writes go through one batcher: those of an
 * event-loop turn run in one transaction, taken with the write lock at its start (IMMEDIATE, so two
 * processes never deadlock upgrading a read), committed on `setImmediate`, in the order they were queued.
 * An op that throws fails alone: ops of several statements run in a savepoint (`transaction()`), which rolls
 * back by itself. Reads run at once. Every SQLite error becomes a LedgerError naming the file.
 */
export class SqliteConnection {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #writes: WriteBatcher<Op, unknown>;
  readonly #onRollback: () => void;
  #closed = false;

  /** @param onRollback called when a whole batch rolled back (what it cached of that batch is untrue). */
  constructor(db: Database.Database, location: string, onRollback: () => void) {
    this.#db = db;
    this.location = location;
    this.#onRollback = onRollback;
    this.#writes = createWriteBatcher<Op, unknown>((ops) => this.#commit(ops));
  }

  /** Queues `op` with this turn's writes; resolves with its result once committed. */
  write<T>(op: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(closedLedgerError(this.location));
    return this.#writes.add(op) as Promise<T>;
  }

  /** Runs `fn` in a savepoint when inside a batch: all of it or nothing. */
  atomic<T>(fn: () => T): () => T {
    return this.#db.transaction(fn);
  }

  read<T>(read: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(closedLedgerError(this.location));
    try {
      return Promise.resolve(read());
    } catch (error) {
      return Promise.reject(ledgerErrorFrom(error, this.location));
    }
  }

  /** Commits the queued writes now; resolves when every write so far is settled. */
  drain(): Promise<void> {
    return this.#writes.drain();
  }

  /** Reads `fetch`'s pages one after another (keyset-pages.ts), committing queued writes before each. */
  pages<Row>(fetch: (after: Row | undefined) => Row[], pageSize: number): AsyncGenerator<Row> {
    return keysetPages(
      (after) => this.read(() => fetch(after)),
      pageSize,
      () => this.drain(),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.drain();
    this.#closed = true;
    this.#db.close();
  }

  #commit(ops: readonly Op[]): Settled<unknown>[] {
    const settle = (op: Op): Settled<unknown> => {
      try {
        return { ok: true, value: op() };
      } catch (error) {
        return { ok: false, error: ledgerErrorFrom(error, this.location) };
      }
    };
    try {
      return this.#db.transaction(() => ops.map(settle)).immediate();
    } catch (error) {
      this.#onRollback();
      throw ledgerErrorFrom(error, this.location);
    }
  }
}
