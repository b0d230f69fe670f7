import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigFile, parseImportOptions } from '../src/config.js';
import { main } from '../src/cli/main.js';
import { Redactor } from '../src/cli/secrets.js';
import { resolveSettings, type CliSettings } from '../src/cli/settings.js';
import { importOptionEntries } from '../src/options/import-options.js';
import type { OptionSpec } from '../src/options/option-spec.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { fakeIo } from './helpers/cli-io.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { sampleValue } from './helpers/option-samples.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

/** Runs the CLI in-process with stdout and stderr as pipes (JSON logs). */
async function run(args: string[], env: Record<string, string> = {}) {
  const { io, stdout, stderr } = fakeIo({ env });
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function writeConfig(values: unknown, name = 'nightly.json'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, typeof values === 'string' ? values : JSON.stringify(values, null, 2));
  return file;
}

function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('parseConfigFile', () => {
  it('accepts every option of import, the mapping inline, and the CLI-only options', () => {
    const parsed = parseConfigFile({
      outbound: '66a1f0c2e4b0',
      apiUrl: 'https://api.nlpearl.ai',
      tokenFile: '/run/secrets/nlpearl',
      results: 'out.csv',
      resume: true,
      concurrency: 4,
      rate: 20,
      timeout: 10,
      retries: 3,
      maxErrors: '5%',
      preflight: false,
      callData: ['First Name'],
      map: { phoneNumber: 'Mobile', callData: { age: { column: 'Age', type: 'int' } } },
      defaultCountry: 'us',
      delimiter: 'tab',
      logLevel: 'warn',
      logFile: '/var/log/nlpearl.log',
      progress: false,
      progressInterval: 30,
    });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.defaultCountry).toBe('US');
      expect(parsed.value.map).toEqual({
        phoneNumber: 'Mobile',
        callData: { age: { column: 'Age', type: 'int' } },
      });
    }
  });

  it.each([
    [{ outbond: 'x' }, 'outbond: unknown option'],
    [{ concurrency: '8' }, 'concurrency: Invalid input: expected number, received string'],
    [{ concurrency: 0 }, 'concurrency: Too small'],
    [{ logLevel: 'verbose' }, 'logLevel: Invalid option'],
    [{ map: { phoneNumber: 3 } }, 'map.phoneNumber: expected the name of a column, got 3'],
    [{ token: 'acct:very-secret-value' }, 'token: not accepted in a config file'],
  ])('refuses %j naming the key', (values, message) => {
    const parsed = parseConfigFile(values);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues.join('; ')).toContain(message);
      expect(parsed.issues.join('; ')).not.toContain('very-secret-value');
    }
  });
});

