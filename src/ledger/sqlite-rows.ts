import { entryRecord, runRecordOf } from './row-records.js';
import type { EntryRow, LeadParams, RunRow, Statements } from './sqlite-statements.js';
import type { LeadInRun, LedgerEntry, RunRecord } from './types.js';

type Table = 'outbound' | 'source';

/**
 * Outbound and source names ↔ their ids in `outbounds` and `sources`, cached: an entry holds small ids, not
 * the names again. Rows there are never deleted, so a cached id stays true, except for one added by a batch
 * that then rolled back: `clear()` then.
 */
export class SqliteNames {
  readonly #sql: Statements;
  readonly #ids = { outbound: new Map<string, number>(), source: new Map<string, number>() };
  readonly #names = { outbound: new Map<number, string>(), source: new Map<number, string>() };

  constructor(sql: Statements) {
    this.#sql = sql;
  }

  /** The name's id, added when `create` (inside a write), else undefined if the name is not there. */
  id(table: Table, name: string, create: true): number;
  id(table: Table, name: string, create: false): number | undefined;
  id(table: Table, name: string, create: boolean): number | undefined {
    const cached = this.#ids[table].get(name);
    if (cached !== undefined) return cached;
    const sql = this.#sql;
    const [find, add] =
      table === 'outbound' ? [sql.outboundId, sql.addOutbound] : [sql.sourceId, sql.addSource];
    if (create) add.run(name);
    const id = find.get(name)?.id;
    if (id !== undefined) {
      this.#ids[table].set(name, id);
      this.#names[table].set(id, name);
    }
    return id;
  }

  name(table: Table, id: number): string {
    const cached = this.#names[table].get(id);
    if (cached !== undefined) return cached;
    const name =
      (table === 'outbound' ? this.#sql.outboundName : this.#sql.sourceName).get(id)?.name ?? `#${id}`;
    this.#names[table].set(id, name);
    return name;
  }

  clear(): void {
    for (const map of [this.#ids.outbound, this.#ids.source, this.#names.outbound, this.#names.source])
      map.clear();
  }

  entry(row: EntryRow, outbound = this.name('outbound', row.outbound_id)): LedgerEntry {
    return entryRecord(row, outbound, row.source_id === null ? null : this.name('source', row.source_id));
  }

  /** What a write of `lead`'s row binds, its names as ids. Inside a write: adds the names when new. */
  leadParams(lead: LeadInRun, leadId: string | null, bodyHash: string | null): LeadParams {
    const { key, keyKind, phone, runId } = lead;
    return {
      outboundId: this.id('outbound', lead.outbound, true),
      key,
      keyKind,
      phone,
      sourceId: this.id('source', lead.source, true),
      runId,
      leadId,
      bodyHash,
    };
  }
}

export function runRecord(row: RunRow): RunRecord {
  return runRecordOf(row, {
    inputSize: row.input_size ?? undefined,
    startedAt: new Date(row.started_at),
    endedAt: row.ended_at === null ? undefined : new Date(row.ended_at),
    counts: row.counts === null ? undefined : (JSON.parse(row.counts) as Record<string, number>),
  });
}
