/**
 * The lead ledger: what this tool has sent to each outbound campaign across runs, so that a lead is added once
 * whatever the order of tonight's export, a changed lead is updated, and leads gone from the export are found.
 * One interface, one small set of files per backend (sqlite-*.ts, postgres-*.ts); the pipeline never knows which.
 *
 * Every method returns a promise, even where the backend is synchronous, so that a networked backend fits.
 */

/** How a lead is known across runs: by the row's externalId when it has one, else by its E.164 phone number. */
export type KeyKind = 'externalId' | 'phone';

/**
 * - `sending`: an Add Lead request is about to leave or left, its outcome not yet recorded. After a crash, such
 *   a lead may or may not be in the campaign: look it up before sending it again.
 * - `created`: this tool added it; `bodyHash` is the body it sent.
 * - `updated`: changed since, by Update Lead; `bodyHash` is the body of that update.
 * - `completed`: its campaign status was set to Completed (absent from its source): the campaign no longer
 *   calls it, and it is still there.
 * - `removing`: a Delete Leads request for it is about to leave or left (undo, `--absent delete`).
 * - `removed`: deleted from the campaign by this tool.
 * - `pulled`: found in the campaign by reconciliation, not added by this tool; its content is unknown.
 */
export type EntryState = 'sending' | 'created' | 'updated' | 'completed' | 'removing' | 'removed' | 'pulled';

export const ENTRY_STATES: readonly EntryState[] = [
  'sending',
  'created',
  'updated',
  'completed',
  'removing',
  'removed',
  'pulled',
];

/** The states of a lead the ledger believes is in the campaign (what the campaign's `count` is compared to). */
export const ACTIVE_STATES: readonly EntryState[] = ['created', 'updated', 'completed', 'pulled'];

/** One lead of one outbound, as the ledger holds it. */
export interface LedgerEntry {
  readonly outbound: string;
  readonly key: string;
  readonly keyKind: KeyKind;
  /** E.164: what Search Leads is asked for after a crash when the lead has no externalId. */
  readonly phone: string;
  readonly leadId: string | undefined;
  /** `hashLeadBody` of the last body sent (Add or Update); undefined for `sending` and `pulled`. */
  readonly bodyHash: string | undefined;
  readonly state: EntryState;
  /** The source of the last run whose input held it (input path or `--source NAME`); undefined if none did. */
  readonly source: string | undefined;
  /** The run whose Add Lead made it; undefined for leads this tool did not add. Undo removes exactly these. */
  readonly createdRun: number | undefined;
  /** The first and the last run whose input held it. */
  readonly firstRun: number | undefined;
  readonly lastRun: number | undefined;
}

/** A lead as one run's input holds it: what every per-row write takes. */
export interface LeadInRun {
  readonly outbound: string;
  readonly key: string;
  readonly keyKind: KeyKind;
  /** E.164. Equal to `key` when `keyKind` is 'phone'. */
  readonly phone: string;
  /** The input path, or `--source NAME`. */
  readonly source: string;
  readonly runId: number;
}

/** A lead found in the campaign by paging through Search Leads. */
export interface PulledLead {
  readonly key: string;
  readonly keyKind: KeyKind;
  readonly phone: string;
  readonly leadId: string;
}

export interface PullResult {
  /** Leads the ledger did not know, now `pulled`. */
  readonly added: number;
  /** Known leads whose missing leadId was filled, or that were `removed` and are in the campaign again. */
  readonly changed: number;
}

export type StateCounts = Readonly<Record<EntryState, number>>;

export type RunCommand = 'import' | 'retry' | 'undo' | 'pull';

export interface RunStart {
  readonly command: RunCommand;
  readonly outbound: string;
  /** The input path, or `--source NAME`; for undo, the runs it undoes (`run 12`); undefined for pull. */
  readonly source?: string | undefined;
  /** Undefined when reading standard input. */
  readonly inputPath?: string | undefined;
  readonly inputSize?: number | undefined;
  /** The results file the run writes (absolute), so that undo can mark its rows `removed`. */
  readonly resultsPath?: string | undefined;
  /** Default: the ledger's clock. */
  readonly startedAt?: Date | undefined;
}

