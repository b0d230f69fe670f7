import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runSandboxCommand } from '../src/sandbox/cli.js';
import { startSandbox } from '../src/sandbox/server.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { startCli } from './helpers/run-cli.js';
import type { RunningCli } from './helpers/run-cli.js';
import { useSandbox } from './helpers/sandbox.js';

const OUTBOUND = 'sandbox-outbound';
const start = useSandbox();

interface CallOptions {
  method?: string;
  path?: string;
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

/** One request with the sandbox token unless told otherwise; `body` strings are sent as written. */
function call(sb: Sandbox, options: CallOptions = {}): Promise<Response> {
  const { method = 'PUT', path = `/v1/Outbound/${OUTBOUND}/Lead`, body, token = sb.token, signal } = options;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${sb.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

const addLead = (sb: Sandbox, body: unknown = { phoneNumber: '+12125550100' }): Promise<Response> =>
  call(sb, { body });

/** Adds a lead and answers its id. */
async function newLead(sb: Sandbox, body: unknown = { phoneNumber: '+12125550100' }): Promise<string> {
  const res = await addLead(sb, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { leadId: string }).leadId;
}

interface Answer {
  status: number;
  type: string | null;
  body: unknown;
}

/** One API request on the sandbox outbound (`rest` follows `/v1/Outbound/{id}`), its JSON body parsed. */
async function send(sb: Sandbox, method: string, rest: string, body?: unknown): Promise<Answer> {
  const res = await call(sb, { method, path: `/v1/Outbound/${OUTBOUND}${rest}`, body });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** The `errors` of a 400 answer. */
function errorsOf(answer: Answer): unknown {
  expect([answer.status, answer.type]).toEqual([400, 'application/problem+json; charset=utf-8']);
  return (answer.body as { errors: unknown }).errors;
}

interface Page {
  count: number;
  results: { id: string; phoneNumber: string; externalId: string | null; status: number }[];
}

async function search(sb: Sandbox, body: unknown): Promise<Page> {
  const answer = await send(sb, 'POST', '/Leads', body);
  expect(answer.status).toBe(200);
  return answer.body as Page;
}

describe('Add Lead', () => {
  it('creates a lead and answers its 24-hex id as JSON', async () => {
    const sb = await start();
    const body = { phoneNumber: '+12125550100', externalId: 'crm-1', timeZoneId: 'Pacific Standard Time' };
    const res = await addLead(sb, { ...body, callData: { firstName: 'Ada', age: 36, vip: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const { leadId } = (await res.json()) as { leadId: string };
    expect(leadId).toMatch(/^[0-9a-f]{24}$/);
    expect(sb.leads).toEqual([
      {
        id: leadId,
        outboundId: OUTBOUND,
        ...body,
        callData: { firstName: 'Ada', age: 36, vip: true },
        status: 1,
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        origin: 'api',
      },
    ]);
    expect(sb.requests).toEqual([
      expect.objectContaining({
        method: 'PUT',
        status: 200,
        authorized: true,
        body: expect.any(Object) as unknown,
      }),
    ]);
    expect(JSON.stringify(sb.requests)).not.toContain(sb.token);
  });

  it('creates a second, identical lead again, so double sends show', async () => {
    const sb = await start();
    const answers = await Promise.all([addLead(sb), addLead(sb)]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { leadId: string }).leadId));
    expect(new Set(ids).size).toBe(2);
    expect(sb.leads).toHaveLength(2);
  });

  it('answers 401 with an empty body to a wrong or missing token, before anything else', async () => {
    const sb = await start();
    for (const token of ['sandbox-secret', null]) {
      const res = await call(sb, { token, path: '/v1/Outbound/unknown/Lead', body: {} });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    }
    expect(sb.requests.map((r) => r.authorized)).toEqual([false, false]);
    expect(sb.leads).toHaveLength(0);
  });

  it('answers 404 with an empty body to an unknown outbound, and decodes the id from the URL', async () => {
    const sb = await start({ outbounds: ['a b'] });
    const unknown = await call(sb, { path: '/v1/Outbound/nope/Lead', body: { phoneNumber: '+12125550100' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('');
    const known = await call(sb, { path: '/v1/Outbound/a%20b/Lead', body: { phoneNumber: '+12125550100' } });
    expect(known.status).toBe(200);
    expect(sb.leads[0]?.outboundId).toBe('a b');
  });

  it.each([
    ['a missing phone', {}, { PhoneNumber: ['The PhoneNumber field is required.'] }],
    ['an empty phone', { phoneNumber: '' }, { PhoneNumber: ['The PhoneNumber field is required.'] }],
    [
      'a phone that is not E.164',
      { phoneNumber: '212-555-0100' },
      { PhoneNumber: ['The phone number "212-555-0100" is not a valid E.164 number.'] },
    ],
    [
      'a number as externalId',
      { phoneNumber: '+12125550100', externalId: 7 },
      { '$.externalId': ['The JSON value could not be converted to System.String. Path: $.externalId'] },
    ],
    [
      'a nested callData value',
      { phoneNumber: '+12125550100', callData: { a: { b: 1 } } },
      { '$.callData.a': ['The value of callData "a" must be a string, a number or a boolean.'] },
    ],
  ])('answers 400 ValidationProblemDetails to %s', async (_name, body, errors) => {
    const sb = await start();
    const res = await addLead(sb, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors,
      traceId: expect.any(String) as unknown,
    });
    expect(sb.leads).toHaveLength(0);
  });

  it('answers 400 to a body that is not JSON or is empty', async () => {
    const sb = await start();
    const malformed = (await (await addLead(sb, '{"phoneNumber":')).json()) as {
      errors: Record<string, string[]>;
    };
    expect(Object.keys(malformed.errors)).toEqual(['$', 'request']);
    const empty = (await (await call(sb, {})).json()) as { errors: Record<string, string[]> };
    expect(empty.errors).toEqual({ '': ['A non-empty request body is required.'] });
    expect(sb.requests.map((r) => [r.status, r.body])).toEqual([
      [400, undefined],
      [400, undefined],
    ]);
  });
});

describe('scripted answers and faults', () => {
  it('serves scripted answers in order before anything random, then goes back to normal', async () => {
    const sb = await start({ faults: { rate5xx: 1 } });
    sb.enqueue(
      { status: 429, headers: { 'retry-after': '2' } },
      { textPlain: true },
      { status: 400, body: 'no' },
    );
    const first = await addLead(sb);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2']);
    const second = await addLead(sb);
    expect(second.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await second.text()).toBe(sb.leads[0]?.id);
    const third = await addLead(sb);
    expect([third.status, await third.text()]).toEqual([400, 'no']);
    const fourth = await addLead(sb);
    expect(fourth.status).toBe(503);
    expect(await fourth.json()).toEqual({ status: 503, title: 'Service Unavailable' });
    expect(sb.leads).toHaveLength(1);
  });

  it('createThen: creates the lead, then answers verbatim (an empty 200, {}, or any status)', async () => {
    const sb = await start();
    sb.enqueue(
      { createThen: { status: 200 } },
      { createThen: { status: 200, body: {} } },
      { createThen: { status: 502, body: 'bad gateway', headers: { 'x-a': 'b' } } },
      { createThen: { status: 200 } },
    );
    const empty = await addLead(sb);
    expect([empty.status, empty.headers.get('content-length'), await empty.text()]).toEqual([200, '0', '']);
    const braces = await addLead(sb);
    expect([braces.headers.get('content-type'), await braces.json()]).toEqual([
      'application/json; charset=utf-8',
      {},
    ]);
    const gateway = await addLead(sb);
    expect([gateway.status, gateway.headers.get('x-a'), await gateway.text()]).toEqual([
      502,
      'b',
      'bad gateway',
    ]);
    expect(sb.leads).toHaveLength(3);
    // An invalid body is still refused, and creates nothing.
    expect((await addLead(sb, { phoneNumber: 'x' })).status).toBe(400);
    expect(sb.leads).toHaveLength(3);
  });

  it('rateNoLeadId: creates the lead and answers 200 {"leadId": null}', async () => {
    const sb = await start({ faults: { rateNoLeadId: 1 } });
    const res = await addLead(sb);
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([
      200,
      'application/json; charset=utf-8',
      { leadId: null },
    ]);
    expect(sb.leads).toHaveLength(1);
    expect(() => sb.setFaults({ rateNoLeadId: 0.5, rateTextPlain: 0.6 })).toThrow(/add up to 1\.1/);
  });

  it('draws rateNoLeadId last, from the same one number per request', async () => {
    // Drawn after rate429, the new share leaves the seed's 429s where they were without it.
    const answers: string[][] = [];
    for (const faults of [{ rate429: 0.5 }, { rate429: 0.5, rateNoLeadId: 0.5 }]) {
      const sb = await startSandbox({ faults, seed: 7 });
      const seen: string[] = [];
      for (let i = 0; i < 40; i += 1) seen.push(await (await addLead(sb)).text());
      await sb.close();
      answers.push(seen.map((body) => (body === '' ? '429' : body.includes('null') ? 'null' : 'id')));
    }
    const [before, after] = answers as [string[], string[]];
    expect(after.map((a) => (a === '429' ? '429' : 'other'))).toEqual(
      before.map((a) => (a === '429' ? '429' : 'other')),
    );
    expect(after).not.toContain('id');
    expect(after).toContain('null');
  });

  it('drops the socket before creating the lead', async () => {
    const sb = await start();
    sb.enqueue({ drop: true });
    await expect(addLead(sb)).rejects.toThrow();
    expect(sb.leads).toHaveLength(0);
    expect(sb.requests[0]?.status).toBe(0);
  });

  it('creates the lead, then drops the socket without an answer', async () => {
    const sb = await start();
    sb.enqueue({ createThenDrop: true });
    await expect(addLead(sb)).rejects.toThrow();
    expect(sb.leads).toHaveLength(1);
    expect(sb.stats().byStatus).toEqual({ 0: 1 });
  });

  it('never answers a hung request and creates nothing; close() does not wait for it', async () => {
    const sb = await start();
    sb.enqueue({ hang: true });
    const hung = call(sb, { body: { phoneNumber: '+12125550100' }, signal: AbortSignal.timeout(200) });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sb.leads).toHaveLength(0);
    sb.enqueue({ hang: true });
    const stillHanging = addLead(sb).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sb.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await stillHanging).toBe('closed');
  });

  it('draws random faults from the seed, so two sandboxes with the same seed agree', async () => {
    const faults = { rate429: 0.3, retryAfter: '1', rateTextPlain: 0.3 };
    const statuses: string[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const sb = await startSandbox({ faults, seed: 42 });
      const seen: string[] = [];
      for (let i = 0; i < 30; i += 1) {
        const res = await addLead(sb);
        seen.push(`${res.status} ${res.headers.get('content-type')} ${res.headers.get('retry-after')}`);
        await res.arrayBuffer();
      }
      await sb.close();
      statuses.push(seen);
    }
    expect(statuses[0]).toEqual(statuses[1]);
    expect(statuses[0]).toContain('429 null 1');
    expect(statuses[0]).toContain('200 text/plain; charset=utf-8 null');
    expect(statuses[0]).toContain('200 application/json; charset=utf-8 null');
  });

  it('revokes the token after revokeAfter Add Lead requests, for every endpoint', async () => {
    const sb = await start({ faults: { revokeAfter: 2 } });
    const search = { method: 'POST', path: `/v1/Outbound/${OUTBOUND}/Leads`, body: { skip: 0, limit: 1 } };
    expect((await call(sb, search)).status).toBe(200);
    expect([(await addLead(sb)).status, (await addLead(sb)).status, (await addLead(sb)).status]).toEqual([
      200, 200, 401,
    ]);
    expect((await call(sb, search)).status).toBe(401);
    sb.setFaults({ revokeAfter: undefined });
    expect((await addLead(sb)).status).toBe(200);
  });

  it('throttles bursts beyond throttleRps with 429 and Retry-After: 1, and measures the peak rate', async () => {
    const sb = await start({ faults: { throttleRps: 5 } });
    const burst = await Promise.all(Array.from({ length: 12 }, () => addLead(sb)));
    const throttled = burst.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(7);
    expect(throttled.every((r) => r.headers.get('retry-after') === '1')).toBe(true);
    expect(sb.leads).toHaveLength(5);
    expect(sb.stats()).toEqual({ requests: 12, created: 5, byStatus: { 200: 5, 429: 7 }, maxPerSecond: 12 });
  });

  it('measures maxPerSecond over a sliding window, not the total', async () => {
    const sb = await start();
    await Promise.all([addLead(sb), addLead(sb), addLead(sb)]);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await Promise.all([addLead(sb), addLead(sb)]);
    expect(sb.stats().maxPerSecond).toBe(3);
  });

  it('delays every answer by latencyMs', async () => {
    const sb = await start({ faults: { latencyMs: 150 } });
    const started = Date.now();
    expect((await call(sb, { method: 'GET', path: `/v1/Outbound/${OUTBOUND}/Lead/x` })).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("counts latency from the request's arrival, so a slow body does not add to it", async () => {
    const sb = await start({ faults: { latencyMs: 150 } });
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${sb.url}/v1/Outbound/${OUTBOUND}/Lead`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(JSON.stringify({ phoneNumber: '+12125550100' })), 100);
    });
    const elapsed = Date.now() - started;
    expect(status).toBe(200);
    // Counted from when the body had arrived, the answer would come after 100 + 150 ms.
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(230);
  });

  it('rejects faults that make no sense', async () => {
    const sb = await start();
    expect(() => sb.setFaults({ rate429: 1.5 })).toThrow(/rate429/);
    expect(() => sb.setFaults({ rate429: 0.6, rateDrop: 0.6 })).toThrow(/add up to 1\.2/);
  });
});

describe('lookups', () => {
  it('searches by phone or externalId and pages in creation order', async () => {
    const sb = await start();
    await addLead(sb, { phoneNumber: '+12125550100', externalId: 'crm-1' });
    await addLead(sb, { phoneNumber: '+12125550101', externalId: 'crm-2' });
    await addLead(sb, { phoneNumber: '+4930123456', externalId: 'other' });
    const search = async (body: unknown) =>
      (await (await call(sb, { method: 'POST', path: `/v1/Outbound/${OUTBOUND}/Leads`, body })).json()) as {
        count: number;
        results: { phoneNumber: string; status: number }[];
      };
    const crm = await search({ skip: 0, limit: 10, isAscending: true, searchInput: 'crm' });
    expect(crm.count).toBe(2);
    expect(crm.results.map((r) => r.phoneNumber)).toEqual(['+12125550100', '+12125550101']);
    const page = await search({ skip: 1, limit: 1, isAscending: true });
    expect([page.count, page.results[0]?.phoneNumber, page.results[0]?.status]).toEqual([
      3,
      '+12125550101',
      1,
    ]);
    expect((await search({ skip: 0, limit: 1, isAscending: false, searchInput: '4930' })).count).toBe(1);
  });

  it('gets a lead by id and the latest lead by external id, with the lead view shape', async () => {
    const sb = await start();
    await addLead(sb, { phoneNumber: '+12125550100', externalId: 'crm/1' });
    await addLead(sb, {
      phoneNumber: '+12125550199',
      externalId: 'crm/1',
      timeZoneId: 'India Standard Time',
      callData: { firstName: 'Ada' },
    });
    const latest = sb.leads[1]!;
    const byExternal = await call(sb, {
      method: 'GET',
      path: `/v1/Outbound/${OUTBOUND}/Lead/External/crm%2F1`,
    });
    expect(await byExternal.json()).toEqual({
      id: latest.id,
      externalId: 'crm/1',
      phoneNumber: '+12125550199',
      timeZone: 5.5,
      status: 1,
      created: latest.created,
      callData: { firstName: 'Ada' },
    });
    const byId = await call(sb, { method: 'GET', path: `/v1/Outbound/${OUTBOUND}/Lead/${sb.leads[0]!.id}` });
    expect(await byId.json()).toMatchObject({ phoneNumber: '+12125550100', timeZone: null, callData: null });
    for (const path of [
      `/v1/Outbound/${OUTBOUND}/Lead/External/none`,
      `/v1/Outbound/${OUTBOUND}/Lead/abc`,
      '/x',
    ]) {
      expect((await call(sb, { method: 'GET', path })).status).toBe(404);
    }
    expect(
      (await call(sb, { method: 'GET', path: `/v1/Outbound/${OUTBOUND}/Lead/abc`, token: 'x' })).status,
    ).toBe(401);
  });
});

describe('Update Lead', () => {
  it('changes only the values given and answers the updated lead view', async () => {
    const sb = await start();
    const id = await newLead(sb, {
      phoneNumber: '+12125550100',
      externalId: 'crm-1',
      timeZoneId: 'Pacific Standard Time',
      callData: { firstName: 'Ada', age: 36 },
    });
    const created = sb.leads[0]!.created;
    const changed = await send(sb, 'PUT', `/Lead/${id}`, { callData: { firstName: 'Grace' }, status: 100 });
    expect(changed).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: {
        id,
        externalId: 'crm-1',
        phoneNumber: '+12125550100',
        timeZone: -8,
        status: 100,
        created,
        // A callData given replaces the whole callData.
        callData: { firstName: 'Grace' },
      },
    });
    // null counts as not given; an empty body object changes nothing.
    expect(
      (await send(sb, 'PUT', `/Lead/${id}`, { externalId: null, callData: null, status: null })).body,
    ).toEqual(changed.body);
    expect((await send(sb, 'PUT', `/lead/${id}`, {})).body).toEqual(changed.body);

    const moved = await send(sb, 'PUT', `/Lead/${id}`, {
      phoneNumber: '+4930123456',
      externalId: 'crm-9',
      timeZoneId: 'W. Europe Standard Time',
    });
    expect(moved.body).toMatchObject({
      phoneNumber: '+4930123456',
      externalId: 'crm-9',
      timeZone: 1,
      status: 100,
    });
    expect((await send(sb, 'GET', '/Lead/External/crm-9')).body).toMatchObject({ id });
    expect((await send(sb, 'GET', '/Lead/External/crm-1')).status).toBe(404);
    expect(sb.leads).toEqual([
      expect.objectContaining({ id, externalId: 'crm-9', timeZoneId: 'W. Europe Standard Time' }),
    ]);
  });

  it.each([1, 10, 20, 30, 40, 70, 100, 110, 130, 150, 500])(
    'takes the documented status %i',
    async (status) => {
      const sb = await start();
      const id = await newLead(sb);
      expect((await send(sb, 'PUT', `/Lead/${id}`, { status })).body).toMatchObject({ status });
      expect(sb.leads[0]?.status).toBe(status);
    },
  );

  it.each([
    [
      'a phone that is not E.164',
      { phoneNumber: '212-555-0100' },
      { PhoneNumber: ['The phone number "212-555-0100" is not a valid E.164 number.'] },
    ],
    [
      'an empty phone',
      { phoneNumber: '' },
      { PhoneNumber: ['The phone number "" is not a valid E.164 number.'] },
    ],
    [
      'a number as externalId',
      { externalId: 7 },
      { '$.externalId': ['The JSON value could not be converted to System.String. Path: $.externalId'] },
    ],
    [
      'a nested callData value',
      { callData: { a: [1] } },
      { '$.callData.a': ['The value of callData "a" must be a string, a number or a boolean.'] },
    ],
    ['an undocumented status', { status: 220 }, { Status: ['The field Status is invalid.'] }],
    [
      'a status by name',
      { status: 'Success' },
      {
        '$.status': [
          'The JSON value could not be converted to NLPearl.Api.Models.LeadStatus. Path: $.status',
        ],
      },
    ],
  ])('answers 400 ValidationProblemDetails to %s, and changes nothing', async (_name, body, errors) => {
    const sb = await start();
    const id = await newLead(sb);
    const before = structuredClone(sb.leads[0]);
    expect(errorsOf(await send(sb, 'PUT', `/Lead/${id}`, { status: 100, ...body }))).toEqual(errors);
    expect(sb.leads[0]).toEqual(before);
  });

  it('answers 404 to an unknown lead (validation first), 401 without the token, 400 to no body', async () => {
    const sb = await start({ outbounds: [OUTBOUND, 'other'] });
    const id = await newLead(sb);
    expect(await send(sb, 'PUT', '/Lead/000000000000000000000000', { status: 130 })).toEqual({
      status: 404,
      type: null,
      body: undefined,
    });
    const elsewhere = await call(sb, {
      method: 'PUT',
      path: `/v1/Outbound/other/Lead/${id}`,
      body: { status: 130 },
    });
    expect(elsewhere.status).toBe(404);
    expect(errorsOf(await send(sb, 'PUT', '/Lead/000000000000000000000000', { status: 3 }))).toEqual({
      Status: ['The field Status is invalid.'],
    });
    expect(errorsOf(await send(sb, 'PUT', `/Lead/${id}`))).toEqual({
      '': ['A non-empty request body is required.'],
    });
    const anonymous = await call(sb, {
      method: 'PUT',
      path: `/v1/Outbound/${OUTBOUND}/Lead/${id}`,
      body: {},
      token: null,
    });
    expect(anonymous.status).toBe(401);
    expect(sb.leads[0]?.status).toBe(1);
  });
});

describe('Delete Leads', () => {
  it('removes the leads named by id, ignores unknown ids, and answers true', async () => {
    const sb = await start();
    const [a, b, c] = [await newLead(sb), await newLead(sb), await newLead(sb)];
    const answer = await send(sb, 'DELETE', '/Leads', { leadIds: [a, 'ffffffffffffffffffffffff', c] });
    expect(answer).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: true });
    expect(sb.leads.map((l) => l.id)).toEqual([b]);
    expect(sb.removed.map((l) => l.id)).toEqual([a, c]);
    expect((await send(sb, 'GET', `/Lead/${a}`)).status).toBe(404);
    expect((await send(sb, 'PUT', `/Lead/${c}`, { status: 130 })).status).toBe(404);
    expect((await search(sb, { skip: 0, limit: 10, isAscending: true })).count).toBe(1);
    // Again: still true, and counted, so a test sees a lead deleted twice.
    expect((await send(sb, 'DELETE', '/Leads', { leadIds: [a] })).body).toBe(true);
    expect((await send(sb, 'DELETE', '/Leads', { leadIds: [] })).body).toBe(true);
    expect(sb.touches().leads).toEqual({
      [a]: { updates: 0, deletes: 2 },
      [c]: { updates: 1, deletes: 1 },
      ffffffffffffffffffffffff: { updates: 0, deletes: 1 },
    });
  });

  it('removes every lead with the externalIds named, and only in that outbound', async () => {
    const sb = await start({ outbounds: [OUTBOUND, 'other'] });
    const first = await newLead(sb, { phoneNumber: '+12125550100', externalId: 'crm-1' });
    const second = await newLead(sb, { phoneNumber: '+12125550101', externalId: 'crm-1' });
    const kept = await newLead(sb, { phoneNumber: '+12125550102', externalId: 'crm-2' });
    const other = await call(sb, {
      path: '/v1/Outbound/other/Lead',
      body: { phoneNumber: '+12125550100', externalId: 'crm-1' },
    });
    expect(other.status).toBe(200);
    const answer = await send(sb, 'DELETE', '/Leads/External', { leadExternalIds: ['crm-1', 'none'] });
    expect(answer.body).toBe(true);
    expect(sb.leads.map((l) => [l.outboundId, l.id])).toEqual([
      [OUTBOUND, kept],
      ['other', expect.any(String)],
    ]);
    expect((await send(sb, 'GET', '/Lead/External/crm-1')).status).toBe(404);
    expect(sb.touches()).toEqual({
      leads: { [first]: { updates: 0, deletes: 1 }, [second]: { updates: 0, deletes: 1 } },
      externalDeletes: { 'crm-1': 1, none: 1 },
    });
  });

  it.each([
    ['/Leads', { ids: ['a'] }, { LeadIds: ['The LeadIds field is required.'] }],
    [
      '/Leads',
      { leadIds: 'a' },
      {
        '$.leadIds': [
          'The JSON value could not be converted to System.Collections.Generic.List. Path: $.leadIds',
        ],
      },
    ],
    [
      '/Leads',
      { leadIds: ['a', 7] },
      { '$.leadIds[1]': ['The JSON value could not be converted to System.String. Path: $.leadIds[1]'] },
    ],
    ['/Leads/External', { leadIds: ['a'] }, { LeadExternalIds: ['The LeadExternalIds field is required.'] }],
  ])('DELETE %s answers 400 to %j and removes nothing', async (rest, body, errors) => {
    const sb = await start();
    await newLead(sb, { phoneNumber: '+12125550100', externalId: 'a' });
    const id = sb.leads[0]!.id;
    expect(errorsOf(await send(sb, 'DELETE', rest, body))).toEqual(errors);
    expect(sb.leads.map((l) => l.id)).toEqual([id]);
    expect(sb.touches()).toEqual({ leads: {}, externalDeletes: {} });
  });

  it('answers 401 without the token and 404 to an unknown outbound', async () => {
    const sb = await start();
    const id = await newLead(sb);
    const body = { leadIds: [id] };
    expect(
      (await call(sb, { method: 'DELETE', path: `/v1/Outbound/${OUTBOUND}/Leads`, body, token: null }))
        .status,
    ).toBe(401);
    expect((await call(sb, { method: 'DELETE', path: '/v1/Outbound/nope/Leads', body })).status).toBe(404);
    expect(sb.leads).toHaveLength(1);
  });
});

describe('Search Leads', () => {
  it('caps the page at searchPageCap whatever the limit, while count tells the total', async () => {
    const sb = await start();
    for (let i = 0; i < 250; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          newLead(sb, { phoneNumber: `+1212555${String(i + j).padStart(4, '0')}` }),
        ),
      );
    }
    const first = await search(sb, { skip: 0, limit: 500, isAscending: true });
    expect([first.count, first.results.length]).toEqual([250, 100]);
    const last = await search(sb, { skip: 200, limit: 500, isAscending: true });
    expect([last.count, last.results.length]).toEqual([250, 50]);
    expect((await search(sb, { skip: 0, limit: 7, isAscending: true })).results).toHaveLength(7);
    expect((await search(sb, { skip: 300, limit: 7, isAscending: true })).results).toHaveLength(0);

    // Paging by what came back, until count, sees every lead once, in creation order.
    const seen: string[] = [];
    for (let page = await search(sb, { skip: 0, limit: 1000, isAscending: true }); page.results.length > 0;) {
      seen.push(...page.results.map((r) => r.id));
      page = await search(sb, { skip: seen.length, limit: 1000, isAscending: true });
    }
    expect(seen).toEqual(sb.leads.map((l) => l.id));
  });

  it('takes another cap as an option', async () => {
    const sb = await start({ searchPageCap: 2 });
    for (let i = 0; i < 3; i += 1) await newLead(sb);
    const page = await search(sb, { skip: 0, limit: 500, isAscending: false });
    expect([page.count, page.results.map((r) => r.id)]).toEqual([3, [sb.leads[2]!.id, sb.leads[1]!.id]]);
    await expect(startSandbox({ searchPageCap: 0 })).rejects.toThrow(/searchPageCap/);
  });

  it('filters by statuses, and refuses a status that is not a documented integer', async () => {
    const sb = await start();
    const ids = [await newLead(sb), await newLead(sb), await newLead(sb)];
    await send(sb, 'PUT', `/Lead/${ids[1]}`, { status: 100 });
    await send(sb, 'PUT', `/Lead/${ids[2]}`, { status: 130 });
    const ofStatuses = async (statuses: unknown) =>
      (await search(sb, { skip: 0, limit: 10, isAscending: true, statuses })).results.map((r) => r.id);
    expect(await ofStatuses([100])).toEqual([ids[1]]);
    expect(await ofStatuses([1, 130])).toEqual([ids[0], ids[2]]);
    expect(await ofStatuses([20])).toEqual([]);
    expect(await ofStatuses([])).toEqual(ids);
    expect(await ofStatuses(null)).toEqual(ids);
    expect(errorsOf(await send(sb, 'POST', '/Leads', { skip: 0, limit: 1, statuses: ['New'] }))).toEqual({
      '$.statuses[0]': [
        'The JSON value could not be converted to NLPearl.Api.Models.LeadStatus. Path: $.statuses[0]',
      ],
    });
    expect(errorsOf(await send(sb, 'POST', '/Leads', { skip: 0, limit: 1, statuses: [1, 220] }))).toEqual({
      Statuses: ['The field Statuses is invalid.'],
    });
  });

  it('matches searchInput in the phone digits (with or without +) and in the externalId, ignoring case', async () => {
    const sb = await start();
    const a = await newLead(sb, { phoneNumber: '+12125550100', externalId: 'CRM-1' });
    const b = await newLead(sb, { phoneNumber: '+4930123456', externalId: 'crm-10' });
    const c = await newLead(sb, { phoneNumber: '+447700900123' });
    const found = async (searchInput: string) =>
      (await search(sb, { skip: 0, limit: 10, isAscending: true, searchInput })).results.map((r) => r.id);
    expect(await found('+12125550100')).toEqual([a]);
    expect(await found('12125550100')).toEqual([a]);
    expect(await found('4930')).toEqual([b]);
    expect(await found('+4477')).toEqual([c]);
    expect(await found('crm-1')).toEqual([a, b]);
    expect(await found('Crm-10')).toEqual([b]);
    expect(await found('1')).toEqual([a, b, c]);
    expect(await found('  ')).toEqual([a, b, c]);
    expect(await found('+1 212')).toEqual([]);
  });

  it('sorts by created (the default), by phoneNumber or by status, stably, either way', async () => {
    const sb = await start();
    const phones = ['+12125550102', '+12125550100', '+12125550102', '+12125550101'];
    const ids: string[] = [];
    for (const phoneNumber of phones) ids.push(await newLead(sb, { phoneNumber }));
    const order = async (query: object) =>
      (await search(sb, { skip: 0, limit: 10, ...query })).results.map((r) => ids.indexOf(r.id));
    expect(await order({ isAscending: true })).toEqual([0, 1, 2, 3]);
    expect(await order({ isAscending: true, sortProp: 'created' })).toEqual([0, 1, 2, 3]);
    // isAscending defaults to false, as a C# bool does.
    expect(await order({})).toEqual([3, 2, 1, 0]);
    expect(await order({ isAscending: true, sortProp: 'phoneNumber' })).toEqual([1, 3, 0, 2]);
    expect(await order({ isAscending: false, sortProp: 'PhoneNumber' })).toEqual([2, 0, 3, 1]);
    await send(sb, 'PUT', `/Lead/${ids[0]}`, { status: 100 });
    expect(await order({ isAscending: true, sortProp: 'status' })).toEqual([1, 2, 3, 0]);
    expect(await order({ isAscending: true, skip: 1, limit: 2 })).toEqual([1, 2]);
    expect(await order({ isAscending: false, skip: 1, limit: 2 })).toEqual([2, 1]);
  });
});

/** `count` E.164 numbers from +12125550000 up, each with externalId `hand-N`. */
const handLeads = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    phoneNumber: `+1212555${String(from + i).padStart(4, '0')}`,
    externalId: `hand-${from + i}`,
  }));

/** A control endpoint's answer, its JSON body parsed. */
async function control(sb: Sandbox, method: string, name: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sb.url}/_sandbox/${name}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

describe('leads already in the campaign (added by hand on the platform)', () => {
  it('starts with initialLeads, which the API finds but stats().created does not count', async () => {
    const sb = await start({
      outbounds: [OUTBOUND, 'other'],
      initialLeads: [
        ...handLeads(49),
        {
          outboundId: 'other',
          phoneNumber: '+4930123456',
          timeZoneId: 'UTC',
          callData: { vip: true },
          status: 100,
        },
      ],
    });
    expect(sb.leads).toHaveLength(50);
    expect(sb.leads.every((l) => l.origin === 'platform')).toBe(true);
    expect(sb.leads[49]).toMatchObject({
      outboundId: 'other',
      externalId: null,
      status: 100,
      callData: { vip: true },
    });
    expect(sb.stats().created).toBe(0);
    expect((await search(sb, { skip: 0, limit: 100, isAscending: true })).count).toBe(49);
    expect((await send(sb, 'GET', '/Lead/External/hand-7')).body).toMatchObject({
      id: sb.leads[7]!.id,
      phoneNumber: '+12125550007',
      status: 1,
    });
    expect((await control(sb, 'GET', 'leads')).body).toEqual(sb.leads);
  });

  it('adds leads to a running sandbox with POST /_sandbox/leads or addLeads()', async () => {
    const sb = await start();
    await newLead(sb);
    const added = await control(sb, 'POST', 'leads', handLeads(2));
    expect(added.status).toBe(200);
    expect(added.body).toEqual(sb.leads.slice(1));
    expect(sb.leads.map((l) => [l.origin, l.externalId])).toEqual([
      ['api', null],
      ['platform', 'hand-0'],
      ['platform', 'hand-1'],
    ]);
    const [third] = sb.addLeads([{ phoneNumber: '+12125550199', status: 130 }]);
    expect(sb.leads.at(-1)).toBe(third);
    expect(third).toMatchObject({ origin: 'platform', status: 130, outboundId: OUTBOUND });
    expect(sb.stats().created).toBe(1);
  });

  it('refuses a bad platform lead, naming it, and adds none of the batch', async () => {
    const sb = await start();
    const bad = [
      { phoneNumber: '+12125550100' },
      { phoneNumber: '212-555-0100', status: 220, outboundId: 'nope' },
      { phoneNumber: '+12125550101', firstName: 'Ada' },
    ];
    const answer = await control(sb, 'POST', 'leads', bad);
    expect(answer.status).toBe(400);
    expect((answer.body as { errors: { leads: string[] } }).errors.leads).toEqual([
      '1.phoneNumber: expected an E.164 number such as +12125550100',
      '1.status: expected a documented lead status (1, 10, 20, 30, 40, 70, 100, 110, 130, 150 or 500)',
      '2: Unrecognized key: "firstName"',
    ]);
    expect(
      (await control(sb, 'POST', 'leads', [{ phoneNumber: '+12125550100', outboundId: 'nope' }])).body,
    ).toMatchObject({
      errors: { leads: ['0.outboundId: unknown outbound "nope"'] },
    });
    expect((await control(sb, 'POST', 'leads', { phoneNumber: '+12125550100' })).status).toBe(400);
    expect(() => sb.addLeads([{ phoneNumber: '12' }])).toThrow(/Invalid sandbox leads: 0\.phoneNumber/);
    expect(sb.leads).toHaveLength(0);
    await expect(startSandbox({ initialLeads: [{ phoneNumber: '' }] })).rejects.toThrow(
      /Invalid sandbox initialLeads: 0\.phoneNumber/,
    );
  });

  it('reset() brings the initial leads back as they were, and forgets every other lead', async () => {
    const sb = await start({
      initialLeads: [...handLeads(2), { phoneNumber: '+12125550199', callData: { a: 1 } }],
    });
    const initial = structuredClone(sb.leads);
    await send(sb, 'PUT', `/Lead/${initial[2]!.id}`, { callData: { a: 2 }, status: 100 });
    await send(sb, 'DELETE', '/Leads', { leadIds: [initial[0]!.id] });
    await newLead(sb);
    sb.addLeads(handLeads(1, 5));
    expect(sb.leads).toHaveLength(4);

    sb.reset();
    expect(sb.leads).toEqual(initial);
    expect(sb.removed).toEqual([]);
    expect(sb.touches()).toEqual({ leads: {}, externalDeletes: {} });
    expect((await send(sb, 'GET', `/Lead/${initial[0]!.id}`)).status).toBe(200);
    expect((await send(sb, 'GET', '/Lead/External/hand-5')).status).toBe(404);
    // What a run changes after a reset does not reach the initial leads kept for the next one.
    await send(sb, 'PUT', `/Lead/${initial[2]!.id}`, { callData: { a: 3 } });
    expect((await control(sb, 'POST', 'reset')).status).toBe(204);
    expect(sb.leads).toEqual(initial);
  });

  it('keeps platform leads even without recordLeads, where API leads are only counted', async () => {
    const sb = await start({ recordLeads: false, initialLeads: handLeads(3) });
    await newLead(sb);
    expect(sb.leads.map((l) => l.origin)).toEqual(['platform', 'platform', 'platform']);
    expect((await search(sb, { skip: 0, limit: 10, isAscending: true })).count).toBe(3);
    expect(sb.stats().created).toBe(1);
  });
});

describe('lead statuses changed by calls (setLeadStatus, POST /_sandbox/lead-status)', () => {
  it('marks the first count leads, or the leads named, and Search Leads sees it', async () => {
    const sb = await start({ initialLeads: handLeads(500) });
    const changed = sb.setLeadStatus({ count: 300 }, 100);
    expect(changed).toEqual(sb.leads.slice(0, 300).map((l) => l.id));
    expect((await search(sb, { skip: 0, limit: 1, isAscending: true, statuses: [100] })).count).toBe(300);
    expect((await search(sb, { skip: 0, limit: 1, isAscending: true, statuses: [1] })).count).toBe(200);

    const last = sb.leads[499]!.id;
    const answer = await control(sb, 'POST', 'lead-status', { leadIds: [last, 'nope'], status: 40 });
    expect(answer).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { leadIds: [last] },
    });
    expect((await send(sb, 'GET', `/Lead/${last}`)).body).toMatchObject({ status: 40 });
    // Not API requests: not recorded, not counted as updates.
    expect(sb.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET']);
    expect(sb.touches().leads).toEqual({});
  });

  it('takes an outbound with count, and refuses what does not fit', async () => {
    const sb = await start({
      outbounds: [OUTBOUND, 'other'],
      initialLeads: [...handLeads(2), { outboundId: 'other', phoneNumber: '+4930123456' }],
    });
    const other = await control(sb, 'POST', 'lead-status', { count: 5, outboundId: 'other', status: 150 });
    expect(other.body).toEqual({ leadIds: [sb.leads[2]!.id] });
    for (const [body, issue] of [
      [{ count: 1, status: 3 }, 'status: expected a documented lead status'],
      [{ count: -1, status: 1 }, 'count: Too small'],
      [{ leadIds: ['a'], count: 1, status: 1 }, 'Unrecognized key: "count"'],
      [{ leadIds: 'a', status: 1 }, 'leadIds: Invalid input'],
    ] as const) {
      const answer = await control(sb, 'POST', 'lead-status', body);
      expect(answer.status).toBe(400);
      expect(
        (answer.body as { errors: { 'lead-status': string[] } }).errors['lead-status'].join('; '),
      ).toContain(issue);
    }
    expect(() => sb.setLeadStatus({ count: 1 }, 7 as never)).toThrow(/Invalid sandbox lead-status: status/);
    expect(sb.leads.map((l) => l.status)).toEqual([1, 1, 150]);
  });
});

describe('counting for tests', () => {
  it('duplicates(): leads of one outbound sharing a phone or an externalId, held or also removed', async () => {
    const sb = await start({
      outbounds: [OUTBOUND, 'other'],
      initialLeads: [{ phoneNumber: '+12125550100', externalId: 'crm-1' }],
    });
    expect(sb.duplicates()).toEqual([]);
    const again = await newLead(sb, { phoneNumber: '+12125550100' });
    const sameExternal = await newLead(sb, { phoneNumber: '+12125550101', externalId: 'crm-1' });
    await call(sb, {
      path: '/v1/Outbound/other/Lead',
      body: { phoneNumber: '+12125550101', externalId: 'crm-1' },
    });
    const first = sb.leads[0]!.id;
    expect(sb.duplicates()).toEqual([
      { outboundId: OUTBOUND, field: 'phoneNumber', value: '+12125550100', leadIds: [first, again] },
      { outboundId: OUTBOUND, field: 'externalId', value: 'crm-1', leadIds: [first, sameExternal] },
    ]);
    expect((await control(sb, 'GET', 'duplicates')).body).toEqual(sb.duplicates());

    await send(sb, 'DELETE', '/Leads', { leadIds: [first] });
    expect(sb.duplicates()).toEqual([]);
    expect(sb.duplicates({ includeRemoved: true }).map((g) => [g.field, g.leadIds])).toEqual([
      ['phoneNumber', [first, again]],
      ['externalId', [first, sameExternal]],
    ]);
  });

  it('touches: per lead, the Update and Delete requests that named it; the log keeps their bodies', async () => {
    const sb = await start();
    const [a, b] = [await newLead(sb, { phoneNumber: '+12125550100', externalId: 'x' }), await newLead(sb)];
    await send(sb, 'PUT', `/Lead/${a}`, { status: 130 });
    await send(sb, 'PUT', `/Lead/${a}`, { status: 'bad' });
    await send(sb, 'PUT', `/Lead/${b}`, { callData: { n: 1 } });
    await send(sb, 'DELETE', '/Leads/External', { leadExternalIds: ['x'] });
    await send(sb, 'DELETE', '/Leads', { leadIds: [a, b] });
    const touches = {
      leads: { [a]: { updates: 1, deletes: 2 }, [b]: { updates: 1, deletes: 1 } },
      externalDeletes: { x: 1 },
    };
    expect(sb.touches()).toEqual(touches);
    expect((await control(sb, 'GET', 'touches')).body).toEqual(touches);
    expect((await control(sb, 'GET', 'removed-leads')).body).toEqual(sb.removed);
    expect(sb.removed.map((l) => l.id)).toEqual([a, b]);
    expect(sb.requests.slice(2).map((r) => [r.method, r.status, r.body])).toEqual([
      ['PUT', 200, { status: 130 }],
      ['PUT', 400, { status: 'bad' }],
      ['PUT', 200, { callData: { n: 1 } }],
      ['DELETE', 200, { leadExternalIds: ['x'] }],
      ['DELETE', 200, { leadIds: [a, b] }],
    ]);
  });
});

describe('lead views', () => {
  it.each([
    ['Pacific Standard Time', -8],
    ['W. Europe Standard Time', 1],
    ['Türkiye Standard Time', 3],
    ['Nepal Standard Time', 5.75],
    ['UTC', 0],
    ['Hawaiian Standard Time', null],
  ])('shows %s as the offset %s, not the id sent', async (timeZoneId, offset) => {
    const sb = await start();
    const { leadId } = (await (await addLead(sb, { phoneNumber: '+12125550100', timeZoneId })).json()) as {
      leadId: string;
    };
    const view = (await (
      await call(sb, { method: 'GET', path: `/v1/Outbound/${OUTBOUND}/Lead/${leadId}` })
    ).json()) as {
      timeZone: unknown;
    };
    expect(view.timeZone).toBe(offset);
    expect(sb.leads[0]?.timeZoneId).toBe(timeZoneId);
  });
});

describe('control endpoints', () => {
  it('reports stats and leads, sets faults and resets, without auth and without being recorded', async () => {
    const sb = await start();
    await addLead(sb);
    const stats = await (await fetch(`${sb.url}/_sandbox/stats`)).json();
    expect(stats).toEqual({ requests: 1, created: 1, byStatus: { 200: 1 }, maxPerSecond: 1 });
    expect(await (await fetch(`${sb.url}/_sandbox/leads`)).json()).toEqual(sb.leads);

    const set = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', body: '{"rate5xx":1}' });
    expect(set.status).toBe(204);
    expect((await addLead(sb)).status).toBe(503);
    const bad = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', body: '{"rate5xx":"x"}' });
    expect(bad.status).toBe(400);

    expect((await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(sb.leads).toHaveLength(0);
    expect(sb.stats()).toEqual({ requests: 0, created: 0, byStatus: {}, maxPerSecond: 0 });
    expect((await addLead(sb)).status).toBe(503);
  });

  it('keeps connections alive between requests', async () => {
    const sb = await start();
    const { request } = await import('node:http');
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${sb.url}/_sandbox/stats`, { agent }, (res) => {
          ports.push(res.socket.localPort!);
          res.resume().on('end', resolve);
        });
        req.on('error', reject).end();
      });
    }
    agent.destroy();
    expect(new Set(ports).size).toBe(1);
  });
});

describe('without recording (recordRequests: false, recordLeads: false)', () => {
  it('keeps no request and no lead, yet counts every request, status and created lead', async () => {
    const sb = await start({ recordRequests: false, recordLeads: false });
    const answers = await Promise.all([
      addLead(sb, { phoneNumber: '+12125550100', externalId: 'crm-1' }),
      addLead(sb, { phoneNumber: '+12125550101' }),
      addLead(sb, { phoneNumber: '+12125550102' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const { leadId } = (await answers[0].json()) as { leadId: string };
    expect(leadId).toMatch(/^[0-9a-f]{24}$/);
    expect((await addLead(sb, '{"phoneNumber":')).status).toBe(400);
    expect((await call(sb, { body: { phoneNumber: '+12125550103' }, token: 'x' })).status).toBe(401);

    // Leads are counted, not kept: every lookup misses.
    for (const path of [
      `/v1/Outbound/${OUTBOUND}/Lead/${leadId}`,
      `/v1/Outbound/${OUTBOUND}/Lead/External/crm-1`,
    ]) {
      expect((await call(sb, { method: 'GET', path })).status).toBe(404);
    }
    const search = await call(sb, {
      method: 'POST',
      path: `/v1/Outbound/${OUTBOUND}/Leads`,
      body: { skip: 0, limit: 10, isAscending: true, searchInput: '+12125550100' },
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { count: number }).count).toBe(0);

    expect(sb.requests).toEqual([]);
    expect(sb.leads).toEqual([]);
    const expected = {
      requests: 8,
      created: 3,
      byStatus: { 200: 4, 400: 1, 401: 1, 404: 2 },
      maxPerSecond: expect.any(Number) as unknown,
    };
    expect(sb.stats()).toEqual(expected);
    expect(await (await fetch(`${sb.url}/_sandbox/stats`)).json()).toEqual(expected);
    expect(await (await fetch(`${sb.url}/_sandbox/leads`)).json()).toEqual([]);
  });
});

describe('nlpearl-leads sandbox (the built CLI)', () => {
  let cli: RunningCli | undefined;

  afterEach(async () => {
    if (cli !== undefined && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.done;
    }
    cli = undefined;
  });

  /** The URL of the sandbox's listening line, read from the running CLI's stdout. */
  function listeningUrl(running: RunningCli): Promise<string> {
    return new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`no listening line within 20 s; stderr: ${running.stderr()}`)),
        20_000,
      );
      running.child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^NLPearl sandbox listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void running.done.then((run) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited (${run.code ?? run.signal}) before listening: ${run.stderr}`));
      });
    });
  }

  it.each([
    ['--no-record', ['--no-record'], 0],
    ['the default (--record)', [], 3],
  ])(
    '%s: listens, counts Add Lead requests in /_sandbox/stats, stops on SIGTERM',
    async (_name, flags, kept) => {
      cli = startCli(['sandbox', ...flags, '--port', '0']);
      const url = await listeningUrl(cli);
      const put = (phoneNumber: string): Promise<Response> =>
        fetch(`${url}/v1/Outbound/${OUTBOUND}/Lead`, {
          method: 'PUT',
          headers: {
            authorization: 'Bearer sandbox-account:sandbox-secret',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ phoneNumber }),
        });
      const answers = await Promise.all(['+12125550100', '+12125550101', '+12125550102'].map(put));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      const { leadId } = (await answers[0]!.json()) as { leadId: string };
      const lookup = await fetch(`${url}/v1/Outbound/${OUTBOUND}/Lead/${leadId}`, {
        headers: { authorization: 'Bearer sandbox-account:sandbox-secret' },
      });
      expect(lookup.status).toBe(kept > 0 ? 200 : 404);

      expect(await (await fetch(`${url}/_sandbox/stats`)).json()).toEqual({
        requests: 4,
        created: 3,
        byStatus: kept > 0 ? { 200: 4 } : { 200: 3, 404: 1 },
        maxPerSecond: expect.any(Number) as unknown,
      });
      expect(await (await fetch(`${url}/_sandbox/leads`)).json()).toHaveLength(kept);

      cli.child.kill('SIGTERM');
      const run = await cli.done;
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    },
  );
});

describe('runSandboxCommand', () => {
  it('prints one parseable line and stops when the signal aborts', async () => {
    const stdout = new PassThrough();
    const controller = new AbortController();
    const running = runSandboxCommand(
      { port: 0, host: '127.0.0.1', rate5xx: 1, outbound: ['a', 'b'] },
      { stdout, signal: controller.signal },
    );
    const line = await new Promise<string>((resolve) =>
      stdout.once('data', (chunk: Buffer) => resolve(String(chunk))),
    );
    expect(line).toMatch(
      /^NLPearl sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(token: sandbox-account:sandbox-secret, outbound: a, b\)\n$/,
    );
    const url = /listening on (\S+)/.exec(line)![1]!;
    const res = await fetch(`${url}/v1/Outbound/b/Lead`, {
      method: 'PUT',
      headers: { authorization: 'Bearer sandbox-account:sandbox-secret' },
      body: '{"phoneNumber":"+12125550100"}',
    });
    expect(res.status).toBe(503);
    controller.abort();
    await running;
    await expect(fetch(`${url}/_sandbox/stats`)).rejects.toThrow();
  });

  it('refuses bad fault values with a usage error', async () => {
    const controller = new AbortController();
    await expect(
      runSandboxCommand(
        { port: 0, host: '127.0.0.1', rate429: 2 },
        { stdout: new PassThrough(), signal: controller.signal },
      ),
    ).rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining('rate429') as unknown });
  });
});
