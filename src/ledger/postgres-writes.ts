import type pg from 'pg';
import type { LeadInRun } from './types.js';
import type { Settled } from './write-batch.js';

/** A per-row write of the pipeline: the hot path, written many rows to one statement. */
export type RowWrite =
  | { readonly kind: 'sending'; readonly lead: LeadInRun }
  | {
      readonly kind: 'created' | 'updated';
      readonly lead: LeadInRun;
      readonly leadId: string | null;
      readonly bodyHash: string;
    }
  | { readonly kind: 'seen'; readonly lead: LeadInRun }
  | { readonly kind: 'cancel'; readonly outbound: string; readonly key: string };

/** What a write of several statements runs its queries with, inside the batch's transaction. */
export interface Tx {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** The id of an outbound or source name, added when missing. */
  id(table: NameTable, name: string): Promise<number>;
}

/** Any other write (a run, a change of states, a pull): its own savepoint, so that it fails alone. */
export interface TxWrite {
  readonly kind: 'tx';
  readonly run: (tx: Tx) => Promise<unknown>;
}

export type PgWrite = RowWrite | TxWrite;
export type NameTable = 'outbounds' | 'sources';

/**
 * Outbound and source names → their ids, cached. Rows of `outbounds` and `sources` are never deleted, so a
 * cached id stays true; ids added by a transaction are cached only once it has committed.
 */
export class PgNames {
  readonly #ids = { outbounds: new Map<string, number>(), sources: new Map<string, number>() };

  cached(table: NameTable, name: string): number | undefined {
    return this.#ids[table].get(name);
  }

  /**
   * The id of every name, those not cached read (and added when missing, if `create`) in the caller's
   * transaction; none is cached yet.
   */
  async resolve(
    client: pg.ClientBase,
    table: NameTable,
    names: readonly string[],
    create = true,
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const missing = [...new Set(names)].filter((name) => {
      const id = this.cached(table, name);
      if (id !== undefined) found.set(name, id);
      return id === undefined;
    });
    if (missing.length === 0) return found;
    if (create)
      await client.query(
        `INSERT INTO ${table} (name) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (name) DO NOTHING`,
        [missing],
      );
    const rows = await client.query<{ id: number; name: string }>(
      `SELECT id, name FROM ${table} WHERE name = ANY($1::text[])`,
      [missing],
    );
    for (const { id, name } of rows.rows) found.set(name, id);
    return found;
  }

  remember(table: NameTable, ids: ReadonlyMap<string, number>): void {
    for (const [name, id] of ids) this.#ids[table].set(name, id);
  }
}

const COLUMNS = `outbound_id, key, key_kind, phone, lead_id, body_hash, state, source_id, created_run, first_run, last_run`;
const ROWS = `unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[])
  AS t(o, k, kk, p, s, r, l, h)`;
/** Every write of a row seen in a run: who it is, which source fed it last, and when. */
const SEEN = `key_kind = excluded.key_kind, phone = excluded.phone, source_id = excluded.source_id,
  first_run = coalesce(e.first_run, excluded.first_run), last_run = excluded.last_run`;
const UPSERT = `INSERT INTO entries AS e (${COLUMNS}) SELECT`;
const ON_KEY = `FROM ${ROWS} ON CONFLICT (outbound_id, key) DO UPDATE SET`;

/** The statement of each kind of row write, for any number of rows (as arrays, one element a row). */
const ROW_SQL = {
  sending: `${UPSERT} o, k, kk, p, NULL, NULL, 'sending', s, r, r, r ${ON_KEY} state = 'sending',
    lead_id = NULL, body_hash = NULL, created_run = excluded.created_run, ${SEEN}`,
  created: `${UPSERT} o, k, kk, p, l, h, 'created', s, r, r, r ${ON_KEY} state = 'created',
    lead_id = excluded.lead_id, body_hash = excluded.body_hash,
    created_run = coalesce(e.created_run, excluded.created_run), ${SEEN}`,
  updated: `${UPSERT} o, k, kk, p, l, h, 'updated', s, NULL, r, r ${ON_KEY} state = 'updated',
    lead_id = coalesce(excluded.lead_id, e.lead_id), body_hash = excluded.body_hash, ${SEEN}`,
  seen: `UPDATE entries e SET source_id = t.s, first_run = coalesce(e.first_run, t.r), last_run = t.r
    FROM ${ROWS} WHERE e.outbound_id = t.o AND e.key = t.k`,
  cancel: `DELETE FROM entries e USING ${ROWS}
    WHERE e.outbound_id = t.o AND e.key = t.k AND e.state = 'sending'`,
} as const;

type Part = { kind: 'rows'; writes: RowWrite[] } | { kind: 'tx'; write: TxWrite };

/**
 * Writes one batch: consecutive row writes of one kind become one statement (a key twice starts another, as
 * one statement may not change a row twice), every other write runs in a savepoint. A batch that is one
 * statement over known names needs no transaction of its own. A failed savepoint fails its write alone;
 * anything else rolls the whole batch back, and is thrown.
 */
