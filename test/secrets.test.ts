import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { Redactor } from '../src/cli/secrets.js';
import { UsageError } from '../src/errors.js';
import { checkApiUrl } from '../src/upload/api-url.js';
import { checkToken } from '../src/upload/token.js';
import { startSandbox, type Faults, type Sandbox } from '../src/sandbox/server.js';
import { Sink, fakeIo } from './helpers/cli-io.js';
import { writeLeadsCsv } from './helpers/leads-csv.js';
import { runCli } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();
const TOKEN = 'acct-LEAKCHECK:sec-LEAKCHECK-9f8e7d';
const SECRET = 'sec-LEAKCHECK-9f8e7d';

function readResults(file: string): Record<string, string>[] {
  return parse<Record<string, string>>(fs.readFileSync(file), { columns: true });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('not refused');
}

describe('checkToken', () => {
  it.each([
    ['AccountId:SecretKey', "still the documentation's placeholder"],
    ['<AccountId>:<SecretKey>', "still the documentation's placeholder"],
    ['AccountId:', "still the documentation's placeholder"],
    ['YOUR_ACCOUNT_ID:YOUR_SECRET_KEY', "still the documentation's placeholder"],
    ['acct-7f3a:xxxxxxxx', "still the documentation's placeholder"],
    ['sec-only-the-secret-part', 'does not have the form AccountId:SecretKey'],
    [':sec-9f8e7d', 'does not have the form AccountId:SecretKey'],
    ['Bearer acct-7f3a:sec-9f8e7d', 'starts with "Bearer "'],
    ['"acct-7f3a:sec-9f8e7d"', 'wrapped in quotes'],
    ['${NLPEARL_TOKEN}', 'variable name that was never expanded'],
    ['acct-7f3a:sec 9f8e7d', 'spaces, line breaks or characters outside printable ASCII'],
    ['acct-7f3a:sec\u00a09f8e7d', 'spaces, line breaks or characters outside printable ASCII'],
  ])('refuses %j with a hint, without echoing it', (token, problem) => {
    const message = refusal(() => checkToken(token, 'NLPEARL_API_TOKEN'));
    const hint = `: set NLPEARL_API_TOKEN (or pass --token-file <file>) to "AccountId:SecretKey" from the platform's Settings → API page`;
    expect(message).toContain(problem);
    expect(message.endsWith(`(it came from NLPEARL_API_TOKEN)${hint}`)).toBe(true);
    expect(message.slice(0, -hint.length)).not.toContain(token.trim());
    expect(message).not.toContain('9f8e7d');
  });

  it('accepts AccountId:SecretKey, trimmed', () => {
    expect(checkToken(`  ${TOKEN}\n`)).toBe(TOKEN);
    expect(checkToken('sandbox-account:sandbox-secret')).toBe('sandbox-account:sandbox-secret');
  });
});

describe('checkApiUrl', () => {
  it.each(['https://api.nlpearl.ai', 'http://127.0.0.1:8080', 'http://localhost:8080/', 'http://[::1]:8080'])(
    'accepts %s',
    (url) => expect(checkApiUrl(url)).toBe(url),
  );

  it.each([
    ['http://api.nlpearl.ai', 'must use https'],
    ['http://10.0.0.5:8080', 'must use https'],
    ['http://[::2]:8080', 'must use https'],
    ['ftp://api.nlpearl.ai', 'must use https'],
    ['https://acct:secret@api.nlpearl.ai', 'must not hold a user name or password'],
  ])('refuses %s', (url, problem) => {
    const message = refusal(() => checkApiUrl(url));
    expect(message).toContain(problem);
    expect(message).not.toContain('secret');
  });
});

describe('Redactor', () => {
  it('replaces the token and its secret half, longest first, in whatever is written', () => {
    const redactor = Redactor.fromEnv({ NLPEARL_API_TOKEN: TOKEN });
    expect(redactor.redact(`Bearer ${TOKEN} and ${SECRET} but acct-LEAKCHECK stays`)).toBe(
      'Bearer [redacted] and [redacted] but acct-LEAKCHECK stays',
    );
    const sink = new Sink(true, 77);
    const wrapped = redactor.wrap(sink);
    wrapped.write(Buffer.from(`x ${SECRET} y\n`));
    expect(sink.text).toBe('x [redacted] y\n');
    expect([wrapped.isTTY, wrapped.columns]).toEqual([true, 77]);
  });
});

