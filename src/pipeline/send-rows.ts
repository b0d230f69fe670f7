import { InputError } from '../errors.js';
import { DuplicateFinder } from '../mapping/duplicates.js';
import type { ResultsWriter } from '../results/results-writer.js';
import type { Canary } from './canary-leads.js';
import { ledgerAction } from './ledger-action.js';
import { planRows, type RowPlan } from './plan-rows.js';
import type { PreparedRun } from './prepare-run.js';
import type { RunStop } from './run-stop.js';
import type { RunTally } from './run-tally.js';
import type { SendSlots } from './send-slots.js';
import { sendRow, type RowContext, type SendPlan } from './send-row.js';
import type { RowResult } from './record-outcome.js';

/** A dry run's plan with a ledger: what a real run would send. */
export interface PlannedCounts {
  create: number;
  update: number;
  unchanged: number;
}

export interface SendRowsParts extends RowContext {
  readonly tally: RunTally;
  readonly stop: RunStop;
  readonly slots: SendSlots;
  readonly planned: PlannedCounts;
  /** `--canary N`: the first N rows sent, then a check before the rest go. */
  readonly canary?: Canary | undefined;
}

/**
 * The bounded loop: a row is pulled from the input only when a request slot is free, so a file of any size
 * holds at most `concurrency` rows in memory. Rows that are not sent are written at once. With a canary, a row
 * to send also waits for the canary's room; once it is full, the row waits for the check, and is left out of
 * the results file when the run stops there (the command that continues reads it again).
 */
export async function sendRows(run: PreparedRun, retry: boolean, parts: SendRowsParts): Promise<void> {
  const { options } = run;
  const { stop, slots, out, tally, ledger } = parts;
  let canary = parts.canary;
  const plans = planRows({
    records: run.csv.records,
    inputName: run.inputName,
    mapping: run.mapping,
    header: run.outputHeader,
    fromResults: run.fromResults,
    retry,
    prior: run.prior?.states,
    duplicates: options.allowDuplicates ? undefined : new DuplicateFinder(),
    dryRun: options.dryRun,
    lead: { defaultCountry: run.defaultCountry, keepPhone: options.keepPhone },
    counts: tally,
  });
  try {
    for await (const plan of plans) {
      if (stop.signal.aborted) break;
      const ledgerPlan = plan.kind === 'valid' && ledger !== undefined;
      if (plan.kind !== 'send' && !ledgerPlan) {
        // A row an earlier run of this results file finished is still in tonight's input: without this, a
        // resumed run would count its lead absent, and --absent could complete or delete it.
        if (plan.kind === 'done' && plan.body !== undefined && ledger?.runId !== undefined)
          ledger.defer(ledger.ledger.markSeen(ledger.leadOf(plan.body)));
        recordPlan(plan, tally, out);
        continue;
      }
      if (plan.kind === 'send' && canary !== undefined) {
        const admitted = await canary.gate.admit(stop.signal);
        if (admitted === 'stopped') break;
        if (admitted === 'full') {
          await slots.drain();
          if (!(await canary.check())) break;
          // Yes: the rest go as any run's would, this row first.
          canary = undefined;
        }
      }
      if (!(await slots.room())) break;
      if (plan.kind === 'send') slots.start(() => sendCounted(plan, parts, canary));
      else if (plan.kind === 'valid') slots.start(() => planWithLedger(plan, parts));
    }
  } catch (error) {
    // A record that cannot be read past: the rows before it are handled and written, then the run stops.
    if (!(error instanceof InputError)) throw error;
    stop.fail(error);
  }
  await slots.drain();
}

/** Sends a row; a canary's place for it is counted as sent, or given back, whatever came of it. */
async function sendCounted(plan: SendPlan, parts: SendRowsParts, canary: Canary | undefined): Promise<void> {
  let result: RowResult = { status: 'not-sent' };
  try {
    result = await sendRow(plan, parts);
  } finally {
    canary?.gate.settle(plan.row, result);
  }
}

/** A row that is not sent: its result line and its count. */
function recordPlan(plan: Exclude<RowPlan, { kind: 'send' }>, tally: RunTally, out: ResultsWriter): void {
  if (plan.kind === 'done') {
    tally.addAlreadyDone();
    return;
  }
  const { row, line } = plan;
  if (plan.kind === 'invalid') tally.add('invalid', { row, line, column: plan.column, reason: plan.reason });
  else tally.add(plan.kind);
  const error = plan.kind === 'valid' ? undefined : plan.reason;
  out.write({ row, status: plan.kind, attempts: 0, ...(error === undefined ? {} : { error }) }, plan.cells);
}

/** A dry run's valid row, compared with the ledger: counted as what a real run would do with it. */
async function planWithLedger(
  plan: Extract<RowPlan, { kind: 'valid' }>,
  parts: SendRowsParts,
): Promise<void> {
  const ledger = parts.ledger!;
  const body = plan.body;
  const lead = ledger.leadOf(body);
  const action = ledgerAction(
    await ledger.ledger.get(lead.outbound, lead.key),
    ledger.hash(body),
    parts.actions,
  );
  if (action.kind === 'update') parts.planned.update += 1;
  else if (action.kind === 'unchanged' || action.kind === 'skip-change') parts.planned.unchanged += 1;
  else parts.planned.create += 1;
  recordPlan(plan, parts.tally, parts.out);
}
