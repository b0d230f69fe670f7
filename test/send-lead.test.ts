import { describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../src/upload/api-answer.js';
import { DEFAULT_RETRY_POLICY } from '../src/upload/retry-policy.js';
import type { LeadApi } from '../src/upload/nlpearl-api.js';
import type { Pacer } from '../src/upload/pacer.js';
import type { SendContext } from '../src/upload/send-context.js';
import { NO_LEAD_ID_NOTE, sendLead } from '../src/upload/send-lead.js';

type Step = ApiAnswer<string> | ApiAnswer<string | undefined>;

/** A scripted API: each call takes the next answer of its own script, and every call is recorded. */
function scriptedApi(adds: ApiAnswer<string>[], lookups: ApiAnswer<string | undefined>[] = []) {
  const calls: string[] = [];
  const api: LeadApi = {
    addLead: (body) => {
      calls.push(`PUT ${body.phoneNumber}`);
      return Promise.resolve(next(adds));
    },
    findLead: (lead) => {
      calls.push(`GET ${lead.externalId ?? lead.phoneNumber}`);
      return Promise.resolve(next(lookups));
    },
  };
  return { api, calls };
}

function next<T extends Step>(list: T[]): T {
  const answer = list.shift();
  if (answer === undefined) throw new Error('the script ran out of answers');
  return answer;
}

const ok = (value: string): ApiAnswer<string> => ({ ok: true, value });
const http = (status: number, retryAfter?: string) =>
  ({ ok: false, failure: { kind: 'http', status, retryAfter }, message: `HTTP ${status}` }) as const;
const net = (code: string) => ({ ok: false, failure: { kind: 'network', code }, message: code }) as const;

function context(api: LeadApi, stop = new AbortController().signal) {
  const throttles: (number | undefined)[] = [];
  const sleeps: number[] = [];
  const paced = { count: 0 };
  const pacer: Pacer = {
    acquire: (signal) => {
      if (signal?.aborted) return Promise.reject(new Error('stopped'));
      paced.count += 1;
      return Promise.resolve();
    },
    onThrottled: (ms) => throttles.push(ms),
    onSuccess: () => undefined,
  };
  const ctx: SendContext = {
    api,
    pacer,
    policy: { ...DEFAULT_RETRY_POLICY, retries: 3 },
    stop,
    clock: {
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return signal?.aborted ? Promise.reject(new Error('stopped')) : Promise.resolve();
      },
      now: () => 0,
    },
    random: () => 0,
  };
  return { ctx, throttles, sleeps, paced };
}

const body = { phoneNumber: '+12125550100', externalId: 'crm-1' };