describe('the token from a file or the environment', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function importWith(env: Record<string, string>, extra: string[]) {
    sandbox ??= await startSandbox({ token: TOKEN });
    const input = path.join(tempDir(), 'leads.csv');
    writeLeadsCsv(input, 2);
    const { io, stdout, stderr } = fakeIo({ env });
    const args = ['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--overwrite'];
    const code = await main([...args, '--log-level', 'warn', ...extra], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('reads --token-file trimmed (BOM, spaces, line break)', async () => {
    const file = path.join(tempDir(), 'token');
    fs.writeFileSync(file, `\uFEFF  ${TOKEN}  \r\n`);
    const run = await importWith({}, ['--token-file', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(sandbox!.requests.every((r) => r.authorized)).toBe(true);
  });

  it('joins NLPEARL_ACCOUNT_ID and NLPEARL_SECRET_KEY, and refuses one without the other', async () => {
    const both = await importWith({ NLPEARL_ACCOUNT_ID: 'acct-LEAKCHECK', NLPEARL_SECRET_KEY: SECRET }, []);
    expect(both.code).toBe(0);
    const half = await importWith({ NLPEARL_SECRET_KEY: SECRET }, []);
    expect(half.code).toBe(2);
    expect(half.stderr).toBe(
      "nlpearl-leads: NLPEARL_SECRET_KEY is set but NLPEARL_ACCOUNT_ID is not: set both (from the platform's Settings → API page), or NLPEARL_API_TOKEN\n",
    );
  });

  it.each([
    [
      'a missing token file',
      'missing',
      /cannot read the token file \S+missing \(--token-file\): no such file\n$/,
    ],
    ['a folder', '.', /cannot read the token file \S+ \(--token-file\): it is a folder\n$/],
    ['an empty token file', 'empty', /the token file \S+empty \(--token-file\) is empty\n$/],
    [
      'a token file holding only the secret',
      'secret-only',
      /^nlpearl-leads: the API token does not have the form AccountId:SecretKey \(two parts joined by a colon\) \(it came from the token file \S+secret-only\): set NLPEARL_API_TOKEN/,
    ],
  ])('exits 2 for %s, naming the file and nothing of its content', async (_case, name, message) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty'), '\n');
    fs.writeFileSync(path.join(dir, 'secret-only'), `${SECRET}\n`);
    const run = await importWith({}, ['--token-file', path.join(dir, name)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain(SECRET);
    expect(sandbox!.requests).toHaveLength(0);
  });
});

/** A port nothing listens on: connection refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface LeakScenario {
  readonly sandbox?: { readonly token?: string; readonly faults?: Partial<Faults> };
  readonly args: readonly string[];
  readonly exitCode: number;
  /** Proof that the failure really happened: in stderr, or in the results file's `_error` cells. */
  readonly happened: RegExp;
}

const SCENARIOS: Record<string, LeakScenario> = {
  '401 at the pre-flight': {
    sandbox: { token: 'acct-other:sec-other' },
    args: [],
    exitCode: 2,
    happened: /credentials rejected by NLPearl \(HTTP 401\)/,
  },
  '401 mid-run (key revoked)': {
    sandbox: { faults: { revokeAfter: 2 } },
    args: [],
    exitCode: 3,
    happened: /HTTP 401: credentials rejected/,
  },
  '503 to every request': {
    sandbox: { faults: { rate5xx: 1 } },
    args: ['--retries', '1'],
    exitCode: 1,
    happened: /HTTP 503/,
  },
  'connections dropped': {
    sandbox: { faults: { rateDrop: 1 } },
    args: ['--retries', '1'],
    exitCode: 1,
    happened: /ECONNRESET|socket hang up/,
  },
  'connection refused': {
    args: ['--retries', '1', '--no-preflight'],
    exitCode: 1,
    happened: /ECONNREFUSED/,
  },
  'a hanging server with --timeout 1': {
    sandbox: { faults: { rateHang: 1 } },
    args: ['--retries', '0', '--timeout', '1'],
    exitCode: 1,
    happened: /ETIMEDOUT|Timeout/,
  },
};

type TokenSource =
  'NLPEARL_API_TOKEN' | 'NLPEARL_ACCOUNT_ID + NLPEARL_SECRET_KEY' | '--token-file' | 'tokenFile in --config';
const SOURCES: TokenSource[] = [
  'NLPEARL_API_TOKEN',
  'NLPEARL_ACCOUNT_ID + NLPEARL_SECRET_KEY',
  '--token-file',
  'tokenFile in --config',
];

/** Runs one failure with the token from `source`, in-process or as the built binary, and gathers every output. */
async function leakRun(name: string, source: TokenSource, where: 'in-process' | 'binary', folders: string[]) {
  const scenario = SCENARIOS[name]!;
  const sandbox = scenario.sandbox
    ? await startSandbox({ token: scenario.sandbox.token ?? TOKEN, faults: scenario.sandbox.faults })
    : undefined;
  try {
    // Not tempDir(): these tests run concurrently, and it is one folder per file at a time.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-leak-'));
    folders.push(dir);
    const input = path.join(dir, 'leads.csv');
    writeLeadsCsv(input, 4);
    const log = path.join(dir, 'run.log');
    fs.writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ tokenFile: 'token' }));
    const url = sandbox?.url ?? `http://127.0.0.1:${await closedPort()}`;
    const args = [
      ...['import', input, '--outbound', 'sandbox-outbound', '--api-url', url, '--concurrency', '2'],
      ...['--log-level', 'trace', '--log-file', log],
      ...(source === '--token-file' ? ['--token-file', path.join(dir, 'token')] : []),
      ...(source === 'tokenFile in --config' ? ['--config', path.join(dir, 'config.json')] : []),
      ...scenario.args,
    ];
    const env: Record<string, string> =
      source === 'NLPEARL_API_TOKEN'
        ? { NLPEARL_API_TOKEN: TOKEN }
        : source === 'NLPEARL_ACCOUNT_ID + NLPEARL_SECRET_KEY'
          ? { NLPEARL_ACCOUNT_ID: 'acct-LEAKCHECK', NLPEARL_SECRET_KEY: SECRET }
          : {};
    let run: { code: number | null; stdout: string; stderr: string };
    if (where === 'binary') run = await runCli(args, env);
    else {
      const { io, stdout, stderr } = fakeIo({ env });
      run = { code: await main(args, io), stdout: stdout.text, stderr: stderr.text };
    }
    const resultsFile = path.join(dir, 'leads.results.csv');
    const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
    return { ...run, results, log: fs.readFileSync(log, 'utf8'), scenario };
  } finally {
    await sandbox?.close();
  }
}

