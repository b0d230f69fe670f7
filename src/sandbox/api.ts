import type { FaultDecision, FaultInjector } from './faults.js';
import { validateAddLead, validateDeleteLeads, validateSearch, validateUpdateLead } from './lead-bodies.js';
import { toLeadView } from './lead-view.js';
import type { LeadsStore, SandboxLead } from './leads-store.js';
import { empty, json, PROBLEM_TYPE, text, verbatim } from './responses.js';
import type { Outcome } from './responses.js';
import type { Route } from './routes.js';
import { searchLeads } from './search-leads.js';
import type { SlidingWindowPeak } from './sliding-window-peak.js';
import type { TouchCounter } from './touches.js';
import type { JsonBody, ValidationProblem } from './validation.js';

/** What the API's answers depend on; owned by the server, shared with its control endpoints. */
export interface ApiState {
  readonly outbounds: ReadonlySet<string>;
  readonly injector: FaultInjector;
  readonly store: LeadsStore;
  /** Add Lead arrivals, for `maxPerSecond`. */
  readonly peak: SlidingWindowPeak;
  readonly touches: TouchCounter;
  /** The most leads one Search Leads page holds, whatever its `limit`. */
  readonly searchPageCap: number;
}

export type ApiRoute = Exclude<Route, { kind: 'control' }>;

/**
 * The API's behaviour, in NLPearl's order: revocation, authentication, outbound, faults (Add Lead only),
 * validation, then the lead.
 */
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

  switch (route.kind) {
    case 'addLead':
      return addLead(store, route.outboundId, body, injector.decide(now));
    case 'byId':
    case 'byExternalId': {
      const lead =
        route.kind === 'byId'
          ? store.byId(route.outboundId, route.leadId)
          : store.byExternalId(route.outboundId, route.externalId);
      return lead === undefined ? empty(404) : json(200, toLeadView(lead));
    }
    case 'search': {
      const query = validateSearch(body);
      if (!query.ok) return invalid(query.problem);
      return json(200, searchLeads(store.inOutbound(route.outboundId), query.value, state.searchPageCap));
    }
    case 'updateLead': {
      const changes = validateUpdateLead(body);
      if (!changes.ok) return invalid(changes.problem);
      state.touches.updated(route.leadId);
      const lead = store.byId(route.outboundId, route.leadId);
      if (lead === undefined) return empty(404);
      store.update(lead, changes.value);
      return json(200, toLeadView(lead));
    }
    // Ids that match no lead are ignored and the answer is still `true`: what NLPearl does then is not
    // documented (it might refuse the request, or answer false).
    case 'deleteLeads': {
      const ids = validateDeleteLeads(body, 'leadIds');
      if (!ids.ok) return invalid(ids.problem);
      const found: SandboxLead[] = [];
      for (const id of ids.value) {
        state.touches.deleted(id);
        const lead = store.byId(route.outboundId, id);
        if (lead !== undefined) found.push(lead);
      }
      store.remove(found);
      return json(200, true);
    }
    case 'deleteByExternalIds': {
      const externalIds = validateDeleteLeads(body, 'leadExternalIds');
      if (!externalIds.ok) return invalid(externalIds.problem);
      // Every lead with that externalId goes, not only the latest: the request names the externalId.
      const found: SandboxLead[] = [];
      for (const externalId of externalIds.value) {
        state.touches.deletedExternal(externalId);
        for (const lead of store.allByExternalId(route.outboundId, externalId)) {
          state.touches.deleted(lead.id);
          found.push(lead);
        }
      }
      store.remove(found);
      return json(200, true);
    }
  }
}

function invalid(problem: ValidationProblem): Outcome {
  return json(400, problem, PROBLEM_TYPE);
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
  if (!input.ok) return invalid(input.problem);
  const lead = store.add(outboundId, input.value, Date.now());
  if (fault.kind === 'createThenDrop') return { kind: 'destroy' };
  if (fault.kind === 'createThen') return verbatim(fault);
  if (fault.kind === 'textPlain') return text(200, lead.id);
  return json(200, { leadId: lead.id });
}
