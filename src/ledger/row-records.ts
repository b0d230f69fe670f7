import {
  ENTRY_STATES,
  type EntryState,
  type KeyKind,
  type LedgerEntry,
  type RunCommand,
  type RunRecord,
  type StateCounts,
} from './types.js';

/**
 * Rows of `entries` and `runs` as records, for both backends: a column added to a table is read into the record
 * here, once. What each backend stores its own way (names by id or by name, times as text or as timestamps)
 * it decodes itself and passes in.
 */

/** The columns of an `entries` row that both backends store alike. */
export interface EntryColumns {
  key: string;
  key_kind: KeyKind;
  phone: string;
  lead_id: string | null;
  body_hash: string | null;
  state: EntryState;
  created_run: number | null;
  first_run: number | null;
  last_run: number | null;
}

/** The columns of a `runs` row that both backends store alike. */
export interface RunColumns {
  id: number;
  command: RunCommand;
  outbound: string;
  source: string | null;
  input_path: string | null;
  results_path: string | null;
  exit_status: number | null;
}

/** What of a run each backend decodes from its own types. */
export type DecodedRunColumns = Pick<RunRecord, 'inputSize' | 'startedAt' | 'endedAt' | 'counts'>;

export function entryRecord(row: EntryColumns, outbound: string, source: string | null): LedgerEntry {
  return {
    outbound,
    key: row.key,
    keyKind: row.key_kind,
    phone: row.phone,
    leadId: row.lead_id ?? undefined,
    bodyHash: row.body_hash ?? undefined,
    state: row.state,
    source: source ?? undefined,
    createdRun: row.created_run ?? undefined,
    firstRun: row.first_run ?? undefined,
    lastRun: row.last_run ?? undefined,
  };
}

export function runRecordOf(row: RunColumns, decoded: DecodedRunColumns): RunRecord {
  return {
    id: row.id,
    command: row.command,
    outbound: row.outbound,
    source: row.source ?? undefined,
    inputPath: row.input_path ?? undefined,
    inputSize: decoded.inputSize,
    resultsPath: row.results_path ?? undefined,
    startedAt: decoded.startedAt,
    endedAt: decoded.endedAt,
    counts: decoded.counts,
    exitStatus: row.exit_status ?? undefined,
  };
}

/** Every state, 0 where there is no row. */
export function countsOf(rows: readonly { state: EntryState; n: number }[]): StateCounts {
  const counts = Object.fromEntries(ENTRY_STATES.map((state) => [state, 0])) as Record<EntryState, number>;
  for (const row of rows) counts[row.state] += row.n;
  return counts;
}