function expectNoLeak(run: Awaited<ReturnType<typeof leakRun>>): void {
  expect(run.code).toBe(run.scenario.exitCode);
  expect(`${run.stderr}\n${run.results}`).toMatch(run.scenario.happened);
  expect(run.log.split('\n').filter((line) => line !== '').length).toBeGreaterThan(0);
  const outputs = {
    stdout: run.stdout,
    stderr: run.stderr,
    'log file': run.log,
    'results file': run.results,
  };
  for (const [output, text] of Object.entries(outputs)) {
    expect(text.includes(TOKEN), `the token in ${output}`).toBe(false);
    expect(text.includes(SECRET), `the secret half in ${output}`).toBe(false);
  }
}

describe.concurrent('the token never leaks', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  it.each(Object.keys(SCENARIOS).flatMap((name) => SOURCES.map((source) => [name, source] as const)))(
    '%s, token from %s, at --log-level trace with --log-file',
    async (name, source) => expectNoLeak(await leakRun(name, source, 'in-process', folders)),
    20_000,
  );

  it.each([
    ['a hanging server with --timeout 1', 'NLPEARL_API_TOKEN'],
    ['401 mid-run (key revoked)', '--token-file'],
  ] as const)('%s, token from %s: the built binary, its real stdout and stderr', async (name, source) =>
    expectNoLeak(await leakRun(name, source, 'binary', folders)),
  );
});

