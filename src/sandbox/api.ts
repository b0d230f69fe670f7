import type { FaultDecision, FaultInjector } from './faults.js';
import { validateAddLead, validateSearch } from './lead-bodies.js';
import { toLeadView } from './lead-view.js';
import type { LeadsStore } from './leads-store.js';
import { empty, json, PROBLEM_TYPE, text, verbatim } from './responses.js';
import type { Outcome } from './responses.js';
import type { Route } from './routes.js';
import type { SlidingWindowPeak } from './sliding-window-peak.js';
import type { JsonBody } from './validation.js';

/** What the API's answers depend on; owned by the server, shared with its control endpoints. */
export interface ApiState {
  readonly outbounds: ReadonlySet<string>;
  readonly injector: FaultInjector;
  readonly store: LeadsStore;
  /** Add Lead arrivals, for `maxPerSecond`. */
  readonly peak: SlidingWindowPeak;
}

export type ApiRoute = Exclude<Route, { kind: 'control' }>;

/** The API's behaviour, in NLPearl's order: revocation, authentication, outbound, faults, validation. */
export function answerApi(
  state: ApiState,
  route: ApiRoute,
  authorized: boolean,
  body: JsonBody,
  now: number,
): Outcome {
  const { injector, store } = state;
  if (route.kind === 'unknown') return empty(404);
  if (route.kind === 'addLead') state.peak.note(now);
  const revoked = route.kind === 'addLead' ? injector.countAddLead() : injector.revoked;
  if (revoked || !authorized) return empty(401, { 'www-authenticate': 'Bearer' });
  if (!state.outbounds.has(route.outboundId)) return empty(404);

  if (route.kind === 'byId' || route.kind === 'byExternalId') {
    const lead =
      route.kind === 'byId'
        ? store.byId(route.outboundId, route.leadId)
        : store.byExternalId(route.outboundId, route.externalId);
    return lead === undefined ? empty(404) : json(200, toLeadView(lead));
  }
  if (route.kind === 'search') {
    const query = validateSearch(body);
    if (!query.ok) return json(400, query.problem, PROBLEM_TYPE);
    return json(200, store.search(route.outboundId, query.value));
  }
  return addLead(store, route.outboundId, body, injector.decide(now));
}

function addLead(store: LeadsStore, outboundId: string, body: JsonBody, fault: FaultDecision): Outcome {
  switch (fault.kind) {
    case 'answer':
      return verbatim(fault);
    case 'drop':
      return { kind: 'destroy' };
    case 'hang':
      return { kind: 'hang' };
  }
  // The remaining decisions need a lead: an invalid body is answered 400 whatever was drawn.
  const input = validateAddLead(body);
  if (!input.ok) return json(400, input.problem, PROBLEM_TYPE);
  const lead = store.add(outboundId, input.value, Date.now());
  if (fault.kind === 'createThenDrop') return { kind: 'destroy' };
  if (fault.kind === 'createThen') return verbatim(fault);
  if (fault.kind === 'textPlain') return text(200, lead.id);
  return json(200, { leadId: lead.id });
}
