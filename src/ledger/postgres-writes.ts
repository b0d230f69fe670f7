import type pg from 'pg';
import type { LeadInRun } from './types.js';
import { writeRowGroups, type IdOf } from './postgres-row-sql.js';
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
  readonly #names = { outbounds: new Map<number, string>(), sources: new Map<number, string>() };

  cached(table: NameTable, name: string): number | undefined {
    return this.#ids[table].get(name);
  }

  cachedName(table: NameTable, id: number): string | undefined {
    return this.#names[table].get(id);
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
    for (const [name, id] of ids) {
      this.#ids[table].set(name, id);
      this.#names[table].set(id, name);
    }
  }
}

/** A statement's worth of row writes (groups of one kind each), or another write. */
type Part = { kind: 'rows'; groups: RowWrite[][] } | { kind: 'tx'; write: TxWrite };

/**
 * Writes one batch. Row writes of distinct keys commute, so a batch of nothing else is one statement whatever
 * its order (postgres-row-sql.ts); over names already known, it needs no transaction of its own. Otherwise the
 * batch keeps its order in one transaction: consecutive row writes of one kind make one statement (a key twice
 * starts another), every other write runs in a savepoint. A failed savepoint fails its write alone; anything
 * else rolls the whole batch back, and is thrown.
 */
export async function commitWrites(
  client: pg.ClientBase,
  writes: readonly PgWrite[],
  names: PgNames,
  asLedgerError: (error: unknown) => Error,
): Promise<Settled<unknown>[]> {
  const rows = writes.filter((write): write is RowWrite => write.kind !== 'tx');
  const distinct = new Set(rows.map(rowKey)).size === rows.length;
  const parts: Part[] =
    rows.length === writes.length && distinct ? [{ kind: 'rows', groups: byKind(rows) }] : partsOf(writes);
  // A cancel needs no outbound of its own: one the ledger never knew has nothing to forget.
  const outboundNames = rows.flatMap((write) => (write.kind === 'cancel' ? [] : [write.lead.outbound]));
  const cancelNames = rows.flatMap((write) => (write.kind === 'cancel' ? [write.outbound] : []));
  const sourceNames = rows.flatMap((write) => (write.kind === 'cancel' ? [] : [write.lead.source]));
  const cached: IdOf = (table, name) => names.cached(table, name) ?? null;
  const known = (table: NameTable, list: string[]) => list.every((name) => cached(table, name) !== null);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'rows' && known('outbounds', [...outboundNames, ...cancelNames])) {
    if (known('sources', sourceNames)) {
      await writeRowGroups(client, only.groups, cached);
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
        const idOf: IdOf = (table, name) =>
          (table === 'outbounds' ? outbounds : sources).get(name) ?? cached(table, name);
        await writeRowGroups(client, part.groups, idOf);
        for (const group of part.groups) for (const _ of group) outcomes.push({ ok: true, value: undefined });
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

function rowKey(write: RowWrite): string {
  return write.kind === 'cancel'
    ? `${write.outbound}\u0000${write.key}`
    : `${write.lead.outbound}\u0000${write.lead.key}`;
}

function byKind(rows: readonly RowWrite[]): RowWrite[][] {
  const groups = new Map<RowWrite['kind'], RowWrite[]>();
  for (const write of rows) {
    const group = groups.get(write.kind);
    if (group === undefined) groups.set(write.kind, [write]);
    else group.push(write);
  }
  return [...groups.values()];
}

/** The batch in its order: consecutive row writes of one kind and distinct keys share a statement. */
function partsOf(writes: readonly PgWrite[]): Part[] {
  const parts: Part[] = [];
  let keys = new Set<string>();
  for (const write of writes) {
    if (write.kind === 'tx') {
      parts.push({ kind: 'tx', write });
      continue;
    }
    const last = parts.at(-1);
    const group = last?.kind === 'rows' ? last.groups[0] : undefined;
    const key = rowKey(write);
    if (group !== undefined && group[0]?.kind === write.kind && !keys.has(key)) group.push(write);
    else {
      parts.push({ kind: 'rows', groups: [[write]] });
      keys = new Set();
    }
    keys.add(key);
  }
  return parts;
}
