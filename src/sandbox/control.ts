import type { ApiState } from './api.js';
import { parseLeadSelection, parsePlatformLeads } from './control-bodies.js';
import type { Parsed } from './control-bodies.js';
import type { SandboxLead } from './leads-store.js';
import { empty, json, PROBLEM_TYPE } from './responses.js';
import type { Outcome } from './responses.js';
import { problem } from './validation.js';
import type { JsonBody } from './validation.js';

/** What the control endpoints reach beyond the API's state. */
export interface ControlDeps {
  readonly state: ApiState;
  stats(): unknown;
  duplicates(): unknown;
  reset(): void;
}

/** Adds leads as if by hand on the platform (`initialLeads`, `addLeads()`, `POST /_sandbox/leads`). */
export function placeLeads(state: ApiState, input: unknown, now: number): Parsed<SandboxLead[]> {
  const parsed = parsePlatformLeads(input, [...state.outbounds]);
  if (!parsed.ok) return parsed;
  const placed = parsed.value.map(({ outboundId, input: lead, status }) =>
    state.store.addByHand(outboundId, lead, status, now),
  );
  return { ok: true, value: placed };
}

/** Sets the status of the leads selected, as calls would; answers their ids (`POST /_sandbox/lead-status`). */
export function changeStatus(state: ApiState, input: unknown): Parsed<string[]> {
  const parsed = parseLeadSelection(input);
  if (!parsed.ok) return parsed;
  const [firstOutbound = ''] = state.outbounds;
  const leads = state.store.select(parsed.value.selection, firstOutbound);
  for (const lead of leads) lead.status = parsed.value.status;
  return { ok: true, value: leads.map((lead) => lead.id) };
}

/**
 * The `/_sandbox/…` endpoints, for tests, demos and benchmarks that run the sandbox in another process. They
 * need no token and are not recorded. `name` is the method and the path after `/_sandbox/`, e.g. `GET stats`.
 */
export function answerControl(deps: ControlDeps, name: string, body: JsonBody): Outcome {
  const { state } = deps;
  const { injector, store } = state;
  const input = body.kind === 'json' ? body.value : undefined;
  switch (name) {
    case 'GET stats':
      return json(200, deps.stats());
    case 'GET leads':
      return json(200, store.all);
    case 'GET removed-leads':
      return json(200, store.removed);
    case 'GET touches':
      return json(200, state.touches.snapshot());
    case 'GET duplicates':
      return json(200, deps.duplicates());
    case 'GET faults':
      return json(200, injector.faults);
    case 'POST reset':
      deps.reset();
      return empty(204);
    case 'POST faults':
      try {
        injector.set(input ?? {});
        return empty(204);
      } catch (error) {
        return refused('faults', [(error as Error).message]);
      }
    case 'POST leads': {
      const placed = placeLeads(state, input, Date.now());
      return placed.ok ? json(200, placed.value) : refused('leads', placed.issues);
    }
    case 'POST lead-status': {
      const changed = changeStatus(state, input);
      return changed.ok ? json(200, { leadIds: changed.value }) : refused('lead-status', changed.issues);
    }
    default:
      return empty(404);
  }
}

function refused(field: string, issues: string[]): Outcome {
  return json(400, problem({ [field]: issues }), PROBLEM_TYPE);
}
