import type pg from 'pg';
import type { NameTable, RowWrite } from './postgres-writes.js';

type Kind = RowWrite['kind'];
/** The id of a name: null for an outbound the ledger never knew (whose cancel has nothing to forget). */
export type IdOf = (table: NameTable, name: string) => number | null;

const COLUMNS = `outbound_id, key, key_kind, phone, lead_id, body_hash, state, source_id, created_run, first_run, last_run`;
/** Every write of a row seen in a run: who it is, which source fed it last, and when. */
const SEEN = `key_kind = excluded.key_kind, phone = excluded.phone, source_id = excluded.source_id,
  first_run = coalesce(e.first_run, excluded.first_run), last_run = excluded.last_run`;

/**
 * The statement of one kind of row write, for any number of rows: eight arrays, one element a row, bound from
 * parameter $(n+1) on.
 */
function rowStatement(kind: Kind, n: number): string {
  const $ = (index: number) => `$${n + index}`;
  const rows = `unnest(${$(1)}::int[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::int[],
    ${$(6)}::int[], ${$(7)}::text[], ${$(8)}::text[]) AS t(o, k, kk, p, s, r, l, h)`;
  // `= ANY` of the arrays themselves is what the primary key serves whatever the planner's statistics say (a
  // new ledger's table has none yet); the join with the unnested rows alone is not.
  const sameRow = `e.outbound_id = t.o AND e.key = t.k COLLATE "C"
    AND e.outbound_id = ANY(${$(1)}::int[]) AND e.key = ANY(${$(2)}::text[])`;
  const upsert = (values: string, set: string) =>
    `INSERT INTO entries AS e (${COLUMNS}) SELECT ${values} FROM ${rows}
     ON CONFLICT (outbound_id, key) DO UPDATE SET ${set}, ${SEEN}`;
  switch (kind) {
    case 'sending':
      return upsert(
        `o, k, kk, p, NULL, NULL, 'sending', s, r, r, r`,
        // As in SQLite: the run that first set out to add the lead keeps it, unless it was removed since.
        `state = 'sending', lead_id = NULL, body_hash = NULL,
         created_run = CASE WHEN e.state = 'removed' THEN excluded.created_run
                            ELSE coalesce(e.created_run, excluded.created_run) END`,
      );
    case 'created':
      return upsert(
        `o, k, kk, p, l, h, 'created', s, r, r, r`,
        `state = 'created', lead_id = excluded.lead_id, body_hash = excluded.body_hash,
         created_run = coalesce(e.created_run, excluded.created_run)`,
      );
    case 'updated':
      return upsert(
        `o, k, kk, p, l, h, 'updated', s, NULL, r, r`,
        `state = 'updated', lead_id = coalesce(excluded.lead_id, e.lead_id), body_hash = excluded.body_hash`,
      );
    case 'seen':
      return `UPDATE entries e SET source_id = t.s, first_run = coalesce(e.first_run, t.r), last_run = t.r
        FROM ${rows} WHERE ${sameRow}`;
    case 'cancel':
      return `DELETE FROM entries e USING ${rows} WHERE ${sameRow} AND e.state = 'sending'`;
  }
}

/** The eight arrays of a group's rows; undefined when none is left to write. */
function columnsOf(writes: readonly RowWrite[], idOf: IdOf): unknown[][] | undefined {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const write of writes) {
    const lead = write.kind === 'cancel' ? undefined : write.lead;
    const outboundId = idOf('outbounds', lead?.outbound ?? (write.kind === 'cancel' ? write.outbound : ''));
    if (outboundId === null) continue;
    const [leadId, bodyHash] =
      write.kind === 'created' || write.kind === 'updated' ? [write.leadId, write.bodyHash] : [null, null];
    const values = [
      outboundId,
      lead?.key ?? (write.kind === 'cancel' ? write.key : null),
      lead?.keyKind ?? null,
      lead?.phone ?? null,
      lead === undefined ? null : idOf('sources', lead.source),
      lead?.runId ?? null,
      leadId,
      bodyHash,
    ];
    values.forEach((value, index) => columns[index]?.push(value));
  }
  return columns[0]?.length === 0 ? undefined : columns;
}

/**
 * Writes groups of row writes, each of one kind, in one statement: a group alone as it is, several as the
 * data-modifying parts of one WITH, so that a batch of the pipeline's rows (some `sending`, some `created`) is
 * one round trip. The parts of one statement see the same snapshot and must not touch one row twice: the caller
 * gives them distinct keys. Not a prepared statement: a plan made for the arrays at hand serves best, while the
 * table grows from nothing.
 */
export async function writeRowGroups(
  client: pg.ClientBase,
  groups: readonly (readonly RowWrite[])[],
  idOf: IdOf,
): Promise<void> {
  const kinds: Kind[] = [];
  const values: unknown[] = [];
  for (const group of groups) {
    const kind = group[0]?.kind;
    const columns = kind === undefined ? undefined : columnsOf(group, idOf);
    if (kind === undefined || columns === undefined) continue;
    kinds.push(kind);
    values.push(...columns);
  }
  if (kinds.length === 0) return;
  const statements = kinds.map((kind, index) => rowStatement(kind, index * 8));
  const text =
    statements.length === 1
      ? statements[0]!
      : `WITH ${statements.map((statement, index) => `w${index} AS (${statement})`).join(', ')} SELECT 1`;
  await client.query(text, values);
}
