import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FaultInjector } from './faults.js';
import type { FaultDecision, Faults, ScriptedAnswer } from './faults.js';
import { LeadsStore, problem, readJson, toLeadView, validateAddLead, validateSearch } from './leads-store.js';
import type { JsonBody, SandboxLead } from './leads-store.js';
import { isAuthorized, matchRoute, readText } from './routes.js';
import type { Route } from './routes.js';

export type { Faults, ScriptedAnswer } from './faults.js';
export type { LeadView, SandboxLead } from './leads-store.js';

export const SANDBOX_TOKEN = 'sandbox-account:sandbox-secret';
export const SANDBOX_OUTBOUND = 'sandbox-outbound';

export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default '127.0.0.1'. */
  readonly host?: string;
  /** The one accepted Bearer token. Default `SANDBOX_TOKEN`. */
  readonly token?: string;
  /** Known outbound ids. Default `[SANDBOX_OUTBOUND]`. */
  readonly outbounds?: readonly string[];
  readonly faults?: Partial<Faults>;
  /** Seeds the PRNG that draws faults, so runs are repeatable. Default 1. */
  readonly seed?: number;
  /**
   * Keep every API request, with its parsed body, in `requests`. Default true. A benchmark of a million rows
   * turns it off: `requests` then stays empty, while `stats()` still counts every request and status.
   */
  readonly recordRequests?: boolean;
  /**
   * Keep every created lead (`leads`, Get Lead, Search Leads). Default true. Turned off, leads are only
   * counted (`stats().created`) and lookups answer 404, so a client that looks a lead up after a dropped
   * answer would send it again: for benchmarks without connection faults only.
   */
  readonly recordLeads?: boolean;
}

/** One API request (control endpoints are not recorded). The token itself is never stored. */
export interface SandboxRequest {
  method: string;
  path: string;
  /** The status answered; 0 when the socket was dropped or the request hangs. */
  status: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  /** The parsed JSON body; undefined when absent or not JSON. */
  body: unknown;
  /** Whether the Authorization header carried the accepted token. */
  authorized: boolean;
}

export interface SandboxStats {
  requests: number;
  created: number;
  byStatus: Record<string, number>;
  /** The most Add Lead requests received in any sliding 1-second window. */
  maxPerSecond: number;
}

export interface Sandbox {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Every created lead, in creation order; empty when started with `recordLeads: false`. */
  readonly leads: SandboxLead[];
  /** Every API request, in arrival order; empty when started with `recordRequests: false`. */
  readonly requests: SandboxRequest[];
  setFaults(faults: Partial<Faults>): void;
  enqueue(...answers: ScriptedAnswer[]): void;
  stats(): SandboxStats;
  /** Forgets leads, requests, scripted answers and counters, and reseeds the PRNG; keeps the faults. */
  reset(): void;
  /** Destroys every socket, hung ones included, so it never waits. */
  close(): Promise<void>;
}