export interface RunEnd {
  /** Rows by result status, e.g. `{created: 3, unchanged: 120, failed: 1}`. */
  readonly counts: Readonly<Record<string, number>>;
  /** The process exit status the run ends with. */
  readonly exitStatus: number;
  /** Default: the ledger's clock. */
  readonly endedAt?: Date | undefined;
}

export interface RunRecord {
  readonly id: number;
  readonly command: RunCommand;
  readonly outbound: string;
  readonly source: string | undefined;
  readonly inputPath: string | undefined;
  readonly inputSize: number | undefined;
  /** Undefined for runs without a results file (pull, undo) and for runs recorded before schema version 2. */
  readonly resultsPath: string | undefined;
  readonly startedAt: Date;
  /** Undefined while running, or when the run never finished (a crash). */
  readonly endedAt: Date | undefined;
  readonly counts: Readonly<Record<string, number>> | undefined;
  readonly exitStatus: number | undefined;
}

/** Who holds an outbound's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: Date;
}

export interface HeldLock extends LockHolder {
  readonly outbound: string;
  readonly heartbeatAt: Date;
}

/** One run at a time per outbound. Release it in `finally`; `close()` releases what is still held. */
export interface LedgerLock {
  readonly outbound: string;
  readonly holder: LockHolder;
  /** True once another holder has taken the lock over (it found this one stale): stop writing. */
  readonly lost: boolean;
  release(): Promise<void>;
}

export interface LedgerDescription {
  /** Where it is, fit to print: a path, or a URL without its password. */
  readonly location: string;
  readonly schemaVersion: number;
  readonly outbounds: readonly { readonly outbound: string; readonly counts: StateCounts }[];
  /** Newest first. */
  readonly recentRuns: readonly RunRecord[];
  readonly locks: readonly HeldLock[];
}

export interface Ledger {
  /** Where it is, fit to print (never a password). */
  readonly location: string;

  /**
   * The entry of a lead, or undefined if the ledger does not know it. Cheap enough to call for every row; the
   * rows of one run may be looked up concurrently. It sees every write whose promise has resolved, and may not
   * see one still pending.
   */
  get(outbound: string, key: string): Promise<LedgerEntry | undefined>;

  /**
   * Records the intent to send Add Lead: state `sending`, leadId and bodyHash cleared. `createdRun` becomes
   * this run for a lead new to the ledger or removed since; an entry a crashed run left (`sending`, `removing`,
   * no leadId) keeps its run: the lead is the one that run set out to add, and undo of that run takes it back.
   * Resolves once that is committed, so a crash after the request leaves cannot hide the lead. The writes of
   * one event-loop turn (this and every `mark*` below) share one transaction: concurrent rows cost one commit.
   */
  markSending(lead: LeadInRun): Promise<void>;

  /** Add Lead answered with this leadId: `created`, with the hash of the body sent. Resolves on commit. */
  markCreated(
    lead: LeadInRun,
    outcome: { readonly leadId: string; readonly bodyHash: string },
  ): Promise<void>;

  /** Update Lead succeeded: `updated`, with the hash of the body sent. Resolves on commit. */
  markUpdated(
    lead: LeadInRun,
    outcome: { readonly bodyHash: string; readonly leadId?: string },
  ): Promise<void>;

  /** The input holds the lead unchanged: only its last run and source move. Resolves on commit. */
  markSeen(lead: LeadInRun): Promise<void>;

  /**
   * Add Lead was refused for certain (the lead was not created): forgets the entry if it is still `sending`,
   * so the next run treats the lead as new. Resolves on commit.
   */
  cancelSending(outbound: string, key: string): Promise<void>;

  /**
   * Moves these leads to `completed`, `removing`, `removed` or back to `created`, in one transaction; keys the
   * ledger does not know are ignored. `removing` is the intent before Delete Leads, as `sending` is before Add
   * Lead; `created` takes back a `removing` that a crash left and undo then kept (the lead was called since).
   * @returns how many entries changed.
   */
  setState(
    outbound: string,
    keys: readonly string[],
    state: 'completed' | 'removing' | 'removed' | 'created',
  ): Promise<number>;

