import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { Ledger, LedgerLock, RunEnd, RunRecord } from '../ledger/types.js';
import { markRemovedInResults } from '../results/mark-removed.js';
import { removeLeads, type UndoOutcome, type UndoSettings } from '../undo/remove-leads.js';
import { findUndoTarget, parseUndoReference, type UndoTarget } from '../undo/undo-target.js';
import { checkCampaign, openApiSession, type ApiSession } from './api-session.js';
import { askYesNo, canAsk } from './ask.js';
import type { CliIo } from './io.js';
import { ledgerLocation, openExisting } from './ledger-actions.js';
import type { Redactor } from './secrets.js';
import { UNDO_CONCURRENCY, type UndoFlags } from './undo-command.js';
import { createdTotal, formatOutcome, formatPlan, leftToUndo } from './undo-report.js';
import { thisProcess } from '../ledger/lock-policy.js';

/** Stopped part-way, or interrupted: what was removed is recorded, and the same undo removes the rest. */
const STOPPED = 3;

/**
 * `undo`: removes from the campaign the leads a run created, holding the outbound's lock as a run of its own
 * (command `undo`). Asks first at a terminal; elsewhere it needs --yes. Everything that stops it before a
 * lead is removed is thrown as an NlpearlLeadsError (main prints its one line, exit 2).
 */
export async function runUndo(flags: UndoFlags, io: CliIo, redactor: Redactor): Promise<number> {
  const extra = (flags._ ?? []).slice(1);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const outbound = (flags.outbound ?? io.env.NLPEARL_OUTBOUND_ID ?? '').trim();
  if (outbound === '') {
    throw new UsageError(
      'undo needs --outbound (or NLPEARL_OUTBOUND_ID): the campaign the run sent to',
      'USAGE',
    );
  }
  const concurrency = flags.concurrency ?? UNDO_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError('--concurrency expects a whole number from 1 to 64', 'USAGE');
  }
  if (flags.rate !== undefined && !(flags.rate > 0)) {
    throw new UsageError('--rate expects a number of requests per second above 0', 'USAGE');
  }
  const dryRun = flags.dryRun === true;
  // Told before anything is read: a job without --yes fails at once, and says how to go on.
  if (!dryRun && flags.yes !== true && !canAsk(io)) {
    throw new UsageError(
      'undo removes leads from the campaign and asks first, which needs a terminal: pass --yes (or --dry-run to see what it would do)',
      'USAGE',
    );
  }
  const reference = parseUndoReference(flags.run);
  const location = ledgerLocation(flags.ledger, io.env);
  const session = openApiSession(flags, outbound, { activity: 'undoing', concurrency }, io, redactor);
  let ledger: Ledger | undefined;
  try {
    ledger = await openExisting(location, io);
    const target = await findUndoTarget(ledger, reference, outbound);
    io.stdout.write(formatPlan(target, ledger.location, dryRun));
    const settings = { includeCalled: flags.includeCalled === true, concurrency, dryRun };
    if (leftToUndo(target) === 0) {
      const total = createdTotal(target);
      io.stdout.write(
        total === 0
          ? `Nothing to undo: run ${target.run.id} created no lead.\n`
          : 'Nothing left to undo: every lead this run created is removed already.\n',
      );
      // A stopped undo may have left the results file behind the ledger: made good here, under the lock.
      if (!dryRun && total > 0) await underLock(ledger, outbound, () => markResults(ledger!, target.run, io));
      return 0;
    }
    if (!dryRun && flags.yes !== true) {
      // The person answers at the terminal: with stdout sent elsewhere, the plan goes there too.
      if (io.stdout.isTTY !== true) io.stderr.write(formatPlan(target, ledger.location, dryRun));
      const question = `Remove them from outbound ${outbound}? [y/N] `;
      const yes = await askYesNo(io.stdin, io.stderr, question, session.send.stop);
      if (!yes) {
        io.stderr.write('nlpearl-leads: nothing was removed\n');
        return session.send.stop.aborted ? STOPPED : 0;
      }
    }
    await checkCampaign(session.api, session.send, outbound, 'nothing was removed');
    if (dryRun) {
      const outcome = await undoLeads(ledger, target, session, settings);
      io.stdout.write(formatOutcome(outcome, { dryRun, outbound, runId: undefined }));
      return outcome.kind === 'done' ? 0 : STOPPED;
    }
    const opened = ledger;
    return await underLock(opened, outbound, (lock) =>
      undoAsRun(
        opened,
        target,
        (mustStop) => undoLeads(opened, target, session, { ...settings, mustStop }),
        lock,
        io,
      ),
    );
  } finally {
    await ledger?.close();
    session.close();
  }
}

