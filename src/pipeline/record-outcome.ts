import type { RowStatus } from '../types.js';
import type { SendOutcome } from '../upload/send-lead.js';
import { budgetSpent, type ErrorBudget } from './error-budget.js';
import type { RunTally } from './run-tally.js';
import type { StopCode } from './summary.js';

export interface OutcomeContext {
  readonly tally: RunTally;
  readonly budget: ErrorBudget;
  readonly outbound: string;
  readonly stopRun: (code: StopCode, message: string) => void;
}

/** What one row came to: an Add Lead's outcome, or, with a ledger, an update, a lead left unchanged or skipped. */
export type RowResult =
  | SendOutcome
  | {
      status: 'updated' | 'unchanged' | 'skipped';
      leadId: string | undefined;
      attempts: number;
      note?: string;
    };

/** Writes the row's result line. */
export type WriteOutcome = (
  status: Exclude<RowStatus, 'sending'>,
  extra: { error?: string | undefined; leadId?: string | undefined; attempts?: number },
) => void;

/**
 * What one row's send came to: its result line, the run's counts, and whether the run must stop. A failed row
 * is data; only an answer about the whole run (credentials, outbound, the error budget) stops it.
 */
export function recordOutcome(
  outcome: RowResult,
  where: { readonly row: number; readonly line: number },
  write: WriteOutcome,
  context: OutcomeContext,
): void {
  const { tally, stopRun } = context;
  switch (outcome.status) {
    case 'updated':
    case 'unchanged':
    case 'skipped':
      tally.add(outcome.status);
      write(outcome.status, { leadId: outcome.leadId, error: outcome.note, attempts: outcome.attempts });
      return;
    case 'created':
      tally.add('created');
      write('created', { leadId: outcome.leadId, error: outcome.note, attempts: outcome.attempts });
      return;
    case 'failed': {
      tally.add('failed', { ...where, reason: outcome.error });
      write('failed', { error: outcome.error, attempts: outcome.attempts });
      if (outcome.fatal === 'credentials') {
        stopRun(
          'CREDENTIALS_REJECTED',
          `NLPearl rejected the credentials mid-run (${outcome.error}); fix the token and run again with --resume`,
        );
      } else if (outcome.fatal === 'outbound') {
        stopRun(
          'OUTBOUND_NOT_FOUND',
          `NLPearl answered that outbound "${context.outbound}" does not exist (${outcome.error}); check --outbound, then run again with --resume`,
        );
      } else {
        const spent = budgetSpent(context.budget, tally.counts.failed, tally.sent);
        if (spent !== undefined)
          stopRun('ERROR_BUDGET', `error budget spent: ${spent}; run again with --resume`);
      }
      return;
    }
    case 'unknown':
      // The row's "sending" line stays its latest: --resume looks it up before sending it again.
      tally.add('unknown');
      return;
    case 'not-sent':
      // The run stopped before the row's first request: it has no outcome, and --resume sends it.
      return;
  }
}
