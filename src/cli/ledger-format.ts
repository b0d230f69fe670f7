import {
  ENTRY_STATES,
  type EntryState,
  type HeldLock,
  type LedgerDescription,
  type RunRecord,
} from '../ledger/types.js';

/*
 * `ledger show` and `ledger runs` as a person reads them: small tables with aligned columns, times in UTC as
 * the ledger stores them, and `-` for what is not known (a run still going, or one that crashed).
 */

const NONE = '-';

export function formatDescription(description: LedgerDescription): string {
  const lines = [`Ledger: ${description.location} (schema ${description.schemaVersion})`, ''];
  if (description.outbounds.length === 0) lines.push('Outbounds: none');
  else {
    // Only the states some outbound has a lead in: seven columns of zeros would hide what matters.
    const states = ENTRY_STATES.filter((state) =>
      description.outbounds.some(({ counts }) => counts[state] > 0),
    );
    lines.push(
      'Outbounds, leads by state:',
      ...table(
        ['outbound', ...states, 'total'],
        description.outbounds.map(({ outbound, counts }) => [
          outbound,
          ...states.map((state) => String(counts[state])),
          String(total(counts)),
        ]),
        (column) => column > 0,
      ),
    );
  }
  lines.push('');
  if (description.recentRuns.length === 0) lines.push('Recent runs: none');
  else
    lines.push('Recent runs, newest first (ledger runs lists more):', ...runsTable(description.recentRuns));
  lines.push('');
  if (description.locks.length === 0) lines.push('Locks: none');
  else lines.push('Locks (a run holding an outbound):', ...locksTable(description.locks));
  return `${lines.join('\n')}\n`;
}

export function formatRuns(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'No runs.\n';
  return `${runsTable(runs).join('\n')}\n`;
}

function runsTable(runs: readonly RunRecord[]): string[] {
  return table(
    ['run', 'command', 'started', 'ended', 'exit', 'outbound', 'counts', 'input'],
    runs.map((run) => [
      String(run.id),
      run.command,
      time(run.startedAt),
      run.endedAt === undefined ? NONE : time(run.endedAt),
      run.exitStatus === undefined ? NONE : String(run.exitStatus),
      run.outbound,
      countsText(run.counts),
      run.inputPath ?? run.source ?? NONE,
    ]),
    (column) => column === 0 || column === 4,
  );
}

function locksTable(locks: readonly HeldLock[]): string[] {
  return table(
    ['outbound', 'pid', 'host', 'since', 'heartbeat'],
    locks.map((lock) => [
      lock.outbound,
      String(lock.pid),
      lock.host,
      time(lock.startedAt),
      time(lock.heartbeatAt),
    ]),
    (column) => column === 1,
  );
}

/** Rows under a header, each column as wide as its widest cell; numbers right-aligned. */
function table(
  header: readonly string[],
  rows: readonly string[][],
  right: (column: number) => boolean,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `  ${cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return right(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}

/** `created 3, unchanged 120`: the counts that are not zero, as the run recorded them. */
function countsText(counts: Readonly<Record<string, number>> | undefined): string {
  if (counts === undefined) return NONE;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status} ${n}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/** ISO 8601 in UTC to the second: `2025-01-31T22:04:05Z`. */
function time(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function total(counts: Readonly<Record<EntryState, number>>): number {
  return ENTRY_STATES.reduce((sum, state) => sum + counts[state], 0);
}
