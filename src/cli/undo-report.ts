import type { RunRecord } from '../ledger/types.js';
import type { KeptLead, UndoOutcome } from '../undo/remove-leads.js';
import type { UndoTarget } from '../undo/undo-target.js';

/*
 * What undo prints on stdout: before, what it is about to do (which run, when, which campaign, how many
 * leads); after, what it did and the leads it left, each with its status, so that a person can see why.
 */

/** Kept leads listed one by one up to this many; beyond, counts by status only. */
const LISTED = 50;

/** Leads the run created, in every state. */
export function createdTotal(target: UndoTarget): number {
  return Object.values(target.created).reduce((sum, n) => sum + n, 0);
}

/** Leads the run created that are not removed yet. */
export function leftToUndo(target: UndoTarget): number {
  return createdTotal(target) - target.created.removed;
}

export function formatPlan(target: UndoTarget, ledger: string, dryRun: boolean): string {
  const total = createdTotal(target);
  const left = leftToUndo(target);
  const lines = [
    `${dryRun ? 'Dry run: undo' : 'Undo'} of ${describeRun(target.run)}`,
    `  outbound ${target.outbound}, ledger ${ledger}`,
    `  ${total} leads created by this run: ` +
      `${left} to check and remove if not called yet (status New), ${target.created.removed} removed already`,
  ];
  if (target.created.removing > 0)
    lines.push(`  ${target.created.removing} were being removed when an undo stopped: checked first`);
  if (target.updatedCount > 0) {
    lines.push(`  ${target.updatedCount} leads it only updated (added by an earlier run): not touched`);
    const shown = target.updated.slice(0, LISTED);
    lines.push(...shown.map((lead) => `    ${lead.leadId}  row ${lead.row}  updated`));
    if (target.updated.length > shown.length)
      lines.push(`    … and ${target.updated.length - shown.length} more, not listed`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatOutcome(
  outcome: UndoOutcome,
  context: { readonly dryRun: boolean; readonly outbound: string; readonly runId: number | undefined },
): string {
  const { tally } = outcome;
  const verb = context.dryRun ? 'would be removed' : 'removed';
  const lines = [
    context.dryRun
      ? `Dry run, nothing changed, outbound ${context.outbound}:`
      : `Undo run ${context.runId} of outbound ${context.outbound}:`,
    `  ${tally.removed} ${verb}`,
  ];
  if (tally.gone > 0)
    lines.push(
      `  ${tally.gone} no longer in the campaign: ${context.dryRun ? 'would be ' : ''}marked removed`,
    );
  if (tally.alreadyRemoved > 0) lines.push(`  ${tally.alreadyRemoved} removed by an earlier undo`);
  if (tally.neverCreated > 0)
    lines.push(
      `  ${tally.neverCreated} never created (a run stopped while adding them): forgotten by the ledger`,
    );
  if (tally.called.length > 0) {
    lines.push(
      `  ${tally.called.length} called already, kept (--include-called removes them): ${byStatus(tally.called)}`,
      ...listed(tally.called),
    );
  }
  if (tally.busy.length > 0) {
    lines.push(
      `  ${tally.busy.length} queued for a call or on one now, kept: undo again later: ${byStatus(tally.busy)}`,
      ...listed(tally.busy),
    );
  }
  if (outcome.kind === 'stopped') {
    lines.push(
      `Stopped part-way (${outcome.message}): what is removed is recorded; run the same undo again to remove the rest.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeRun(run: RunRecord): string {
  const input = run.inputPath ?? run.source ?? 'standard input';
  const when = run.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `run ${run.id} (${run.command} of ${input}, started ${when})`;
}

/** `Success 200, NeedRetry 100`, most first. */
function byStatus(leads: readonly KeptLead[]): string {
  const counts = new Map<string, number>();
  for (const lead of leads) counts.set(lead.status, (counts.get(lead.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
}

function listed(leads: readonly KeptLead[]): string[] {
  const lines = leads.slice(0, LISTED).map((lead) => `    ${lead.leadId}  ${lead.status}`);
  if (leads.length > LISTED) lines.push(`    … and ${leads.length - LISTED} more not listed`);
  return lines;
}