/** Where a response goes: an answer, a destroyed socket, or nothing at all. */
type Outcome =
  | { kind: 'send'; status: number; headers: Record<string, string | number>; payload: string }
  | { kind: 'destroy' }
  | { kind: 'hang' };

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const token = options.token ?? SANDBOX_TOKEN;
  const outbounds = new Set(options.outbounds ?? [SANDBOX_OUTBOUND]);
  const injector = new FaultInjector(options.faults, options.seed ?? 1);
  const store = new LeadsStore(options.recordLeads ?? true);
  const recordRequests = options.recordRequests ?? true;
  const requests: SandboxRequest[] = [];
  let requestCount = 0;
  const peak = new SlidingWindowPeak(1000);
  let byStatus: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const stats = (): SandboxStats => ({
    requests: requestCount,
    created: store.created,
    byStatus: { ...byStatus },
    maxPerSecond: peak.max,
  });

  const reset = (): void => {
    store.clear();
    requests.length = 0;
    requestCount = 0;
    byStatus = {};
    peak.reset();
    injector.reset();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const now = performance.now();
    const route = matchRoute(req.method ?? '', req.url ?? '/');
    const body = readJson(await readText(req));
    if (route.kind === 'control') return control(route.name, body, res);

    const record: SandboxRequest = {
      method: req.method ?? '',
      path: req.url ?? '/',
      status: 0,
      at,
      body: recordRequests && body.kind === 'json' ? body.value : undefined,
      authorized: isAuthorized(req.headers.authorization, token),
    };
    requestCount += 1;
    if (recordRequests) requests.push(record);
    const outcome = answer(route, record, body, now);
    const status = outcome.kind === 'send' ? outcome.status : 0;
    record.status = status;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (outcome.kind === 'hang') return;
    // Latency is the server's time from a request's arrival to its answer, as a remote API's would be: the
    // sandbox's own reading and answering count inside it, so that its CPU on a shared machine does not
    // lengthen every round trip beyond what was asked for (bench case 2 compares against C / latency).
    const { latencyMs } = injector.faults;
    // Rounded up: timers count whole milliseconds from the event loop's clock, and fire up to 1 ms early.
    const wait = Math.ceil(latencyMs - (performance.now() - now));
    if (wait > 0) await sleep(wait);
    if (outcome.kind === 'destroy') {
      req.socket.destroy();
      return;
    }
    res.writeHead(outcome.status, {
      ...outcome.headers,
      'content-length': Buffer.byteLength(outcome.payload),
    });
    res.end(outcome.payload);
  }

  /** The API's behaviour, in NLPearl's order: revocation, authentication, outbound, faults, validation. */
  function answer(
    route: Exclude<Route, { kind: 'control' }>,
    record: SandboxRequest,
    body: JsonBody,
    now: number,
  ): Outcome {
    if (route.kind === 'unknown') return empty(404);
    if (route.kind === 'addLead') peak.note(now);
    const revoked = route.kind === 'addLead' ? injector.countAddLead() : injector.revoked;
    if (revoked || !record.authorized) return empty(401, { 'www-authenticate': 'Bearer' });
    if (!outbounds.has(route.outboundId)) return empty(404);

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
    return addLead(route.outboundId, body, injector.decide(now));
  }

  function addLead(outboundId: string, body: JsonBody, fault: FaultDecision): Outcome {
    switch (fault.kind) {
      case 'answer':
        return scripted(fault);
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
    if (fault.kind === 'textPlain') {
      return {
        kind: 'send',
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        payload: lead.id,
      };
    }
    return json(200, { leadId: lead.id });
  }

  function control(name: string, body: JsonBody, res: ServerResponse): void {
    let outcome: Outcome;
    if (name === 'GET stats') outcome = json(200, stats());
    else if (name === 'GET leads') outcome = json(200, store.all);
    else if (name === 'GET faults') outcome = json(200, injector.faults);
    else if (name === 'POST reset') {
      reset();
      outcome = empty(204);
    } else if (name === 'POST faults') {
      try {
        injector.set(body.kind === 'json' ? body.value : {});
        outcome = empty(204);
      } catch (error) {
        outcome = json(400, problem({ faults: [(error as Error).message] }), PROBLEM_TYPE);
      }
    } else outcome = empty(404);
    if (outcome.kind !== 'send') return;
    res.writeHead(outcome.status, {
      ...outcome.headers,
      'content-length': Buffer.byteLength(outcome.payload),
    });
    res.end(outcome.payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A sandbox bug must surface in the test that hit it, not crash the process.
      if (res.headersSent) return void res.destroy();
      const payload = JSON.stringify({ status: 500, title: String(error) });
      res.writeHead(500, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  // Longer than any client pool's idle timeout, so the client, not us, closes idle sockets (as behind a proxy).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    token,
    leads: store.all,
    requests,
    setFaults: (faults) => injector.set(faults),
    enqueue: (...answers) => injector.enqueue(answers),
    stats,
    reset,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hung requests and idle keep-alive sockets would otherwise keep close() waiting forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function empty(status: number, headers: Record<string, string> = {}): Outcome {
  return { kind: 'send', status, headers, payload: '' };
}

function json(status: number, value: unknown, contentType = JSON_TYPE): Outcome {
  return { kind: 'send', status, headers: { 'content-type': contentType }, payload: JSON.stringify(value) };
}

function scripted(answer: { status: number; body?: unknown; headers?: Record<string, string> }): Outcome {
  const { status, body, headers = {} } = answer;
  if (body === undefined) return empty(status, headers);
  if (typeof body === 'string') {
    return {
      kind: 'send',
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      payload: body,
    };
  }
  return {
    kind: 'send',
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    payload: JSON.stringify(body),
  };
}

/**
 * The largest number of events in any window of `windowMs`. Keeps only the timestamps still inside the window
 * (a deque over an array), so each event costs amortised O(1) even over hundreds of thousands of requests.
 */
class SlidingWindowPeak {
  #times: number[] = [];
  #head = 0;
  max = 0;

  constructor(readonly windowMs: number) {}

  note(now: number): void {
    this.#times.push(now);
    while (this.#times[this.#head]! <= now - this.windowMs) this.#head += 1;
    const inWindow = this.#times.length - this.#head;
    if (inWindow > this.max) this.max = inWindow;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  reset(): void {
    this.#times = [];
    this.#head = 0;
    this.max = 0;
  }
}