describe('sendLead', () => {
  it('creates on the first attempt and journals the row once, before the request', async () => {
    const { api, calls } = scriptedApi([ok('lead-1')]);
    const journal: string[] = [];
    const outcome = await sendLead(body, context(api).ctx, {
      beforeFirstRequest: () => {
        journal.push('sending');
      },
    });
    expect(outcome).toEqual({ status: 'created', leadId: 'lead-1', attempts: 1, foundByLookup: false });
    expect(calls).toEqual(['PUT +12125550100']);
    expect(journal).toEqual(['sending']);
  });

  it('sends nothing until the journal line is written, and nothing at all when it cannot be', async () => {
    const { api, calls } = scriptedApi([ok('lead-1')]);
    let written: () => void = () => undefined;
    const sending = sendLead(body, context(api).ctx, {
      beforeFirstRequest: () => new Promise<void>((resolve) => (written = resolve)),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
    written();
    await expect(sending).resolves.toMatchObject({ status: 'created', leadId: 'lead-1' });
    expect(calls).toEqual(['PUT +12125550100']);

    const failing = scriptedApi([ok('lead-2')]);
    const refused = sendLead(body, context(failing.api).ctx, {
      beforeFirstRequest: () => Promise.reject(new Error('ENOSPC: no space left on device')),
    });
    await expect(refused).resolves.toEqual({ status: 'not-sent' });
    expect(failing.calls).toEqual([]);
  });

  it('retries 503 twice then succeeds with 3 attempts', async () => {
    const { api } = scriptedApi([http(503), http(503), ok('lead-3')]);
    const { ctx, sleeps } = context(api);
    const outcome = await sendLead(body, ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toMatchObject({ status: 'created', attempts: 3 });
    expect(sleeps).toEqual([250, 500]);
  });

  it('tells the pacer about 429 with its Retry-After, capped as the retry delay is', async () => {
    const { api } = scriptedApi([http(429, '2'), http(429, '86400'), ok('lead-4')]);
    const { ctx, throttles, sleeps } = context(api);
    await sendLead(body, ctx, { beforeFirstRequest: () => undefined });
    expect(throttles).toEqual([2000, DEFAULT_RETRY_POLICY.maxRetryAfterMs]);
    expect(sleeps).toEqual([2000, DEFAULT_RETRY_POLICY.maxRetryAfterMs]);
  });

  it('fails a 400 at once with the API message', async () => {
    const { api, calls } = scriptedApi([http(400)]);
    const outcome = await sendLead(body, context(api).ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toEqual({ status: 'failed', error: 'HTTP 400', attempts: 1, notCreated: true });
    expect(calls).toHaveLength(1);
  });

  it('marks 401 and 404 as fatal for the run', async () => {
    const first = await sendLead(body, context(scriptedApi([http(401)]).api).ctx, {
      beforeFirstRequest: () => {},
    });
    const second = await sendLead(body, context(scriptedApi([http(404)]).api).ctx, {
      beforeFirstRequest: () => {},
    });
    expect(first).toMatchObject({ status: 'failed', fatal: 'credentials' });
    expect(second).toMatchObject({ status: 'failed', fatal: 'outbound' });
  });

  it('looks the lead up by externalId after a timeout instead of sending it again', async () => {
    const { api, calls } = scriptedApi([net('ETIMEDOUT')], [{ ok: true, value: 'lead-found' }]);
    const outcome = await sendLead(body, context(api).ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toEqual({ status: 'created', leadId: 'lead-found', attempts: 1, foundByLookup: true });
    expect(calls).toEqual(['PUT +12125550100', 'GET crm-1']);
  });

  it('sends again after a timeout when the lookup finds nothing', async () => {
    const { api, calls } = scriptedApi([net('ECONNRESET'), ok('lead-2')], [{ ok: true, value: undefined }]);
    const outcome = await sendLead(body, context(api).ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toMatchObject({ status: 'created', leadId: 'lead-2', attempts: 2 });
    expect(calls).toEqual(['PUT +12125550100', 'GET crm-1', 'PUT +12125550100']);
  });

  it('looks a row without externalId up by phone after a timeout, and re-sends it when none is found', async () => {
    const { api, calls } = scriptedApi([net('ETIMEDOUT'), ok('lead-5')], [{ ok: true, value: undefined }]);
    const outcome = await sendLead({ phoneNumber: '+1' }, context(api).ctx, {
      beforeFirstRequest: () => undefined,
    });
    expect(outcome).toMatchObject({ status: 'created', attempts: 2 });
    expect(calls).toEqual(['PUT +1', 'GET +1', 'PUT +1']);
  });

  const noLeadId = {
    ok: false,
    failure: { kind: 'no-lead-id', status: 200 },
    message: 'HTTP 200 without a leadId',
  } as const;

  it('after a 2xx without a leadId, takes the id the lookup by externalId finds, sending nothing again', async () => {
    const { api, calls } = scriptedApi([noLeadId], [{ ok: true, value: 'lead-made' }]);
    const { ctx, sleeps } = context(api);
    const outcome = await sendLead(body, ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toEqual({ status: 'created', leadId: 'lead-made', attempts: 1, foundByLookup: true });
    expect(calls).toEqual(['PUT +12125550100', 'GET crm-1']);
    expect(sleeps).toEqual([]); // the lookup goes at once: the answer said the lead was made
  });

  it('after a 2xx without a leadId, sends a row with an externalId again only when no lead has it', async () => {
    const { api, calls } = scriptedApi([noLeadId, ok('lead-2')], [{ ok: true, value: undefined }]);
    const outcome = await sendLead(body, context(api).ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toMatchObject({ status: 'created', leadId: 'lead-2', attempts: 2 });
    expect(calls).toEqual(['PUT +12125550100', 'GET crm-1', 'PUT +12125550100']);
  });

  it('never sends a row without externalId again after a 2xx without a leadId', async () => {
    const found = scriptedApi([noLeadId], [{ ok: true, value: 'lead-by-phone' }]);
    await expect(
      sendLead({ phoneNumber: '+1' }, context(found.api).ctx, { beforeFirstRequest: () => undefined }),
    ).resolves.toEqual({ status: 'created', leadId: 'lead-by-phone', attempts: 1, foundByLookup: true });

    const missing = scriptedApi([noLeadId], [{ ok: true, value: undefined }]);
    const outcome = await sendLead({ phoneNumber: '+1' }, context(missing.api).ctx, {
      beforeFirstRequest: () => undefined,
    });
    expect(outcome).toEqual({ status: 'created', attempts: 1, foundByLookup: false, note: NO_LEAD_ID_NOTE });
    expect(missing.calls).toEqual(['PUT +1', 'GET +1']);
  });

  it('looks up first when an earlier run may have created the row', async () => {
    const { api, calls } = scriptedApi([], [{ ok: true, value: 'lead-old' }]);
    const outcome = await sendLead(body, context(api).ctx, {
      beforeFirstRequest: () => undefined,
      mayExist: true,
    });
    expect(outcome).toEqual({ status: 'created', leadId: 'lead-old', attempts: 0, foundByLookup: true });
    expect(calls).toEqual(['GET crm-1']);
  });

  it('sends nothing once the run is stopping', async () => {
    const stop = new AbortController();
    stop.abort();
    const { api, calls } = scriptedApi([]);
    const outcome = await sendLead(body, context(api, stop.signal).ctx, {
      beforeFirstRequest: () => undefined,
    });
    expect(outcome).toEqual({ status: 'not-sent' });
    expect(calls).toEqual([]);
  });

  it('reports an unknown outcome when stopped after a timeout', async () => {
    const stop = new AbortController();
    const { api } = scriptedApi([net('ETIMEDOUT')]);
    const { ctx } = context(api, stop.signal);
    const sleeping: SendContext = {
      ...ctx,
      clock: { now: () => 0, sleep: () => (stop.abort(), Promise.reject(new Error('stopped'))) },
    };
    const outcome = await sendLead({ phoneNumber: '+1' }, sleeping, { beforeFirstRequest: () => undefined });
    expect(outcome).toMatchObject({ status: 'unknown', attempts: 1 });
  });

  it('fails after the retries are spent, and checks once more by externalId, paced like the rest', async () => {
    const { api, calls } = scriptedApi(
      [net('ETIMEDOUT'), net('ETIMEDOUT'), net('ETIMEDOUT'), net('ETIMEDOUT')],
      [
        { ok: true, value: undefined },
        { ok: true, value: undefined },
        { ok: true, value: undefined },
        { ok: true, value: undefined },
      ],
    );
    const { ctx, paced } = context(api);
    const outcome = await sendLead(body, ctx, { beforeFirstRequest: () => undefined });
    expect(outcome).toEqual({ status: 'failed', error: 'ETIMEDOUT', attempts: 4, notCreated: false });
    expect(calls.filter((call) => call.startsWith('PUT'))).toHaveLength(4);
    expect(calls.at(-1)).toBe('GET crm-1');
    expect(paced.count).toBe(calls.length); // --rate counts every request, the last lookup too
  });
});
