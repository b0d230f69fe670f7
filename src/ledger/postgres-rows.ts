import type { EntryState, HeldLock, KeyKind, LedgerEntry, RunCommand, RunRecord } from './types.js';

/** An entry with its outbound and source by name, as every read of entries selects it. */
export interface PgEntryRow {
  outbound_id: number;
  outbound: string;
  key: string;
  key_kind: KeyKind;
  phone: string;
  lead_id: string | null;
  body_hash: string | null;
  state: EntryState;
  source: string | null;
  created_run: number | null;
  first_run: number | null;
  last_run: number | null;
}

export const ENTRY_COLUMNS = `e.outbound_id, o.name AS outbound, e.key, e.key_kind, e.phone, e.lead_id,
  e.body_hash, e.state, s.name AS source, e.created_run, e.first_run, e.last_run`;
export const ENTRIES = `entries e JOIN outbounds o ON o.id = e.outbound_id LEFT JOIN sources s ON s.id = e.source_id`;

export interface PgRunRow {
  id: number;
  command: RunCommand;
  outbound: string;
  source: string | null;
  input_path: string | null;
  /** bigint: pg gives it as text, so that no value loses digits. */
  input_size: string | null;
  results_path: string | null;
  started_at: Date;
  ended_at: Date | null;
  counts: Record<string, number> | null;
  exit_status: number | null;
}

export interface PgLockRow {
  outbound: string;
  token: string;
  pid: number;
  host: string;
  started_at: Date;
  heartbeat_at: Date;
}

export function entryOf(row: PgEntryRow): LedgerEntry {
  return {
    outbound: row.outbound,
    key: row.key,
    keyKind: row.key_kind,
    phone: row.phone,
    leadId: row.lead_id ?? undefined,
    bodyHash: row.body_hash ?? undefined,
    state: row.state,
    source: row.source ?? undefined,
    createdRun: row.created_run ?? undefined,
    firstRun: row.first_run ?? undefined,
    lastRun: row.last_run ?? undefined,
  };
}

export function runOf(row: PgRunRow): RunRecord {
  return {
    id: row.id,
    command: row.command,
    outbound: row.outbound,
    source: row.source ?? undefined,
    inputPath: row.input_path ?? undefined,
    inputSize: row.input_size === null ? undefined : Number(row.input_size),
    resultsPath: row.results_path ?? undefined,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    counts: row.counts ?? undefined,
    exitStatus: row.exit_status ?? undefined,
  };
}

export function heldLockOf(row: PgLockRow): HeldLock {
  return {
    outbound: row.outbound,
    pid: row.pid,
    host: row.host,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
  };
}
