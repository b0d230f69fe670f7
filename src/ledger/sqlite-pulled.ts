import type { SqliteNames } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import type { PulledLead, PullResult } from './types.js';

/**
 * `recordPulled` of the SQLite ledger, inside the caller's transaction: a new lead is added as `pulled`, a known
 * one gets its missing leadId, and a removed one is restored (the same lead) or replaced (another).
 */
export function recordSqlitePulled(
  sql: Statements,
  names: SqliteNames,
  outbound: string,
  leads: readonly PulledLead[],
): PullResult {
  const outboundId = names.id('outbound', outbound, true);
  let added = 0;
  let changed = 0;
  for (const { key, keyKind, phone, leadId } of leads) {
    const known = sql.get.get(outboundId, key);
    if (known === undefined) added += sql.addPulled.run(outboundId, key, keyKind, phone, leadId).changes;
    else if (known.state !== 'removed') changed += sql.fillLeadId.run(leadId, outboundId, key).changes;
    else if (known.lead_id === leadId) changed += sql.restoreRemoved.run(outboundId, key).changes;
    else changed += sql.replaceRemoved.run(leadId, outboundId, key).changes;
  }
  return { added, changed };
}
