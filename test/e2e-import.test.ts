import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { startRecordingServer } from './helpers/recording-server.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
const TOKEN = 'acct-e2e:secret-e2e';

interface Lead {
  phone: string;
  externalId: string;
  timeZone: string;
  firstName: string;
  email: string;
  address: string;
  notes: string;
}

/** 2,000 leads whose notes hold quoted commas, quotes and newlines, and a third without a time zone. */
function makeLeads(count: number): Lead[] {
  const zones = ['Eastern Standard Time', '', 'Pacific Standard Time'];
  const notes = ['', 'call after 5pm, not before', 'said "maybe"', 'two\nlines', 'plain'];
  return Array.from({ length: count }, (_, i) => ({
    phone: `+1212555${String(i).padStart(4, '0')}`,
    externalId: `crm-${i + 1}`,
    timeZone: zones[i % zones.length]!,
    firstName: `Name${i + 1}`,
    email: i % 7 === 0 ? '' : `lead${i + 1}@example.com`,
    address: `${i + 1} Main St, Springfield`,
    notes: notes[i % notes.length]!,
  }));
}

function writeCsv(file: string, header: string[], leads: Lead[]): void {
  const rows = leads.map((l) => [
    l.phone,
    l.externalId,
    l.timeZone,
    l.firstName,
    l.email,
    l.address,
    l.notes,
  ]);
  fs.writeFileSync(file, stringify([header, ...rows]));
}

function readResults(file: string): Record<string, string>[] {
  return parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
}

