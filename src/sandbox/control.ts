import type { ApiState } from './api.js';
import { empty, json, PROBLEM_TYPE } from './responses.js';
import type { Outcome } from './responses.js';
import { problem } from './validation.js';
import type { JsonBody } from './validation.js';

/** What the control endpoints reach beyond the API's state. */
export interface ControlDeps {
  readonly state: ApiState;
  stats(): unknown;
  reset(): void;
}

/**
 * The `/_sandbox/…` endpoints, for tests, demos and benchmarks that run the sandbox in another process. They
 * need no token and are not recorded. `name` is the method and the path after `/_sandbox/`, e.g. `GET stats`.
 */
export function answerControl(deps: ControlDeps, name: string, body: JsonBody): Outcome {
  const { injector, store } = deps.state;
  switch (name) {
    case 'GET stats':
      return json(200, deps.stats());
    case 'GET leads':
      return json(200, store.all);
    case 'GET removed-leads':
      return json(200, store.removed);
    case 'GET touches':
      return json(200, deps.state.touches.snapshot());
    case 'GET faults':
      return json(200, injector.faults);
    case 'POST reset':
      deps.reset();
      return empty(204);
    case 'POST faults':
      try {
        injector.set(body.kind === 'json' ? body.value : {});
        return empty(204);
      } catch (error) {
        return json(400, problem({ faults: [(error as Error).message] }), PROBLEM_TYPE);
      }
    default:
      return empty(404);
  }
}