describe('--config', () => {
  it.each([
    [{ outbond: 'x' }, /^nlpearl-leads: config file \S+nightly\.json: outbond: unknown option\n$/],
    [
      { concurrency: 'eight' },
      /^nlpearl-leads: config file \S+nightly\.json: concurrency: Invalid input: expected number, received string\n$/,
    ],
    [{ resume: 'yes' }, /: resume: Invalid input: expected boolean, received string\n$/],
    [
      { token: 'acct-x:secret-in-config' },
      /: token: not accepted in a config file; put the token in a file of its own and name it with tokenFile/,
    ],
  ])('exits 2 naming the wrong key of %j, sending nothing', async (values, message) => {
    const config = writeConfig(values);
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 2);
    const result = await run(['import', input, '--config', config], { NLPEARL_API_TOKEN: 'acct-a:secret-a' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('secret-in-config');
    expect(fs.existsSync(path.join(tempDir(), 'leads.results.csv'))).toBe(false);
  });

  it('exits 2 for a config file that is missing or not JSON, without quoting it', async () => {
    const missing = await run(['validate', 'x.csv', '--config', path.join(tempDir(), 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^nlpearl-leads: cannot read the config file \S+none\.json: no such file\n$/,
    );

    const broken = writeConfig('{\n  "outbound": "x",\n  "apiUrl": "secret-ish" }\n}');
    const bad = await run(['validate', 'x.csv', '--config', broken]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /is not valid JSON: unexpected non-whitespace character after JSON \(line 4, column 1\)\n$/,
    );
    expect(bad.stderr).not.toContain('secret-ish');
  });
});

describe('precedence: flags > environment > config file > defaults', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => sandbox.reset());

  function setUp(config: Record<string, unknown>) {
    const dir = tempDir();
    const input = path.join(dir, 'leads.csv');
    writeLeadsCsv(input, 3);
    fs.writeFileSync(path.join(dir, 'token'), `${sandbox.token}\n`);
    const file = writeConfig({ apiUrl: sandbox.url, tokenFile: 'token', ...config });
    return { input, config: file, dir };
  }

  it('takes every option from the file when nothing else gives it, paths relative to the file', async () => {
    const { input, config, dir } = setUp({
      outbound: 'sandbox-outbound',
      results: 'out/nightly.results.csv',
      logLevel: 'warn',
      logFile: 'nightly.log',
    });
    fs.mkdirSync(path.join(dir, 'out'));
    const result = await run(['import', input, '--config', config]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sandbox.leads).toHaveLength(3);
    expect(fs.readFileSync(path.join(dir, 'out/nightly.results.csv'), 'utf8')).toContain('created');
    // logLevel 'warn' from the file is not masked by a default: no info line on stderr, nor in the log file.
    expect(fs.readFileSync(path.join(dir, 'nightly.log'), 'utf8')).toBe('');
  });

  it('lets the environment beat the file, and a flag beat both', async () => {
    const { input, config } = setUp({ outbound: 'from-the-file', logLevel: 'warn', overwrite: true });
    const fromEnv = await run(['import', input, '--config', config], {
      NLPEARL_OUTBOUND_ID: 'sandbox-outbound',
    });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stderr).toBe('');

    const fromFlag = await run(
      ['import', input, '--config', config, '--outbound', 'sandbox-outbound', '--log-level', 'info'],
      { NLPEARL_OUTBOUND_ID: 'from-the-environment' },
    );
    expect(fromFlag.code).toBe(0);
    const lines = logLines(fromFlag.stderr);
    expect(lines.find((line) => line.msg === 'starting')).toMatchObject({
      outbound: 'sandbox-outbound',
      tokenSource: expect.stringMatching(/^the token file \S+token$/) as unknown,
    });
    expect(lines.at(-1)).toMatchObject({ msg: 'finished', created: 3, exitCode: 0 });
    const outbounds = new Set(sandbox.requests.map((r) => r.path.split('/')[3]));
    expect(outbounds).toEqual(new Set(['sandbox-outbound']));
  });

  it('lets NLPEARL_API_TOKEN beat the file tokenFile, and --token-file beat NLPEARL_API_TOKEN', async () => {
    const { input, config, dir } = setUp({ outbound: 'sandbox-outbound', tokenFile: 'missing-token' });
    const env = await run(['import', input, '--config', config], { NLPEARL_API_TOKEN: sandbox.token });
    expect(env.code).toBe(0);
    expect(logLines(env.stderr).find((line) => line.msg === 'starting')).toMatchObject({
      tokenSource: 'NLPEARL_API_TOKEN',
    });

    const flag = await run(
      ['import', input, '--config', config, '--overwrite', '--token-file', path.join(dir, 'token')],
      { NLPEARL_API_TOKEN: 'acct-wrong:secret-wrong' },
    );
    expect(flag.code).toBe(0);
    // Without either, the file's tokenFile is read: it does not exist, and the message names it.
    const none = await run(['import', input, '--config', config, '--overwrite']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^nlpearl-leads: cannot read the token file \S+missing-token \(tokenFile in the config file\): no such file\n$/,
    );
  });

  it('lets --no-progress and --no-preflight beat a file that turns them on', async () => {
    const { input, config } = setUp({ outbound: 'sandbox-outbound', preflight: true, progress: true });
    const result = await run(['import', input, '--config', config, '--no-preflight', '--no-progress']);
    expect(result.code).toBe(0);
    expect(sandbox.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
  });
});

describe('the merge of every option of the table', () => {
  const env = { NLPEARL_API_TOKEN: 'acct-a:secret-a', HOME: '/home/someone' };
  const redactor = Redactor.fromEnv(env);
  // The ledger is resolved further (a default place, `off`, URLs): it has a test of its own below.
  const fromFile = importOptionEntries.filter(
    ([name, spec]) =>
      name !== 'ledger' &&
      spec.where.library !== undefined &&
      spec.where.file === true &&
      spec.where.commands?.includes('import'),
  );

  const options = (settings: CliSettings): Record<string, unknown> => settings.options;

  /** The value as typed after its flag: a list comma-separated, a mapping the path of a file holding it. */
  function typed(spec: OptionSpec, value: unknown): unknown {
    if (spec.type === 'list') return (value as string[]).join(',');
    if (spec.type !== 'mapping') return value;
    const file = path.join(tempDir(), 'flag-mapping.json');
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  }

  it('takes each library option from the config file, relative paths from its folder, and a flag beats it', () => {
    expect(fromFile.length).toBeGreaterThan(20);
    for (const [name, spec] of fromFile) {
      const config = writeConfig({ [name]: sampleValue(spec, 0) }, `${name}.json`);
      const fileValue = sampleValue(spec, 0);
      const expected = spec.type === 'path' ? path.join(tempDir(), fileValue as string) : fileValue;
      const file = options(resolveSettings('import', { file: 'leads.csv', config }, env, redactor));
      expect({ name, value: file[name] }).toEqual({ name, value: expected });

      const flags = { file: 'leads.csv', config, [name]: typed(spec, sampleValue(spec, 1)) };
      const flag = options(resolveSettings('import', flags, env, redactor));
      expect({ name, value: flag[name] }).toEqual({ name, value: sampleValue(spec, 1) });
    }
  });

  it('lets each option variable beat the config file, and its flag beat the variable', () => {
    const withEnv = importOptionEntries.filter(
      ([name, spec]) => spec.where.env !== undefined && name !== 'ledger',
    );
    expect(withEnv.map(([name]) => name)).toEqual(['outbound', 'apiUrl']);
    for (const [name, spec] of withEnv) {
      const config = writeConfig({ [name]: sampleValue(spec, 0) }, `${name}.json`);
      const variable = { ...env, [spec.where.env!]: String(sampleValue(spec, 1)) };
      const fromEnv = options(resolveSettings('import', { file: 'a.csv', config }, variable, redactor));
      expect(fromEnv[name]).toBe(sampleValue(spec, 1));
      const blank = { ...env, [spec.where.env!]: ' ' };
      expect(options(resolveSettings('import', { file: 'a.csv', config }, blank, redactor))[name]).toBe(
        sampleValue(spec, 0),
      );
      const flag = resolveSettings(
        'import',
        { file: 'a.csv', config, [name]: 'https://flag.example.com/' },
        variable,
        redactor,
      );
      expect(options(flag)[name]).toBe('https://flag.example.com/');
    }
  });

  it('finds the ledger: --ledger, else NLPEARL_LEDGER, else the config file, else the XDG default; off turns it off', () => {
    const ledgerOf = (flags: Record<string, unknown>, variables: Record<string, string> = {}) =>
      options(resolveSettings('import', { file: 'a.csv', ...flags }, { ...env, ...variables }, redactor))
        .ledger;
    const config = writeConfig({ ledger: 'state/ledger.sqlite' }, 'ledger.json');
    expect(ledgerOf({})).toBe('/home/someone/.local/state/nlpearl-leads/ledger.sqlite');
    expect(ledgerOf({}, { XDG_STATE_HOME: '/var/lib/job' })).toBe('/var/lib/job/nlpearl-leads/ledger.sqlite');
    expect(ledgerOf({ config })).toBe(path.join(tempDir(), 'state/ledger.sqlite'));
    expect(ledgerOf({ config }, { NLPEARL_LEDGER: '/data/l.sqlite' })).toBe('/data/l.sqlite');
    expect(ledgerOf({ config, ledger: '/flag.sqlite' }, { NLPEARL_LEDGER: '/data/l.sqlite' })).toBe(
      '/flag.sqlite',
    );
    expect(ledgerOf({ ledger: false }, { NLPEARL_LEDGER: '/data/l.sqlite' })).toBe(false);
    expect(ledgerOf({}, { NLPEARL_LEDGER: 'off' })).toBe(false);
    const url = 'postgres://job:pw@db.internal/leads';
    expect(ledgerOf({ config: writeConfig({ ledger: url }, 'pg.json') })).toBe(url);
    expect(() =>
      resolveSettings('import', { file: 'a.csv' }, { NLPEARL_API_TOKEN: 'a:b' }, redactor),
    ).toThrow('HOME is not set, so the ledger has no default place: give --ledger FILE');
  });

  it('reads only the options a command takes, whatever the source', () => {
    const config = writeConfig({
      outbound: 'o-1',
      concurrency: 4,
      results: 'r.csv',
      resume: true,
      phone: 'Mobile',
    });
    const noLedger = { NLPEARL_LEDGER: 'off' };
    const validate = resolveSettings('validate', { file: 'a.csv', config }, noLedger, redactor).options;
    // validate takes the outbound only to compare the rows with the ledger; it sends nothing.
    expect(validate).toEqual({
      input: 'a.csv',
      dryRun: true,
      outbound: 'o-1',
      results: path.join(tempDir(), 'r.csv'),
      phone: 'Mobile',
      ledger: false,
    });
    const retry = resolveSettings('retry', { file: 'a.results.csv', config }, env, redactor).options;
    expect(retry).toMatchObject({ input: 'a.results.csv', dryRun: false, outbound: 'o-1', concurrency: 4 });
    expect(retry).not.toHaveProperty('results');
    expect(retry).not.toHaveProperty('resume');
  });

  it('splits --call-data at commas, takes --no-call-data as none, and reads --delimiter tab as a tab', () => {
    const settings = (flags: Record<string, unknown>) =>
      resolveSettings('validate', { file: 'a.csv', ...flags }, { NLPEARL_LEDGER: 'off' }, redactor).options;
    expect(settings({ callData: 'First Name, Company,' }).callData).toEqual(['First Name', 'Company']);
    expect(settings({ callData: false }).callData).toBe(false);
    const delimiter = parseImportOptions(settings({ delimiter: 'tab' }));
    expect(delimiter.ok && delimiter.value.delimiter).toBe('\t');
    const file = parseConfigFile({ delimiter: 'tab' });
    expect(file.ok && file.value.delimiter).toBe('\t');
  });
});