function undoLeads(
  ledger: Ledger,
  target: UndoTarget,
  session: ApiSession,
  settings: UndoSettings,
): Promise<UndoOutcome> {
  return removeLeads(ledger.createdBy(target.run.id), ledger, session.api, session.send, settings);
}

/** Holds the outbound's lock (no import or other undo sends to it meanwhile) for `work`. */
async function underLock<T>(
  ledger: Ledger,
  outbound: string,
  work: (lock: LedgerLock) => Promise<T>,
): Promise<T> {
  const lock = await ledger.acquireLock(outbound, thisProcess());
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

/** The undo recorded as a run with its counts and exit status, however it ends. */
async function undoAsRun(
  ledger: Ledger,
  target: UndoTarget,
  undo: (mustStop: () => string | undefined) => Promise<UndoOutcome>,
  lock: LedgerLock,
  io: CliIo,
): Promise<number> {
  const { outbound } = target;
  const runId = await ledger.startRun({ command: 'undo', outbound, source: `run ${target.run.id}` });
  let end: RunEnd = { counts: {}, exitStatus: STOPPED };
  try {
    // Another run took the lock over (it thought this one dead): stop before the next batch.
    const outcome = await undo(() =>
      lock.lost ? "the outbound's lock was taken over by another run" : undefined,
    );
    const { tally } = outcome;
    const exitStatus = outcome.kind === 'done' ? 0 : STOPPED;
    end = {
      counts: {
        removed: tally.removed,
        gone: tally.gone,
        called: tally.called.length,
        busy: tally.busy.length,
        neverCreated: tally.neverCreated,
      },
      exitStatus,
    };
    io.stdout.write(formatOutcome(outcome, { dryRun: false, outbound, runId }));
    if (!lock.lost) await markResults(ledger, target.run, io);
    return exitStatus;
  } finally {
    await ledger.finishRun(runId, end);
  }
}

/**
 * Marks `removed` in the run's results file the rows whose lead the ledger now says is removed. From the
 * ledger, not from this undo's tally: an undo that stopped before its results file was marked is made good by
 * the next one. A file that cannot be marked is told, and changes nothing of what was removed.
 */
async function markResults(ledger: Ledger, run: RunRecord, io: CliIo): Promise<void> {
  const warn = (message: string) => io.stderr.write(`nlpearl-leads: ${message}\n`);
  const file = run.resultsPath;
  if (file === undefined) return;
  if (!fs.existsSync(file)) {
    warn(`run ${run.id}'s results file ${file} is not there any more: only the ledger says removed`);
    return;
  }
  const removed = new Set<string>();
  for await (const entry of ledger.createdBy(run.id)) {
    if (entry.state === 'removed' && entry.leadId !== undefined) removed.add(entry.leadId);
  }
  try {
    const marked = await markRemovedInResults(file, removed, 'removed by undo', warn);
    if (marked > 0) io.stdout.write(`Marked ${marked} rows removed in ${file}\n`);
  } catch (error) {
    warn(
      `could not mark the removed rows in ${file} (${error instanceof Error ? error.message : String(error)}): the ledger says removed; run the same undo again to mark them`,
    );
  }
}