  /** Counts of the outbound's entries by state (every state present, 0 when none). */
  count(outbound: string): Promise<StateCounts>;

  /**
   * Leads this tool added to the outbound (createdRun set, state created or updated) that the given source fed
   * and that its run `runId` did not hold: their last run is older than `runId`. In pages, so the caller may
   * change their state while iterating.
   */
  listAbsent(outbound: string, source: string, runId: number): AsyncIterable<LedgerEntry>;

  /** How many `listAbsent` would give. */
  countAbsent(outbound: string, source: string, runId: number): Promise<number>;

  /**
   * Records leads found in the campaign, in one transaction. A lead the ledger did not know becomes `pulled`.
   * A known one keeps its state and content (an entry this tool created is never overwritten), except that a
   * missing leadId is filled, and a `removed` lead found again comes back: as `created` if it is the same
   * leadId (the removal did not happen), else as `pulled` with the new leadId.
   */
  recordPulled(outbound: string, leads: readonly PulledLead[]): Promise<PullResult>;

  /** The entries a run created, in every state (undo skips those already `removed`). In pages. */
  createdBy(runId: number): AsyncIterable<LedgerEntry>;

  /** Every entry of the outbound, ordered by key. In pages. */
  exportEntries(outbound: string): AsyncIterable<LedgerEntry>;

  /** Forgets every entry of the outbound (its runs stay, as history). @returns how many were forgotten. */
  forget(outbound: string): Promise<number>;

  /** Records a run's start. @returns its id: ids grow with time. */
  startRun(run: RunStart): Promise<number>;
  finishRun(id: number, end: RunEnd): Promise<void>;
  getRun(id: number): Promise<RunRecord | undefined>;
  /** Newest first. Default limit 20. */
  listRuns(filter?: { readonly outbound?: string; readonly limit?: number }): Promise<RunRecord[]>;

  /**
   * Takes the outbound's lock for one run. Another live holder makes it throw a LedgerError with code
   * 'LEDGER_LOCKED' that names it (pid, host, since when). A stale holder (its process gone on this host, or
   * no heartbeat for two minutes) is taken over, and `warn` is told. The lock's heartbeat is refreshed on a
   * timer that does not keep the process alive.
   */
  acquireLock(outbound: string, holder: LockHolder): Promise<LedgerLock>;

  /** Outbounds with their counts by state, the recent runs, and the locks held. */
  describe(): Promise<LedgerDescription>;

  /**
   * Records runs of another ledger as they were (`ledger copy`), in one transaction and in the order given, so
   * their ids here grow as theirs did. A run this ledger already holds (the same outbound, command and start) is
   * not added again, so a copy that stopped part-way can be run again.
   * @returns each run's id in this ledger, in the order given.
   */
  importRuns(runs: readonly RunRecord[]): Promise<number[]>;

  /**
   * Writes entries of another ledger as they are (state, leadId, hash, source and runs, whose ids must be this
   * ledger's), in one transaction (`ledger copy`). An entry whose outbound and key this ledger already holds is
   * left as it is. @returns how many were written.
   */
  importEntries(entries: readonly LedgerEntry[]): Promise<number>;

  /** Commits what is pending, releases the locks still held, and closes. Calling it again does nothing. */
  close(): Promise<void>;
}

/** What every backend takes when it opens. */
export interface LedgerOptions {
  /** Told what the caller should know but that does not stop a run: a stale lock taken over, a lock lost. */
  readonly warn: (message: string) => void;
  /** The clock for run times and lock heartbeats. Default: `() => new Date()`. */
  readonly now?: (() => Date) | undefined;
  /** How often a held lock's heartbeat is refreshed, in ms. Default: 30,000. */
  readonly lockHeartbeatMs?: number | undefined;
  /** A lock whose heartbeat is older than this is stale, in ms. Default: 120,000 (four heartbeats missed). */
  readonly lockStaleMs?: number | undefined;
}
