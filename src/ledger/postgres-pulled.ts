import type { Tx } from './postgres-writes.js';
import type { PulledLead, PullResult } from './types.js';

/**
 * `recordPulled` of the PostgreSQL ledger, in the caller's transaction: a page of leads in four statements
 * (the new ones added as `pulled`, then a missing leadId filled, a removed lead restored or replaced), not
 * two round trips for each lead as a loop would.
 */
export async function recordPgPulled(
  tx: Tx,
  outbound: string,
  leads: readonly PulledLead[],
): Promise<PullResult> {
  const outboundId = await tx.id('outbounds', outbound);
  const values = [
    outboundId,
    ...(['key', 'keyKind', 'phone', 'leadId'] as const).map((f) => leads.map((l) => l[f])),
  ];
  // The first of a key's leads in the page counts, as when they are recorded one by one.
  const page = `(SELECT DISTINCT ON (key) key, key_kind, phone, lead_id
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(key, key_kind, phone, lead_id, i)
    ORDER BY key, i) AS p`;
  // `= ANY` too: the index serves it whatever the planner's statistics say (see postgres-writes.ts).
  const known = `e.outbound_id = $1 AND e.key = p.key COLLATE "C" AND e.key = ANY($2::text[])`;
  const added = await tx.query(
    `INSERT INTO entries (outbound_id, key, key_kind, phone, lead_id, state)
     SELECT $1, key, key_kind, phone, lead_id, 'pulled' FROM ${page} ON CONFLICT DO NOTHING`,
    values,
  );
  let changed = 0;
  for (const change of [
    `lead_id = p.lead_id FROM ${page} WHERE ${known} AND e.state <> 'removed' AND e.lead_id IS NULL`,
    `state = 'created' FROM ${page} WHERE ${known} AND e.state = 'removed' AND e.lead_id = p.lead_id`,
    `state = 'pulled', lead_id = p.lead_id, body_hash = NULL, created_run = NULL FROM ${page}
     WHERE ${known} AND e.state = 'removed' AND e.lead_id IS DISTINCT FROM p.lead_id`,
  ])
    changed += (await tx.query(`UPDATE entries e SET ${change}`, values)).rowCount ?? 0;
  return { added: added.rowCount ?? 0, changed };
}
