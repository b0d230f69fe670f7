import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { updatedRows, type UpdatedRow } from '../results/updated-rows.js';
import {
  ENTRY_STATES,
  type EntryState,
  type Ledger,
  type LedgerEntry,
  type RunRecord,
  type StateCounts,
} from '../ledger/types.js';

/** What `undo` was given: a run id, or the results file of the runs to undo. */
export type UndoReference =
  { readonly kind: 'run'; readonly id: number } | { readonly kind: 'results'; readonly path: string };

/** The runs to undo and every lead they created, as the ledger holds them. */
export interface UndoTarget {
  readonly outbound: string;
  /** Oldest first. Several when the results file was written by a run and its resumes or retries. */
  readonly runs: readonly RunRecord[];
  /** The leads these runs created, by their state in the ledger now (those already removed included). */
  readonly created: StateCounts;
  /**
   * The leads the runs only updated (added by an earlier run): listed, never touched. From the runs' results
   * files where they are still there, else only counted (`updatedCount`, from the runs' counts).
   */
  readonly updated: readonly UpdatedRow[];
  readonly updatedCount: number;
}

/** How many runs of one outbound a results file is looked for among. */
const RUNS_SEARCHED = 10_000;

/** `12` is a run id; anything else names a results file, which must exist. */
export function parseUndoReference(argument: string): UndoReference {
  const text = argument.trim();
  if (/^\d+$/.test(text)) return { kind: 'run', id: Number(text) };
  const file = path.resolve(text);
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `undo takes a run id (nlpearl-leads ledger runs lists them) or a results file: ${argument} is neither`,
      'USAGE',
    );
  }
  return { kind: 'results', path: fs.realpathSync(file) };
}

/**
 * Finds the runs to undo in the ledger and the leads they created. Refuses (UsageError) a run of another
 * outbound than `--outbound` says, a run that adds no leads (pull, undo), and a results file no run recorded.
 */
export async function findUndoTarget(
  ledger: Ledger,
  reference: UndoReference,
  outbound: string,
): Promise<UndoTarget> {
  const runs = reference.kind === 'run' ? [await oneRun(ledger, reference.id, outbound)] : [];
  if (reference.kind === 'results') {
    const all = await ledger.listRuns({ outbound, limit: RUNS_SEARCHED });
    runs.push(...all.filter((run) => samePath(run.resultsPath, reference.path)).reverse());
    if (runs.length === 0) {
      throw new UsageError(
        `no run of outbound ${outbound} in the ledger ${ledger.location} wrote ${reference.path}: give the run id ` +
          `instead (nlpearl-leads ledger runs --outbound ${outbound})`,
        'USAGE',
      );
    }
  }
  const created = Object.fromEntries(ENTRY_STATES.map((state) => [state, 0])) as Record<EntryState, number>;
  for await (const entry of createdEntries(ledger, runs)) created[entry.state] += 1;
  const updated: UpdatedRow[] = [];
  let updatedCount = 0;
  for (const run of runs) {
    const file = run.resultsPath;
    if (file !== undefined && fs.existsSync(file)) {
      const rows = await updatedRows(file, () => {});
      updated.push(...rows);
      updatedCount += rows.length;
    } else updatedCount += run.counts?.updated ?? 0;
  }
  return { outbound, runs, created, updated, updatedCount };
}

/**
 * The leads the runs created, page by page: a lead has one creating run, so each comes once, and changing
 * their state while iterating moves no page (pages go by key).
 */
export async function* createdEntries(
  ledger: Ledger,
  runs: readonly RunRecord[],
): AsyncGenerator<LedgerEntry> {
  for (const run of runs) yield* ledger.createdBy(run.id);
}

async function oneRun(ledger: Ledger, id: number, outbound: string): Promise<RunRecord> {
  const run = await ledger.getRun(id);
  if (run === undefined) {
    throw new UsageError(
      `the ledger ${ledger.location} has no run ${id}: nlpearl-leads ledger runs --outbound ${outbound} lists them`,
      'USAGE',
    );
  }
  if (run.outbound !== outbound) {
    throw new UsageError(
      `run ${id} sent to outbound ${run.outbound}, not ${outbound}: check --outbound`,
      'USAGE',
    );
  }
  if (run.command !== 'import' && run.command !== 'retry') {
    throw new UsageError(
      `run ${id} is a ${run.command}, which adds no leads: there is nothing to undo`,
      'USAGE',
    );
  }
  return run;
}

function samePath(recorded: string | undefined, wanted: string): boolean {
  if (recorded === undefined) return false;
  if (recorded === wanted) return true;
  try {
    return fs.realpathSync(recorded) === wanted;
  } catch {
    return false;
  }
}
