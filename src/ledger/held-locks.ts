import type { LedgerLock, LockHolder } from './types.js';

/**
 * The locks a ledger has handed out and not yet released, so that `close()` can release what is still held.
 * A handle releases once: a second `release()` does nothing.
 */
export class HeldLocks {
  readonly #handles = new Set<LedgerLock>();

  /**
   * A handle of `outbound`, kept until its first `release()`, which forgets it and then runs `release`.
   * @param isLost answers the handle's `lost`.
   */
  add(outbound: string, holder: LockHolder, isLost: () => boolean, release: () => Promise<void>): LedgerLock {
    let released = false;
    const handle: LedgerLock = {
      outbound,
      holder,
      get lost() {
        return isLost();
      },
      release: async () => {
        if (released) return;
        released = true;
        this.#handles.delete(handle);
        await release();
      },
    };
    this.#handles.add(handle);
    return handle;
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.#handles].map((handle) => handle.release()));
  }
}
