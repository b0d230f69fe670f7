import type { Logger } from 'pino';
import { hashLeadBody } from '../ledger/body-hash.js';
import type { LedgerLocation } from '../ledger/location.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { Ledger, LedgerLock, LeadInRun, RunCommand } from '../ledger/types.js';
import type { LeadBody } from '../types.js';
import { thisProcess } from '../ledger/lock-policy.js';

/** One run's hold on the ledger: the ledger, the outbound's lock, and the run's record. */
export class LedgerRun {
  readonly ledger: Ledger;
  readonly outbound: string;
  readonly source: string;
  /** Undefined for a dry run, which records nothing. */
  readonly runId: number | undefined;
  readonly #lock: LedgerLock | undefined;
  readonly #pending = new Set<Promise<void>>();
  #failure: unknown = undefined;
  #onFailure: ((error: unknown) => void) | undefined;

  private constructor(
    ledger: Ledger,
    outbound: string,
    source: string,
    runId: number | undefined,
    lock: LedgerLock | undefined,
  ) {
    this.ledger = ledger;
    this.outbound = outbound;
    this.source = source;
    this.runId = runId;
    this.#lock = lock;
  }

  /**
   * Opens the ledger and, unless this is a dry run, takes the outbound's lock and records the run's start.
   * Throws LedgerError (unavailable, corrupt, newer schema, locked by another run) before anything is sent.
   */
  static async start(
    location: LedgerLocation,
    run: {
      readonly command: RunCommand;
      readonly outbound: string;
      readonly source: string;
      readonly inputPath: string | undefined;
      readonly inputSize: number | undefined;
      readonly resultsPath: string;
      readonly dryRun: boolean;
    },
    logger: Logger,
  ): Promise<LedgerRun> {
    const ledger = await openLedger(location, { warn: (message) => logger.warn(message) });
    try {
      if (run.dryRun) return new LedgerRun(ledger, run.outbound, run.source, undefined, undefined);
      const lock = await ledger.acquireLock(run.outbound, thisProcess());
      const runId = await ledger.startRun({
        command: run.command,
        outbound: run.outbound,
        source: run.source,
        inputPath: run.inputPath,
        inputSize: run.inputSize,
        resultsPath: run.resultsPath,
      });
      return new LedgerRun(ledger, run.outbound, run.source, runId, lock);
    } catch (error) {
      await ledger.close();
      throw error;
    }
  }

  /** The lead as this run's writes take it: keyed by its externalId, else its E.164 phone. */
  leadOf(body: LeadBody): LeadInRun {
    const byId = body.externalId !== undefined;
    return {
      outbound: this.outbound,
      key: byId ? body.externalId! : body.phoneNumber,
      keyKind: byId ? 'externalId' : 'phone',
      phone: body.phoneNumber,
      source: this.source,
      runId: this.runId ?? 0,
    };
  }

  hash(body: LeadBody): string {
    return hashLeadBody(body);
  }

  /**
   * Takes an outcome write (created, updated, seen) off the row's slot: the row's intent is already committed,
   * so a crash before this write commits costs a lookup next run, never a duplicate, and the slot is free a
   * turn sooner. A write that fails is told to `onFailure` and rethrown by `settle`.
   */
  defer(write: Promise<void>): void {
    const tracked = write
      .catch((error: unknown) => {
        if (this.#failure === undefined) {
          this.#failure = error;
          this.#onFailure?.(error);
        }
      })
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Who is told when a deferred write fails (the run stops). */
  onFailure(listener: (error: unknown) => void): void {
    this.#onFailure = listener;
  }

  /** Waits for every deferred write; throws the first that failed. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.#failure !== undefined) throw this.#failure as Error;
  }

  /** Whether another run took the lock over (this one was thought dead): stop writing. */
  get lockLost(): boolean {
    return this.#lock?.lost === true;
  }

  /** Records how the run ended, releases the lock and closes the ledger; safe on any path out of a run. */
  async finish(
    end: { counts: Readonly<Record<string, number>>; exitStatus: number } | undefined,
  ): Promise<void> {
    try {
      if (end !== undefined && this.runId !== undefined) await this.ledger.finishRun(this.runId, end);
      await this.#lock?.release();
    } finally {
      await this.ledger.close();
    }
  }
}
