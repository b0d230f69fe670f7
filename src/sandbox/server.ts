import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answerApi } from './api.js';
import type { ApiState } from './api.js';
import { answerControl, changeStatus, placeLeads } from './control.js';
import type { LeadSelection, Parsed, PlatformLead } from './control-bodies.js';
import { findDuplicates } from './duplicates.js';
import type { DuplicateGroup } from './duplicates.js';
import { FaultInjector } from './faults.js';
import type { Faults, ScriptedAnswer } from './faults.js';
import type { LeadStatus } from './lead-status.js';
import { byCreation, LeadsStore } from './leads-store.js';
import type { SandboxLead } from './leads-store.js';
import { JSON_TYPE, writeOutcome } from './responses.js';
import { isAuthorized, matchRoute, readText } from './routes.js';
import { SlidingWindowPeak } from './sliding-window-peak.js';
import { TouchCounter } from './touches.js';
import type { SandboxTouches } from './touches.js';
import { readJson } from './validation.js';

export type { LeadSelection, PlatformLead } from './control-bodies.js';
export type { DuplicateGroup } from './duplicates.js';
export type { Faults, ScriptedAnswer } from './faults.js';
export { LEAD_STATUSES } from './lead-status.js';
export type { LeadStatus, LeadStatusName } from './lead-status.js';
export type { LeadView } from './lead-view.js';
export type { SandboxLead } from './leads-store.js';
export type { SearchPage } from './search-leads.js';
export type { LeadTouches, SandboxTouches } from './touches.js';

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
   * Keep every lead Add Lead creates (`leads`, Get Lead, Search Leads). Default true. Turned off, they are only
   * counted (`stats().created`) and lookups answer 404, so a client that looks a lead up after a dropped
   * answer would send it again: for benchmarks without connection faults only. Platform leads are kept anyway.
   */
  readonly recordLeads?: boolean;
  /**
   * Leads the campaigns hold from the start, as if added by hand on the platform (`origin: 'platform'`, not
   * counted in `stats().created`). `reset()` brings them back as they were. Default none.
   */
  readonly initialLeads?: readonly PlatformLead[];
  /**
   * The most leads one Search Leads page holds, whatever its `limit` asks; `count` still tells the total, as
   * NLPearl may cap pages without saying so. Default 100.
   */
  readonly searchPageCap?: number;
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
  /** Every lead the campaigns hold, in creation order; only platform leads with `recordLeads: false`. */
  readonly leads: SandboxLead[];
  /** Every lead Delete Leads removed, in removal order. */
  readonly removed: SandboxLead[];
  /** Every API request, in arrival order; empty when started with `recordRequests: false`. */
  readonly requests: SandboxRequest[];
  setFaults(faults: Partial<Faults>): void;
  enqueue(...answers: ScriptedAnswer[]): void;
  stats(): SandboxStats;
  /** How often Update Lead and Delete Leads named each lead (a copy; also `GET /_sandbox/touches`). */
  touches(): SandboxTouches;
  /**
   * Leads of one outbound that share a phone number or an externalId, among the leads held (also `GET
   * /_sandbox/duplicates`), or also among those removed. Empty when no lead was created twice.
   */
  duplicates(options?: { includeRemoved?: boolean }): DuplicateGroup[];
  /** Adds leads as if by hand on the platform (also `POST /_sandbox/leads` with an array); throws on a bad one. */
  addLeads(leads: readonly PlatformLead[]): SandboxLead[];
  /**
   * Sets the status of the leads selected, as calls in the campaign would (also `POST /_sandbox/lead-status`
   * with `{status, leadIds}` or `{status, count, outboundId?}`); answers the ids changed, unknown ones left out.
   */
  setLeadStatus(selection: LeadSelection, status: LeadStatus): string[];
  /**
   * Forgets leads, requests, scripted answers and counters, and reseeds the PRNG; keeps the faults. The
   * initial leads come back as they were at the start, with the same ids; leads added later by hand do not.
   */
  reset(): void;
  /** Destroys every socket, hung ones included, so it never waits. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const token = options.token ?? SANDBOX_TOKEN;
  const outbounds = new Set(options.outbounds ?? [SANDBOX_OUTBOUND]);
  const injector = new FaultInjector(options.faults, options.seed ?? 1);
  const store = new LeadsStore(options.recordLeads ?? true);
  const recordRequests = options.recordRequests ?? true;
  const requests: SandboxRequest[] = [];
  let requestCount = 0;
  const peak = new SlidingWindowPeak(1000);
  const searchPageCap = options.searchPageCap ?? 100;
  if (!Number.isInteger(searchPageCap) || searchPageCap < 1) {
    throw new RangeError(
      `Invalid sandbox option searchPageCap: expected a whole number ≥ 1, got ${searchPageCap}`,
    );
  }
  const touches = new TouchCounter();
  const state: ApiState = { outbounds, injector, store, peak, touches, searchPageCap };
  orThrow('initialLeads', placeLeads(state, options.initialLeads ?? [], Date.now()));
  store.keepAsInitial();
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

  const duplicates = (options: { includeRemoved?: boolean } = {}): DuplicateGroup[] =>
    findDuplicates(
      options.includeRemoved === true ? [...store.all, ...store.removed].sort(byCreation) : store.all,
    );

  const reset = (): void => {
    store.reset();
    touches.clear();
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
    if (route.kind === 'control') {
      const outcome = answerControl({ state, stats, duplicates, reset }, route.name, body);
      return outcome.kind === 'send' ? writeOutcome(res, outcome) : undefined;
    }

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
    const outcome = answerApi(state, route, record.authorized, body, now);
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
    writeOutcome(res, outcome);
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
    removed: store.removed,
    requests,
    setFaults: (faults) => injector.set(faults),
    enqueue: (...answers) => injector.enqueue(answers),
    stats,
    touches: () => touches.snapshot(),
    duplicates,
    addLeads: (leads) => orThrow('leads', placeLeads(state, leads, Date.now())),
    setLeadStatus: (selection, status) =>
      orThrow('lead-status', changeStatus(state, { ...selection, status })),
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

/** A typo in a test's sandbox setup fails loudly, naming every issue. */
function orThrow<T>(what: string, parsed: Parsed<T>): T {
  if (!parsed.ok) throw new RangeError(`Invalid sandbox ${what}: ${parsed.issues.join('; ')}`);
  return parsed.value;
}
