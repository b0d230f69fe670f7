import fs from 'node:fs';
import os from 'node:os';
import { UsageError } from '../errors.js';
import type { Ledger, RunEnd, RunRecord } from '../ledger/types.js';
import { markRemovedInResults } from '../results/mark-removed.js';
import { removeLeads, type UndoOutcome } from '../undo/remove-leads.js';
import { createdEntries, findUndoTarget, parseUndoReference, type UndoTarget } from '../undo/undo-target.js';
import { checkCampaign, openApiSession, type ApiFlags } from './api-session.js';
import { askYesNo, canAsk } from './ask.js';
import type { CliIo } from './io.js';
import { ledgerLocation, openExisting } from './ledger-actions.js';
import type { Redactor } from './secrets.js';
import { formatOutcome, formatPlan, leftToUndo } from './undo-report.js';

/** Stopped part-way: what was removed is recorded, and the same undo removes the rest. */
const STOPPED = 3;

/** The flags of `undo`, as yargs hands them over (camel-cased). */
export interface UndoFlags extends ApiFlags {
  readonly run: string;
  readonly outbound?: string;
  /** `--no-ledger` gives false. */
  readonly ledger?: string | false;
  readonly includeCalled?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly concurrency?: number;
  readonly _?: readonly (string | number)[];
}

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
  const concurrency = flags.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError('--concurrency expects a whole number from 1 to 64', 'USAGE');
  }
  if (flags.rate !== undefined && !(flags.rate > 0)) {
    throw new UsageError('--rate expects a number of requests per second above 0', 'USAGE');
  }
  const dryRun = flags.dryRun === true;
  // Asked before anything is read: a job without --yes fails at once, and says how to go on.
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
    if (leftToUndo(target) === 0) {
      await markResults(ledger, target.runs, io);
      io.stdout.write('Nothing left to undo: every lead these runs created is removed already.\n');
      return 0;
    }
    if (!dryRun && flags.yes !== true) {
      const question = `Remove them from outbound ${outbound}? [y/N] `;
      if (!(await askYesNo(io.stdin, io.stderr, question, session.send.stop))) {
        io.stderr.write('nlpearl-leads: nothing was removed\n');
        return 0;
      }
    }
    await checkCampaign(session.api, session.send, outbound, 'nothing was removed');
    const settings = { includeCalled: flags.includeCalled === true, concurrency, dryRun };
    const undo = async (ledgerNow: Ledger) =>
      removeLeads(createdEntries(ledgerNow, target.runs), ledgerNow, session.api, session.send, settings);
    if (dryRun) {
      const outcome = await undo(ledger);
      io.stdout.write(formatOutcome(outcome, { dryRun, outbound, runId: undefined }));
      return outcome.kind === 'done' ? 0 : STOPPED;
    }
    return await undoAsRun(ledger, target, undo, io);
  } finally {
    await ledger?.close();
    session.close();
  }
}

/** The undo under the outbound's lock, recorded as a run with its counts and exit status, however it ends. */
async function undoAsRun(
  ledger: Ledger,
  target: UndoTarget,
  undo: (ledger: Ledger) => Promise<UndoOutcome>,
  io: CliIo,
): Promise<number> {
  const { outbound } = target;
  const lock = await ledger.acquireLock(outbound, {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date(),
  });
  try {
    const runId = await ledger.startRun({ command: 'undo', outbound, source: runsText(target.runs) });
    let end: RunEnd = { counts: {}, exitStatus: STOPPED };
    try {
      const outcome = await undo(ledger);
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
      await markResults(ledger, target.runs, io);
      return exitStatus;
    } finally {
      await ledger.finishRun(runId, end);
    }
  } finally {
    await lock.release();
  }
}

/**
 * Marks `removed` in each run's results file the rows whose lead the ledger now says is removed. From the
 * ledger, not from this undo's tally: an undo that stopped before its results file was marked is made good by
 * the next one.
 */
async function markResults(ledger: Ledger, runs: readonly RunRecord[], io: CliIo): Promise<void> {
  const warn = (message: string) => io.stderr.write(`nlpearl-leads: ${message}\n`);
  for (const run of runs) {
    if (run.resultsPath === undefined) continue;
    if (!fs.existsSync(run.resultsPath)) {
      warn(
        `run ${run.id}'s results file ${run.resultsPath} is not there any more: only the ledger says removed`,
      );
      continue;
    }
    const removed = new Set<string>();
    for await (const entry of ledger.createdBy(run.id)) {
      if (entry.state === 'removed' && entry.leadId !== undefined) removed.add(entry.leadId);
    }
    const marked = await markRemovedInResults(run.resultsPath, removed, 'removed by undo', warn);
    if (marked > 0) io.stdout.write(`Marked ${marked} rows removed in ${run.resultsPath}\n`);
  }
}

function runsText(runs: readonly RunRecord[]): string {
  return `run ${runs.map((run) => run.id).join(', ')}`;
}
