import type { SearchQuery } from './lead-bodies.js';
import { toLeadView } from './lead-view.js';
import type { LeadView } from './lead-view.js';
import type { SandboxLead } from './leads-store.js';

/** Search Leads' answer: `count` is every lead that matches, `results` one page of them. */
export interface SearchPage {
  count: number;
  results: LeadView[];
}

type SortKey = (lead: SandboxLead) => string | number;

/** Sort properties other than `created`, by lower-cased name. `created` needs no sort: see below. */
const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  phonenumber: (lead) => lead.phoneNumber,
  externalid: (lead) => lead.externalId ?? '',
  status: (lead) => lead.status,
};

/**
 * One page of an outbound's leads (`leads`, in creation order). The page holds at most `pageCap` leads whatever
 * `limit` asks, as a server may cap it without saying so: clients must page by what came back, up to `count`.
 * `searchInput` is a contains match, as a search box's: on the phone number's digits (given with or without
 * '+') and, ignoring case, on the externalId; clients must compare what comes back. Leads are in `created`
 * order by default (an unknown `sortProp` too), ties broken by creation order; descending is the mirror image.
 * O(leads of the outbound) with a filter or another sort; a plain page by `created` costs only the page.
 */
export function searchLeads(leads: readonly SandboxLead[], query: SearchQuery, pageCap: number): SearchPage {
  let matching = leads;
  const statuses =
    query.statuses === null || query.statuses.length === 0 ? undefined : new Set(query.statuses);
  if (statuses !== undefined) matching = matching.filter((lead) => statuses.has(lead.status));
  const needle = query.searchInput?.trim() ?? '';
  if (needle !== '') {
    const digits = /^\+?\d+$/.test(needle) ? needle.replace('+', '') : undefined;
    const lower = needle.toLowerCase();
    matching = matching.filter(
      (lead) =>
        (digits !== undefined && lead.phoneNumber.replace('+', '').includes(digits)) ||
        (lead.externalId?.toLowerCase().includes(lower) ?? false),
    );
  }
  const sortKey = SORT_KEYS[query.sortProp?.toLowerCase() ?? 'created'];
  // The store keeps leads in creation order, which is `created` order (it never lets `created` go back).
  const ordered = sortKey === undefined ? matching : sortedBy(matching, sortKey);
  const end = Math.min(ordered.length, query.skip + Math.min(query.limit, pageCap));
  const results: LeadView[] = [];
  for (let i = query.skip; i < end; i += 1) {
    results.push(toLeadView(ordered[query.isAscending ? i : ordered.length - 1 - i]!));
  }
  return { count: matching.length, results };
}

function sortedBy(leads: readonly SandboxLead[], key: SortKey): SandboxLead[] {
  const keyed = leads.map((lead, index) => ({ lead, index, key: key(lead) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  return keyed.map(({ lead }) => lead);
}
