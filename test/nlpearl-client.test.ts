import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NlpearlClient } from '../src/upload/nlpearl-client.js';

const API = 'https://api.nlpearl.test';
const TOKEN = 'acct-123:secret-XYZ';

function client(outboundId = 'out/1 a', timeoutMs = 5_000) {
  return new NlpearlClient({ apiUrl: `${API}/`, token: TOKEN, outboundId, timeoutMs, concurrency: 2 });
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe('NlpearlClient.addLead', () => {
  it('PUTs the JSON body with the bearer token to the URL-encoded outbound and reads {leadId}', async () => {
    const body = { phoneNumber: '+12125550100', externalId: 'crm-1', callData: { firstName: 'Ada' } };
    const scope = nock(API, {
      reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    })
      .put('/v1/Outbound/out%2F1%20a/Lead', body)
      .reply(200, { leadId: 'lead-1' });
    const api = client();
    await expect(api.addLead(body)).resolves.toEqual({ ok: true, value: 'lead-1' });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('accepts a bare text/plain lead id', async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead')
      .reply(200, 'lead-2\n', { 'content-type': 'text/plain' });
    const api = client('o');
    await expect(api.addLead({ phoneNumber: '+1' })).resolves.toEqual({ ok: true, value: 'lead-2' });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it("turns a 400's ValidationProblemDetails into the messages of its errors", async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead')
      .reply(
        400,
        {
          type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
          title: 'One or more validation errors occurred.',
          status: 400,
          errors: { PhoneNumber: ['The phone number is invalid.'], TimeZoneId: ['Unknown time zone.'] },
        },
        { 'content-type': 'application/problem+json' },
      );
    const api = client('o');
    await expect(api.addLead({ phoneNumber: 'x' })).resolves.toEqual({
      ok: false,
      failure: { kind: 'http', status: 400, retryAfter: undefined },
      message: 'HTTP 400: PhoneNumber: The phone number is invalid.; TimeZoneId: Unknown time zone.',
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('reports 429 with its Retry-After, and 401 with an empty body, without the token', async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead')
      .reply(429, '', { 'retry-after': '3' })
      .put('/v1/Outbound/o/Lead')
      .reply(401, '');
    const api = client('o');
    const throttled = await api.addLead({ phoneNumber: '+1' });
    expect(throttled).toEqual({
      ok: false,
      failure: { kind: 'http', status: 429, retryAfter: '3' },
      message: 'HTTP 429: rate limited',
    });
    const rejected = await api.addLead({ phoneNumber: '+1' });
    expect(rejected).toMatchObject({ ok: false, message: 'HTTP 401: credentials rejected' });
    expect(JSON.stringify([throttled, rejected])).not.toContain('secret-XYZ');
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('reports network faults and timeouts by code', async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .put('/v1/Outbound/o/Lead')
      .delay(500)
      .reply(200, { leadId: 'late' });
    const api = client('o', 100);
    await expect(api.addLead({ phoneNumber: '+1' })).resolves.toMatchObject({
      ok: false,
      failure: { kind: 'network', code: 'ECONNRESET' },
    });
    const timedOut = await api.addLead({ phoneNumber: '+1' });
    expect(timedOut).toMatchObject({ ok: false, failure: { kind: 'network', code: 'ETIMEDOUT' } });
    expect(JSON.stringify(timedOut)).not.toContain('secret-XYZ');
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ['{"leadId": null}', { leadId: null }],
    ['{}', {}],
    ['an empty body', ''],
  ])('reads a 2xx with %s as "no leadId", an outcome unknown, never a server fault', async (_, reply) => {
    const scope = nock(API).put('/v1/Outbound/o/Lead').reply(201, reply);
    const api = client('o');
    await expect(api.addLead({ phoneNumber: '+1' })).resolves.toEqual({
      ok: false,
      failure: { kind: 'no-lead-id', status: 201 },
      message: 'HTTP 201 without a leadId',
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });
});

describe('NlpearlClient lookups', () => {
  it('checks access with Search Leads, limit 1, and reads the campaign count', async () => {
    const scope = nock(API)
      .post('/v1/Outbound/o/Leads', { skip: 0, limit: 1, isAscending: true })
      .reply(200, { count: 42, results: [{ id: 'a', phoneNumber: '+12125550100' }] })
      .post('/v1/Outbound/o/Leads')
      .reply(404, '');
    const api = client('o');
    await expect(api.checkAccess()).resolves.toEqual({ ok: true, value: 42 });
    await expect(api.checkAccess()).resolves.toMatchObject({ ok: false, failure: { status: 404 } });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('finds a lead by externalId, and treats 404 and 400 as not found', async () => {
    const scope = nock(API)
      .get('/v1/Outbound/o/Lead/External/crm%2F7')
      .reply(200, { id: 'lead-7', externalId: 'crm/7' })
      .get('/v1/Outbound/o/Lead/External/none')
      .reply(404)
      .get('/v1/Outbound/o/Lead/External/odd')
      .reply(400, { title: 'bad' })
      .get('/v1/Outbound/o/Lead/External/down')
      .reply(503);
    const api = client('o');
    const lead = (externalId: string) => ({ phoneNumber: '+12125550100', externalId });
    await expect(api.findLead(lead('crm/7'))).resolves.toEqual({ ok: true, value: 'lead-7' });
    await expect(api.findLead(lead('none'))).resolves.toEqual({ ok: true, value: undefined });
    await expect(api.findLead(lead('odd'))).resolves.toEqual({ ok: true, value: undefined });
    await expect(api.findLead(lead('down'))).resolves.toMatchObject({
      ok: false,
      failure: { status: 503 },
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('finds a lead without externalId by Search Leads on its phone digits, taking only an exact match', async () => {
    const page = (...phones: string[]) => ({
      count: phones.length,
      results: phones.map((phoneNumber, i) => ({ id: `lead-${i}`, phoneNumber, externalId: null })),
    });
    const scope = nock(API)
      .post('/v1/Outbound/o/Leads', { skip: 0, limit: 20, searchInput: '12125550100', isAscending: true })
      .reply(200, page('+121255501001', '+12125550100'))
      .post('/v1/Outbound/o/Leads')
      .reply(200, page('+121255501001'))
      .post('/v1/Outbound/o/Leads')
      .reply(200, { unexpected: true });
    const api = client('o');
    await expect(api.findLead({ phoneNumber: '+12125550100' })).resolves.toEqual({
      ok: true,
      value: 'lead-1',
    });
    await expect(api.findLead({ phoneNumber: '+12125550100' })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    await expect(api.findLead({ phoneNumber: '+12125550100' })).resolves.toMatchObject({
      ok: false,
      message: 'HTTP 200: Search Leads answered without {count, results}',
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });
});

describe('NlpearlClient updates and deletes', () => {
  it('updates only the fields given, and deletes leads by id', async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead/lead%2F1', { callData: { plan: 'gold' }, status: 130 })
      .reply(200, { id: 'lead/1', phoneNumber: '+12125550100', status: 130 })
      .delete('/v1/Outbound/o/Leads', { leadIds: ['a', 'b'] })
      .reply(200, 'true')
      .put('/v1/Outbound/o/Lead/gone')
      .reply(404, '');
    const api = client('o');
    await expect(api.updateLead('lead/1', { callData: { plan: 'gold' }, status: 130 })).resolves.toEqual({
      ok: true,
      value: true,
    });
    await expect(api.deleteLeads(['a', 'b'])).resolves.toEqual({ ok: true, value: true });
    await expect(api.updateLead('gone', { status: 130 })).resolves.toMatchObject({
      ok: false,
      failure: { kind: 'http', status: 404 },
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('takes a Delete Leads answered false as a failure: the leads are still there', async () => {
    const scope = nock(API)
      .delete('/v1/Outbound/o/Leads', { leadIds: ['a'] })
      .reply(200, 'false');
    const api = client('o');
    await expect(api.deleteLeads(['a'])).resolves.toEqual({
      ok: false,
      failure: { kind: 'http', status: 502 },
      message: 'HTTP 200: Delete Leads answered false',
    });
    api.close();
    expect(scope.isDone()).toBe(true);
  });

  it('gets a lead as the campaign holds it, and reads 404 as none', async () => {
    const view = {
      id: 'L1',
      phoneNumber: '+12125550100',
      externalId: 'x',
      status: 1,
      timeZone: -5,
      callData: { a: 1 },
    };
    const scope = nock(API)
      .get('/v1/Outbound/o/Lead/L1')
      .reply(200, view)
      .get('/v1/Outbound/o/Lead/L2')
      .reply(404);
    const api = client('o');
    await expect(api.getLead('L1')).resolves.toEqual({ ok: true, value: view });
    await expect(api.getLead('L2')).resolves.toEqual({ ok: true, value: undefined });
    api.close();
    expect(scope.isDone()).toBe(true);
  });
});

describe('NlpearlClient secrecy', () => {
  it('redacts the token and its secret half when an error body echoes them', async () => {
    const scope = nock(API)
      .put('/v1/Outbound/o/Lead')
      .reply(400, { title: `bad header: Bearer ${TOKEN}` })
      .put('/v1/Outbound/o/Lead')
      .reply(500, 'secret was secret-XYZ');
    const api = client('o');
    const first = await api.addLead({ phoneNumber: '+1' });
    const second = await api.addLead({ phoneNumber: '+1' });
    expect(first).toMatchObject({ message: 'HTTP 400: bad header: Bearer [redacted]' });
    expect(second).toMatchObject({ message: 'HTTP 500: secret was [redacted]' });
    api.close();
    expect(scope.isDone()).toBe(true);
  });
});
