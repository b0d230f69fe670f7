import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resolveLedgerLocation } from '../src/ledger/location.js';
import { openLedger } from '../src/ledger/open-ledger.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { runCli } from './helpers/run-cli.js';
import { useSandbox } from './helpers/sandbox.js';
import { useTempDir } from './helpers/temp-dir.js';

const OUTBOUND = 'sandbox-outbound';
const tempDir = useTempDir();
const start = useSandbox();

/** Two leads with an externalId and one without: keyed by externalId, and by phone. */
function writeLeads(dir: string): string {
  const input = path.join(dir, 'leads.csv');
  fs.writeFileSync(
    input,
    'phone,externalId,firstName\n+12125550101,crm-1,Ann\n+12125550102,crm-2,Bob\n+12125550103,,Cy\n',
  );
  return input;
}

async function importWithLedger(box: Sandbox, input: string, ledger: string) {
  const run = await runCli(
    ['import', input, '--outbound', OUTBOUND, '--api-url', box.url, '--log-level', 'warn', '--no-progress'],
    { NLPEARL_API_TOKEN: box.token, NLPEARL_LEDGER: ledger },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

function ledgerCli(ledger: string, args: readonly string[], env: Record<string, string> = {}) {
  return runCli(['ledger', ...args], { NLPEARL_LEDGER: ledger, ...env });
}

function pull(box: Sandbox, ledger: string, ...extra: string[]) {
  return ledgerCli(
    ledger,
    ['pull', '--outbound', OUTBOUND, '--api-url', box.url, '--log-level', 'warn', ...extra],
    { NLPEARL_API_TOKEN: box.token },
  );
}

async function exported(ledger: string): Promise<Record<string, string>[]> {
  const run = await ledgerCli(ledger, ['export', '--outbound', OUTBOUND]);
  expect(run.code).toBe(0);
  return parse<Record<string, string>>(run.stdout, { columns: true });
}

describe('nlpearl-leads ledger', () => {
  it('show, runs and export tell what an import recorded', async () => {
    const box = await start();
    const dir = tempDir();
    const ledger = path.join(dir, 'ledger.sqlite');
    const input = writeLeads(dir);
    await importWithLedger(box, input, ledger);

    const show = await ledgerCli(ledger, ['show']);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Ledger: ${ledger} (schema `);
    expect(show.stdout).toMatch(/outbound\s+created\s+total\n\s+sandbox-outbound\s+3\s+3\n/);
    expect(show.stdout).toMatch(
      new RegExp(`\\n\\s+1\\s+import\\s+\\S+Z\\s+\\S+Z\\s+0\\s+${OUTBOUND}\\s+created 3\\s+${input}\\n`),
    );
    expect(show.stdout).toContain('Locks: none');

    const runs = await ledgerCli(ledger, ['runs', '--outbound', OUTBOUND]);
    expect(runs.code).toBe(0);
    const lines = runs.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+run\s+command\s+started\s+ended\s+exit\s+outbound\s+counts\s+input$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('created 3');
    expect((await ledgerCli(ledger, ['runs', '--outbound', 'another-outbound'])).stdout).toBe('No runs.\n');

    const rows = await exported(ledger);
    const leadIds = new Map(box.leads.map((lead) => [lead.phoneNumber, lead.id]));
    expect(rows).toEqual(
      [
        ['+12125550103', 'phone', '+12125550103'],
        ['crm-1', 'externalId', '+12125550101'],
        ['crm-2', 'externalId', '+12125550102'],
      ].map(([key, keyKind, phone]) => ({
        key,
        keyKind,
        phone,
        leadId: leadIds.get(phone!),
        state: 'created',
        source: input,
        createdRun: '1',
        firstRun: '1',
        lastRun: '1',
      })),
    );
  }, 30_000);

  it('export --output writes the CSV to a file readable by its owner only', async () => {
    const box = await start();
    const dir = tempDir();
    const ledger = path.join(dir, 'ledger.sqlite');
    await importWithLedger(box, writeLeads(dir), ledger);
    const output = path.join(dir, 'ledger.csv');
    const run = await ledgerCli(ledger, ['export', '--outbound', OUTBOUND, '--output', output]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`nlpearl-leads: 3 leads of outbound ${OUTBOUND} written to ${output}\n`);
    expect(fs.readFileSync(output, 'utf8').split('\n')[0]).toBe(
      'key,keyKind,phone,leadId,state,source,createdRun,firstRun,lastRun',
    );
    expect(fs.statSync(output).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('pull records the leads added by hand as pulled, as a run of its own', async () => {
    const box = await start({
      initialLeads: [{ phoneNumber: '+12125550201', externalId: 'hand-1' }, { phoneNumber: '+12125550202' }],
    });
    const dir = tempDir();
    const ledger = path.join(dir, 'ledger.sqlite');
    // Pull creates the ledger: a new machine may start from what the campaign holds.
    const first = await pull(box, ledger);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Pulled outbound ${OUTBOUND} into the ledger ${ledger} (run 1):`);
    expect(first.stdout).toContain('2 leads in the campaign');
    expect(first.stdout).toContain('2 new to the ledger, recorded as pulled');
    const rows = await exported(ledger);
    expect(rows.map(({ key, state, createdRun }) => ({ key, state, createdRun }))).toEqual([
      { key: '+12125550202', state: 'pulled', createdRun: '' },
      { key: 'hand-1', state: 'pulled', createdRun: '' },
    ]);
    expect(rows.map((row) => row.leadId).sort()).toEqual(box.leads.map((lead) => lead.id).sort());

    box.addLeads([{ phoneNumber: '+12125550203', externalId: 'hand-3' }]);
    const second = await pull(box, ledger);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('3 leads in the campaign');
    expect(second.stdout).toContain('1 new to the ledger, recorded as pulled');
    const runs = await ledgerCli(ledger, ['runs']);
    expect(runs.stdout).toMatch(
      /\n\s+2\s+pull\s+.*pulled 3, added 1\s+-\n\s+1\s+pull\s+.*pulled 2, added 2\s+-\n$/,
    );
  }, 30_000);

  it('a long pull logs its progress', async () => {
    // Pages of one lead: fifty pages come after fifty leads, not five thousand.
    const initialLeads = Array.from({ length: 60 }, (_, i) => ({
      phoneNumber: `+1212555${String(300 + i).padStart(4, '0')}`,
    }));
    const box = await start({ initialLeads, searchPageCap: 1 });
    const ledger = path.join(tempDir(), 'ledger.sqlite');
    const run = await pull(box, ledger, '--log-level', 'info');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('60 new to the ledger, recorded as pulled');
    const logged = run.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'pulling the campaign', pulled: 50, of: 60 }),
    );
  }, 30_000);

  it('pull stops at once when another run holds the outbound, naming it', async () => {
    const box = await start();
    const dir = tempDir();
    const file = path.join(dir, 'ledger.sqlite');
    const found = resolveLedgerLocation({ flag: file, env: {} });
    if (!found.ok) throw new Error(found.issue);
    const holder = await openLedger(found.location, { warn: () => undefined });
    try {
      await holder.acquireLock(OUTBOUND, { pid: process.pid, host: os.hostname(), startedAt: new Date() });
      const show = await ledgerCli(file, ['show']);
      expect(show.stdout).toMatch(new RegExp(`Locks.*\\n.*\\n\\s+${OUTBOUND}\\s+${process.pid}\\s`));
      const run = await pull(box, file);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(
          `^nlpearl-leads: another run holds outbound ${OUTBOUND} in the ledger ${file} \\(pid ${process.pid} on `,
        ),
      );
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await holder.close();
    }
    expect((await ledgerCli(file, ['runs'])).stdout).toBe('No runs.\n');
  }, 30_000);

  it('forget needs --yes off a terminal; with it, the export is then empty', async () => {
    const box = await start();
    const dir = tempDir();
    const ledger = path.join(dir, 'ledger.sqlite');
    await importWithLedger(box, writeLeads(dir), ledger);

    const refused = await ledgerCli(ledger, ['forget', '--outbound', OUTBOUND]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `nlpearl-leads: ledger forget asks before forgetting the 3 leads of outbound ${OUTBOUND}, and cannot ask without a terminal: pass --yes\n`,
    );
    expect(await exported(ledger)).toHaveLength(3);

    const forgot = await ledgerCli(ledger, ['forget', '--outbound', OUTBOUND, '--yes']);
    expect(forgot.stderr).toBe('');
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain(`Forgot 3 leads of outbound ${OUTBOUND} in the ledger ${ledger}`);
    const empty = await ledgerCli(ledger, ['export', '--outbound', OUTBOUND]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('key,keyKind,phone,leadId,state,source,createdRun,firstRun,lastRun\n');
    expect(empty.stderr).toBe(`nlpearl-leads: the ledger ${ledger} holds no lead of outbound ${OUTBOUND}\n`);
    // Its runs stay, as history.
    expect((await ledgerCli(ledger, ['runs'])).stdout).toContain('created 3');
  }, 30_000);

  it('a ledger file that does not exist is reported, not created', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'none', 'ledger.sqlite');
    for (const args of [
      ['show'],
      ['runs'],
      ['export', '--outbound', OUTBOUND],
      ['forget', '--outbound', OUTBOUND, '--yes'],
    ]) {
      const byEnv = await ledgerCli(missing, args);
      expect(byEnv.code).toBe(2);
      expect(byEnv.stderr).toBe(`nlpearl-leads: no ledger at ${missing} (from NLPEARL_LEDGER)\n`);
      const byFlag = await runCli(['ledger', ...args, '--ledger', missing]);
      expect(byFlag.code).toBe(2);
      expect(byFlag.stderr).toBe(`nlpearl-leads: no ledger at ${missing}\n`);
    }
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  }, 30_000);

  it('refuses to run without a ledger', async () => {
    const offByEnv = await runCli(['ledger', 'show']);
    expect(offByEnv.code).toBe(2);
    expect(offByEnv.stderr).toBe(
      'nlpearl-leads: NLPEARL_LEDGER is off, and the ledger commands need a ledger: give --ledger FILE\n',
    );
    const offByFlag = await runCli(['ledger', 'runs', '--ledger', 'off'], { NLPEARL_LEDGER: 'x.sqlite' });
    expect(offByFlag.code).toBe(2);
    expect(offByFlag.stderr).toBe(
      'nlpearl-leads: the ledger commands need a ledger: give --ledger FILE, not off\n',
    );
  });
});