export async function commitWrites(
  client: pg.ClientBase,
  writes: readonly PgWrite[],
  names: PgNames,
  asLedgerError: (error: unknown) => Error,
): Promise<Settled<unknown>[]> {
  const parts = partsOf(writes);
  const rows = writes.filter((write): write is RowWrite => write.kind !== 'tx');
  // A cancel needs no outbound of its own: one the ledger never knew has nothing to forget.
  const outboundNames = rows.flatMap((write) => (write.kind === 'cancel' ? [] : [write.lead.outbound]));
  const cancelNames = rows.flatMap((write) => (write.kind === 'cancel' ? [write.outbound] : []));
  const sourceNames = rows.flatMap((write) => (write.kind === 'cancel' ? [] : [write.lead.source]));
  const known = (table: NameTable, list: string[]) => list.every((name) => names.cached(table, name));
  const allKnown = [...outboundNames, ...cancelNames];
  if (parts.length === 1 && parts[0]?.kind === 'rows' && known('outbounds', allKnown)) {
    if (known('sources', sourceNames)) {
      await writeRows(client, parts[0].writes, names, new Map(), new Map());
      return writes.map(() => ({ ok: true, value: undefined }));
    }
  }

  const added = { outbounds: new Map<string, number>(), sources: new Map<string, number>() };
  await client.query('BEGIN');
  try {
    const outbounds = await names.resolve(client, 'outbounds', outboundNames);
    for (const [name, id] of await names.resolve(client, 'outbounds', cancelNames, false))
      outbounds.set(name, id);
    const sources = await names.resolve(client, 'sources', sourceNames);
    const outcomes: Settled<unknown>[] = [];
    for (const part of parts) {
      if (part.kind === 'rows') {
        await writeRows(client, part.writes, names, outbounds, sources);
        for (const _ of part.writes) outcomes.push({ ok: true, value: undefined });
        continue;
      }
      // A write alone in its batch needs no savepoint: the transaction is its own.
      const alone = writes.length === 1;
      if (!alone) await client.query('SAVEPOINT one_write');
      const own = { outbounds: new Map<string, number>(), sources: new Map<string, number>() };
      const tx: Tx = {
        query: (text, values) => client.query(text, values),
        id: async (table, name) => {
          const ids = await names.resolve(client, table, [name]);
          for (const [key, id] of ids) own[table].set(key, id);
          const id = ids.get(name);
          if (id === undefined) throw new Error(`the ledger has no id for ${name} in ${table}`);
          return id;
        },
      };
      try {
        const value = await part.write.run(tx);
        if (!alone) await client.query('RELEASE SAVEPOINT one_write');
        for (const table of ['outbounds', 'sources'] as const)
          for (const [name, id] of own[table]) added[table].set(name, id);
        outcomes.push({ ok: true, value });
      } catch (error) {
        // The ids it added went with it.
        await client.query(alone ? 'ROLLBACK' : 'ROLLBACK TO SAVEPOINT one_write');
        if (alone) return [{ ok: false, error: asLedgerError(error) }];
        outcomes.push({ ok: false, error: asLedgerError(error) });
      }
    }
    await client.query('COMMIT');
    names.remember('outbounds', outbounds);
    names.remember('sources', sources);
    names.remember('outbounds', added.outbounds);
    names.remember('sources', added.sources);
    return outcomes;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function outboundOf(write: RowWrite): string {
  return write.kind === 'cancel' ? write.outbound : write.lead.outbound;
}

function keyOf(write: RowWrite): string {
  return write.kind === 'cancel' ? write.key : write.lead.key;
}

function partsOf(writes: readonly PgWrite[]): Part[] {
  const parts: Part[] = [];
  let keys = new Set<string>();
  for (const write of writes) {
    if (write.kind === 'tx') {
      parts.push({ kind: 'tx', write });
      continue;
    }
    const last = parts.at(-1);
    const key = `${outboundOf(write)}\u0000${keyOf(write)}`;
    if (last?.kind === 'rows' && last.writes[0]?.kind === write.kind && !keys.has(key)) {
      last.writes.push(write);
    } else {
      parts.push({ kind: 'rows', writes: [write] });
      keys = new Set();
    }
    keys.add(key);
  }
  return parts;
}

async function writeRows(
  client: pg.ClientBase,
  writes: readonly RowWrite[],
  names: PgNames,
  outbounds: ReadonlyMap<string, number>,
  sources: ReadonlyMap<string, number>,
): Promise<void> {
  const idOf = (table: NameTable, ids: ReadonlyMap<string, number>, name: string) =>
    ids.get(name) ?? names.cached(table, name) ?? null;
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const write of writes) {
    const outboundId = idOf('outbounds', outbounds, outboundOf(write));
    // A cancel of an outbound this ledger never knew has nothing to forget.
    if (outboundId === null) continue;
    const lead = write.kind === 'cancel' ? undefined : write.lead;
    const [leadId, bodyHash] =
      write.kind === 'created' || write.kind === 'updated' ? [write.leadId, write.bodyHash] : [null, null];
    const values = [
      outboundId,
      keyOf(write),
      lead?.keyKind ?? null,
      lead?.phone ?? null,
      lead === undefined ? null : idOf('sources', sources, lead.source),
      lead?.runId ?? null,
      leadId,
      bodyHash,
    ];
    values.forEach((value, index) => columns[index]?.push(value));
  }
  const kind = writes[0]?.kind;
  if (kind === undefined || columns[0]?.length === 0) return;
  await client.query(ROW_SQL[kind], columns);
}
