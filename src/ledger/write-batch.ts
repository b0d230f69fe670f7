/**
 * Gathers the writes of one event-loop turn into one transaction. `add` queues a write and resolves with its
 * result once the transaction holding it has committed; the batch is committed on `setImmediate`, after every
 * answer that arrived in this turn's I/O phase has started its next row, so N rows sent concurrently cost one
 * commit, not N. Batches commit one after another, in the order their writes were added. A batch is cut when
 * its turn to commit comes, so the writes that arrive while an asynchronous commit (a database server) is under
 * way share the next commit instead of waiting in line for one each.
 */
export interface WriteBatcher<Op, Result> {
  add(op: Op): Promise<Result>;
  /** Commits what is queued now, and resolves when every batch so far has committed or failed. */
  drain(): Promise<void>;
  /** Writes queued and not yet committed. */
  readonly pending: number;
}

/** One op's outcome inside a committed batch: an op can fail alone, the others still commit. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * @param commit writes the ops in one transaction and returns their outcomes in order, or throws: then every
 *   op of the batch is rejected with that error (nothing of the batch was committed).
 */
export function createWriteBatcher<Op, Result>(
  commit: (ops: readonly Op[]) => readonly Settled<Result>[] | Promise<readonly Settled<Result>[]>,
): WriteBatcher<Op, Result> {
  interface Queued {
    op: Op;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }
  let queue: Queued[] = [];
  let scheduled = false;
  /** A batch is waiting for the one before it: writes queued meanwhile join it. */
  let waiting = false;
  let tail: Promise<void> = Promise.resolve();

  const runBatch = async (batch: readonly Queued[]): Promise<void> => {
    try {
      const outcomes = await commit(batch.map((queued) => queued.op));
      batch.forEach((queued, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) queued.reject(new Error('the ledger lost the outcome of a write'));
        else if (outcome.ok) queued.resolve(outcome.value);
        else queued.reject(outcome.error);
      });
    } catch (error) {
      for (const queued of batch) queued.reject(error);
    }
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    if (queue.length > 0 && !waiting) {
      waiting = true;
      tail = tail.then(() => {
        waiting = false;
        const batch = queue;
        queue = [];
        return runBatch(batch);
      });
    }
    return tail;
  };

  return {
    add(op) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ op, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
    drain: flush,
    get pending() {
      return queue.length;
    },
  };
}
