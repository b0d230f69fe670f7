import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { updatedRows, type UpdatedRow } from '../results/updated-rows.js';
import {
  ENTRY_STATES,
  type EntryState,
  type Ledger,
  type RunRecord,
  type StateCounts,
} from '../ledger/types.js';

/** What `undo` was given: a run id, or the results file of the run to undo. */
export type UndoReference =
  { readonly kind: 'run'; readonly id: number } | { readonly kind: 'results'; readonly path: string };

/** The run to undo and every lead it created, as the ledger holds them. */
export interface UndoTarget {
  readonly outbound: string;
  readonly run: RunRecord;
  /** The leads the run created, by their state in the ledger now (those already removed included). */
  readonly created: StateCounts;
  /**
   * The leads the run only updated (added by an earlier run): listed, never touched. From its results file
   * while no later run wrote it, else only counted (`updatedCount`, the run's count).
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
 * Finds the run to undo in the ledger and the leads it created. Refuses (UsageError) a run of another
 * outbound than `--outbound` says, a run that adds no leads (pull, undo), and a results file no run recorded.
 */
export async function findUndoTarget(
  ledger: Ledger,
  reference: UndoReference,
  outbound: string,
): Promise<UndoTarget> {
  const all = await ledger.listRuns({ outbound, limit: RUNS_SEARCHED });
  const writers = (file: string | undefined) =>
    file === undefined ? [] : all.filter((run) => samePath(run.resultsPath, file));
  let run: RunRecord;
  if (reference.kind === 'run') run = await oneRun(ledger, reference.id, outbound);
  else {
    const found = writers(reference.path);
    if (found.length === 0) {
      throw new UsageError(
        `no run of outbound ${outbound} in the ledger ${ledger.location} wrote ${reference.path}: give the run id ` +
          `instead (nlpearl-leads ledger runs --outbound ${outbound})`,
        'USAGE',
      );
    }
    // A nightly job replaces its results file every night: the file alone does not say which night to undo.
    if (found.length > 1) {
      throw new UsageError(
        `${found.length} runs wrote ${reference.path} (runs ${found.map((r) => r.id).join(', ')}, newest ` +
          `first): give the run id of the one to undo (nlpearl-leads ledger runs --outbound ${outbound})`,
        'USAGE',
      );
    }
    run = found[0]!;
  }
  const created = Object.fromEntries(ENTRY_STATES.map((state) => [state, 0])) as Record<EntryState, number>;
  for await (const entry of ledger.createdBy(run.id)) created[entry.state] += 1;
  // The results file lists the updated leads while this run is the last that wrote it (a later night replaces
  // it, a retry appends to it: their rows would be credited to this run). Else the run's own count says how many.
  const file = run.resultsPath;
  const own = file !== undefined && fs.existsSync(file) && writers(file)[0]?.id === run.id;
  const updated = own ? await updatedRows(file, () => {}) : [];
  const updatedCount = own ? updated.length : (run.counts?.updated ?? 0);
  return { outbound, run, created, updated, updatedCount };
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
