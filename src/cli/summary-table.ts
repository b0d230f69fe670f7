import { ledgerLines, phoneColumnsLine, type ImportSummary } from '../pipeline/summary.js';
import { duration, number } from './progress.js';
import type { Style } from './style.js';

/**
 * The end of a run at a terminal: a small table of outcomes, each with what to do about it, then the results
 * path and what to run next: after a stop, the command that continues; when rows failed, the one that resends
 * them.
 */
export function formatSummaryTable(
  summary: ImportSummary,
  style: Style,
  next: { retry?: string | undefined; resume?: string | undefined } = {},
): string {
  const { counts } = summary;
  type Row = [label: string, count: number, colour: (text: string) => string, hint: string];
  const ledgerRows: Row[] = [
    ['updated', counts.updated, style.green, 'changed since an earlier run: sent with Update Lead'],
    ['unchanged', counts.unchanged, (text) => text, 'the same as an earlier run: not sent'],
  ];
  const rows: Row[] = [
    ['created', counts.created, style.green, ''],
    ...(summary.ledger === undefined ? [] : ledgerRows),
    ['invalid', counts.invalid, style.yellow, 'fix them in the results file, then retry'],
    ['failed', counts.failed, style.red, 'the API refused them or never answered'],
    ['skipped', counts.skipped, (text) => text, skippedHint(summary)],
  ];
  if (counts.unknown > 0) {
    rows.push(['unknown', counts.unknown, style.red, 'outcome unknown: --resume looks them up first']);
  }
  if (summary.alreadyDone > 0) {
    rows.push(['done before', summary.alreadyDone, (text) => text, 'done by an earlier run, not sent again']);
  }
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const countWidth = Math.max(...rows.map(([, count]) => number(count).length));
  const lines = [
    style.bold(
      `Imported ${number(summary.rows)} rows in ${duration(summary.durationMs)} (${number(summary.rowsPerSecond)} rows/s)`,
    ),
    '',
    ...rows.map(([label, count, colour, hint]) => {
      const cell = number(count).padStart(countWidth);
      const text = `  ${label.padEnd(labelWidth)}  ${count > 0 ? colour(cell) : cell}`;
      return count > 0 && hint !== '' ? `${text}  ${style.dim(hint)}` : text;
    }),
    '',
  ];
  const phones = phoneColumnsLine(summary, number);
  if (phones !== undefined) lines.push(phones);
  lines.push(...ledgerLines(summary));
  if (summary.stopped) {
    // A canary's stop is what was asked for, not a failure.
    const colour = summary.stopped.code === 'CANARY' ? style.bold : style.red;
    lines.push(colour(`Stopped: ${summary.stopped.message}`));
  }
  lines.push(`Results: ${summary.resultsPath}`);
  if (next.resume !== undefined) lines.push(`Continue with: ${style.bold(next.resume)}`);
  if (next.retry !== undefined) {
    lines.push(
      counts.failed + counts.unknown > 0
        ? `Retry the failed rows with: ${style.bold(next.retry)}`
        : `Fix the invalid rows in the results file, then send them with: ${style.bold(next.retry)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Why rows were skipped: marked do not call, or a repeat of an earlier row's phone or externalId (with a ledger,
 * also a lead changed under --on-change skip).
 */
function skippedHint(summary: ImportSummary): string {
  const marked = summary.doNotCall;
  const others = summary.counts.skipped - marked;
  const repeat =
    summary.ledger === undefined
      ? 'repeat an earlier phone or externalId'
      : 'repeat an earlier phone or externalId, or changed (--on-change skip)';
  if (others === 0) return 'marked do not call: never sent';
  if (marked === 0) return repeat;
  return `${number(marked)} marked do not call, ${number(others)} ${repeat}`;
}