describe('a server that echoes the token in its error', () => {
  it('never shows it on stdout, stderr or in the log file', async () => {
    const sandbox = await startSandbox({ token: TOKEN });
    try {
      sandbox.enqueue({
        status: 400,
        body: { errors: { Authorization: [`Bearer ${TOKEN} is not allowed`] } },
      });
      const input = path.join(tempDir(), 'leads.csv');
      writeLeadsCsv(input, 1);
      const log = path.join(tempDir(), 'echo.log');
      const { io, stdout, stderr } = fakeIo({ env: { NLPEARL_API_TOKEN: TOKEN } });
      const args = ['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url];
      const code = await main([...args, '--log-file', log, '--log-level', 'trace'], io);
      expect(code).toBe(1);
      const outputs = `${stdout.text}${stderr.text}${fs.readFileSync(log, 'utf8')}`;
      // A failed row's API text goes to the results file only (it may quote the lead), redacted there.
      expect(outputs).not.toContain('is not allowed');
      expect(outputs).not.toContain(SECRET);
      const results = fs.readFileSync(path.join(path.dirname(input), 'leads.results.csv'), 'utf8');
      expect(results).toContain('HTTP 400: Authorization: Bearer [redacted] is not allowed');
      expect(results).not.toContain(SECRET);
    } finally {
      await sandbox.close();
    }
  });
});

describe('a crash, with the token in the error itself', () => {
  it('prints the stack at --log-level trace with the token redacted', async () => {
    const { io, stdout, stderr } = fakeIo({ env: { NLPEARL_API_TOKEN: TOKEN } });
    const stdin = new Readable({
      read() {
        this.destroy(new Error(`socket closed by a proxy that echoed "Authorization: Bearer ${TOKEN}"`));
      },
    });
    const log = path.join(tempDir(), 'crash.log');
    const code = await main(
      [
        'import',
        '-',
        '--results',
        path.join(tempDir(), 'out.csv'),
        '--outbound',
        'o-1',
        '--log-level',
        'trace',
      ].concat(['--log-file', log, '--api-url', 'http://127.0.0.1:9']),
      { ...io, stdin },
    );
    expect(code).not.toBe(0);
    const outputs = `${stdout.text}${stderr.text}${fs.readFileSync(log, 'utf8')}`;
    expect(outputs).toContain('Bearer [redacted]');
    expect(outputs).not.toContain(SECRET);
  });
});

describe('results file cells', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('escapes API text that would run as a formula, and keeps the user cells byte for byte', async () => {
    sandbox = await startSandbox({ token: TOKEN });
    const userCells = [
      ['+12125550100', 'ext-1', '=SUM(A1:A2)', '@home'],
      ['+12125550101', 'ext-2', '+1 (212) 555', '-5'],
      ['+12125550102', 'ext-3', '"quoted, with comma"', ' Zoë '],
      ['=1+2', 'ext-4', '=HYPERLINK("http://x")', 'tab\there'],
    ];
    const input = path.join(tempDir(), 'leads.csv');
    fs.writeFileSync(input, stringify([['phone', 'externalId', 'note', 'other'], ...userCells]));
    sandbox.enqueue(
      { status: 400, body: { errors: { x: ['=HYPERLINK("http://evil","click")'] } } },
      { status: 200, body: { leadId: '=HYPERLINK("http://evil")' } },
      { status: 200, body: '-42' },
    );
    const run = await runCli(
      ['import', input, '--outbound', 'sandbox-outbound', '--api-url', sandbox.url, '--concurrency', '1'],
      { NLPEARL_API_TOKEN: TOKEN },
    );
    expect(run.code).toBe(1);
    const results = readResults(path.join(tempDir(), 'leads.results.csv'));
    expect(results.map((r) => [r._status, r._leadId, r._error])).toEqual([
      // Every API message is prefixed "HTTP 400: …": a formula can only follow, where a spreadsheet ignores it.
      ['failed', '', 'HTTP 400: x: =HYPERLINK("http://evil","click")'],
      // A leadId is the API's text as it came: one starting with = or - gets a leading '.
      ['created', `'=HYPERLINK("http://evil")`, ''],
      ['created', `'-42`, ''],
      ['invalid', '', expect.stringMatching(/^phone number /) as unknown],
    ]);
    expect(results.map((r) => [r.phone, r.externalId, r.note, r.other])).toEqual(userCells);
    expect(fs.readFileSync(path.join(tempDir(), 'leads.results.csv'), 'utf8')).toContain(
      ',=SUM(A1:A2),@home',
    );
  });
});
