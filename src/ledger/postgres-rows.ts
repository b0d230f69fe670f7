import { entryRecord, runRecordOf, type EntryColumns, type RunColumns } from './row-records.js';
import type { HeldLock, LedgerEntry, RunRecord } from './types.js';

/** An entry with its outbound and source by name, as every read of entries selects it. */
export interface PgEntryRow extends EntryColumns {
  outbound_id: number;
  outbound: string;
  source: string | null;
}

export const ENTRY_COLUMNS = `e.outbound_id, o.name AS outbound, e.key, e.key_kind, e.phone, e.lead_id,
  e.body_hash, e.state, s.name AS source, e.created_run, e.first_run, e.last_run`;
export const ENTRIES = `entries e JOIN outbounds o ON o.id = e.outbound_id LEFT JOIN sources s ON s.id = e.source_id`;

export interface PgRunRow extends RunColumns {
  /** bigint: pg gives it as text, so that no value loses digits. */
  input_size: string | null;
  started_at: Date;
  ended_at: Date | null;
  counts: Record<string, number> | null;
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
  return entryRecord(row, row.outbound, row.source);
}

export function runOf(row: PgRunRow): RunRecord {
  return runRecordOf(row, {
    inputSize: row.input_size === null ? undefined : Number(row.input_size),
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    counts: row.counts ?? undefined,
  });
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