describe.each([
  ['phoneNumber', 'externalId', 'timeZoneId', 'firstName', 'email', 'address', 'notes'],
  ['Phone Number', 'External ID', 'Time Zone', 'First Name', 'email', 'address', 'notes'],
])('import of 2,000 rows with header %s,…', (...header) => {
  it('sends exactly one PUT per row with its values and writes every leadId', async () => {
    const server = await startRecordingServer();
    try {
      const leads = makeLeads(2_000);
      const input = path.join(tempDir(), 'leads.csv');
      writeCsv(input, header, leads);
      const run = await runCli(['import', input, '--outbound', 'out-1', '--api-url', server.url], {
        NLPEARL_API_TOKEN: TOKEN,
      });
      expect(run.stderr).not.toContain('"level":50');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('2000 created, 0 invalid, 0 failed, 0 skipped');

      expect(server.puts).toHaveLength(2_000);
      expect(new Set(server.puts.map((p) => p.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
      const byExternalId = new Map(
        server.puts.map((p) => [(p.body as { externalId: string }).externalId, p.body]),
      );
      for (const lead of leads) {
        const callData: Record<string, string> = {};
        const [, , , firstName, email, address, notes] = header;
        if (lead.firstName) callData[firstName] = lead.firstName;
        if (lead.email) callData[email] = lead.email;
        if (lead.address) callData[address] = lead.address;
        if (lead.notes) callData[notes] = lead.notes;
        expect(byExternalId.get(lead.externalId)).toStrictEqual({
          phoneNumber: lead.phone,
          externalId: lead.externalId,
          ...(lead.timeZone === '' ? {} : { timeZoneId: lead.timeZone }),
          callData,
        });
      }

      const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
      expect(results).toHaveLength(2_000);
      expect(results.map((r) => r._row)).toEqual(leads.map((_, i) => String(i + 1)));
      expect(results.every((r) => r._status === 'created' && r._error === '' && r._attempts === '1')).toBe(
        true,
      );
      const leadIdOf = new Map(
        server.puts.map((p, i) => [(p.body as { externalId: string }).externalId, server.leadIds[i]]),
      );
      expect(results.map((r) => r._leadId)).toEqual(leads.map((l) => leadIdOf.get(l.externalId)));
      expect(results.map((r) => r[header[6]])).toEqual(leads.map((l) => l.notes));
    } finally {
      await server.close();
    }
  });
});

describe('import against the sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const importArgs = (input: string) => [
    'import',
    input,
    '--outbound',
    'sandbox-outbound',
    '--api-url',
    sandbox.url,
  ];

  it('fails a row the API rejects with its message, retries 503s, and goes on', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(input, 'phone,name\n+12125550100,Ada\n+12125550101,Grace\n+12125550102,Alan\n');
    sandbox.enqueue(
      {
        status: 400,
        body: {
          title: 'One or more validation errors occurred.',
          status: 400,
          errors: { PhoneNumber: ['The number is not reachable.'] },
        },
      },
      { status: 503 },
      { status: 503 },
    );
    const run = await runCli([...importArgs(input), '--concurrency', '1'], {
      NLPEARL_API_TOKEN: sandbox.token,
    });
    expect(run.code).toBe(1);
    const results = readResults(path.join(path.dirname(input), 'leads.results.csv'));
    expect(results.map((r) => [r._row, r._status, r._error, r._attempts])).toEqual([
      ['1', 'failed', 'HTTP 400: PhoneNumber: The number is not reachable.', '1'],
      ['2', 'created', '', '3'],
      ['3', 'created', '', '1'],
    ]);
    expect(results[1]!._leadId).toBe(sandbox.leads.find((l) => l.phoneNumber === '+12125550101')!.id);
    expect(sandbox.leads.map((l) => l.phoneNumber)).toEqual(['+12125550101', '+12125550102']);
    expect(run.stdout).toContain('Retry the failed rows with: nlpearl-leads retry');
  });

  it('refuses to overwrite an existing results file without a choice', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(input, 'phone\n+12125550100\n');
    const env = { NLPEARL_API_TOKEN: sandbox.token };
    expect((await runCli(importArgs(input), env)).code).toBe(0);
    const again = await runCli(importArgs(input), env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /leads\.results\.csv already exists: pass --resume to continue it, --overwrite to replace it/,
    );
    expect((await runCli([...importArgs(input), '--overwrite'], env)).code).toBe(0);
    expect(sandbox.leads).toHaveLength(2);
  });

  it.each([
    [
      'a missing token',
      'phone\n+12125550100\n',
      {},
      [],
      /^nlpearl-leads: no API token: set NLPEARL_API_TOKEN/,
    ],
    [
      'a token without AccountId:',
      'phone\n+12125550100\n',
      { NLPEARL_API_TOKEN: 'just-the-secret' },
      [],
      /^nlpearl-leads: the API token does not have the form AccountId:SecretKey/,
    ],
    [
      'a missing phone column',
      'name,email\nAda,a@example.com\n',
      { NLPEARL_API_TOKEN: TOKEN },
      [],
      /^nlpearl-leads: no phone column found: .*found: "name", "email"/,
    ],
    [
      'a named column that is not there',
      'phone\n+12125550100\n',
      { NLPEARL_API_TOKEN: TOKEN },
      ['--external-id', 'CRM'],
      /^nlpearl-leads: externalId column "CRM" is not in the header; found: "phone"/,
    ],
    [
      'a missing outbound',
      'phone\n+12125550100\n',
      { NLPEARL_API_TOKEN: TOKEN },
      ['--outbound', ''],
      /no outbound id/,
    ],
  ])('exits 2 with one clear line and sends nothing for %s', async (_case, csv, env, extra, message) => {
    const input = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(input, csv);
    const run = await runCli([...importArgs(input), ...extra], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(sandbox.requests).toHaveLength(0);
    expect(fs.existsSync(path.join(path.dirname(input), 'leads.results.csv'))).toBe(false);
  });

  it('exits 2 for an unreadable file, naming it', async () => {
    const run = await runCli(importArgs(path.join(tempDir(), 'nope.csv')), { NLPEARL_API_TOKEN: TOKEN });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nlpearl-leads: .*nope\.csv/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('dry-runs without a token and sends nothing', async () => {
    const input = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(input, 'phone,name\n+12125550100,Ada\n,Nobody\n');
    const run = await runCli(['import', input, '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('2 rows: 1 valid, 1 invalid, 0 skipped');
    expect(run.stdout).toContain('row 2 (line 3): column "phone": no phone number');
    expect(readResults(path.join(path.dirname(input), 'leads.results.csv')).map((r) => r._status)).toEqual([
      'valid',
      'invalid',
    ]);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('reads standard input with --results', async () => {
    const results = path.join(tempDir(), 'out.csv');
    const run = await runCli(
      ['import', '-', '--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--results', results],
      { NLPEARL_API_TOKEN: sandbox.token },
      'phone\n+12125550100\n',
    );
    expect(run.code).toBe(0);
    expect(readResults(results).map((r) => r._status)).toEqual(['created']);
  });
});
