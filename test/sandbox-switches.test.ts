import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { sandboxCommandOptions } from '../src/sandbox/cli.js';
import { DEFAULT_FAULTS, mergeFaults } from '../src/sandbox/faults.js';
import { FAULT_SWITCHES, faultEntries, serverEntries, switchFlag } from '../src/sandbox/switches.js';
import { fakeIo } from './helpers/cli-io.js';
import { helpFlags } from './helpers/help-flags.js';
import { startCli, type RunningCli } from './helpers/run-cli.js';

const switches = [...serverEntries, ...faultEntries];

describe('the sandbox switch table', () => {
  it('gives sandbox --help a flag for every switch, with its default and range', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['sandbox', '--help'], io)).toBe(0);
    const flags = helpFlags(stdout.text);
    expect([...flags.keys()].filter((flag) => flag !== 'help' && flag !== 'version').sort()).toEqual(
      switches.map(([name, spec]) => switchFlag(name, spec)).sort(),
    );
    for (const [name, spec] of switches) {
      const shown = flags.get(switchFlag(name, spec))!.text;
      if ('default' in spec) expect(shown).toContain(`[default: ${String(spec.default)}]`);
      if (spec.share === true) expect(shown).toContain('(0–1)');
    }
    // The switches the README names, the ones without a flag before included.
    for (const flag of [
      '--rate-create-then-drop',
      '--rate-text-plain',
      '--rate-no-lead-id',
      '--revoke-after',
    ]) {
      expect(stdout.text).toContain(flag);
    }
  });

  it("makes the table's defaults the fault set's, and clears a switch without one with null", () => {
    expect(DEFAULT_FAULTS).toEqual(
      Object.fromEntries(
        faultEntries.map(([name, spec]) => [name, 'default' in spec ? spec.default : undefined]),
      ),
    );
    const set = mergeFaults(DEFAULT_FAULTS, { retryAfter: '2', revokeAfter: 3, throttleRps: 5 });
    expect(set.ok).toBe(true);
    const cleared =
      set.ok && mergeFaults(set.value, { retryAfter: null, revokeAfter: null, throttleRps: null });
    expect(cleared).toEqual({ ok: true, value: DEFAULT_FAULTS });
    expect(mergeFaults(DEFAULT_FAULTS, { latencyMs: null })).toMatchObject({ ok: false });
  });

  it('checks every number switch against its range, and the shares against their sum', () => {
    for (const [name, spec] of faultEntries) {
      if (spec.type !== 'number') continue;
      const outside = [spec.max === undefined ? undefined : spec.max + 1, spec.min! - 1];
      for (const value of outside.filter((v) => v !== undefined)) {
        const result = mergeFaults(DEFAULT_FAULTS, { [name]: value });
        expect(result.ok === false && result.issues.join()).toMatch(new RegExp(`^${name}: Too (big|small)`));
      }
    }
    const shares = faultEntries.filter(([, spec]) => spec.share === true);
    expect(shares.length).toBeGreaterThanOrEqual(6);
    const each = Object.fromEntries(shares.map(([name]) => [name, 0.9 / shares.length]));
    expect(mergeFaults(DEFAULT_FAULTS, each).ok).toBe(true);
    const over = mergeFaults(DEFAULT_FAULTS, { ...each, [shares[0]![0]]: 0.5 });
    expect(over.ok === false && over.issues.join()).toMatch(
      /^rates: they add up to 1\.2\d*, at most 1 is allowed$/,
    );
  });

  it('turns each flag into its switch, fills in the server defaults, and refuses a number flag that is not one', () => {
    const flags = Object.fromEntries(
      switches.map(([name, spec]) => [switchFlag(name, spec), spec.type === 'string' ? `${name}!` : 1]),
    );
    expect(sandboxCommandOptions(flags)).toEqual({
      host: '127.0.0.1',
      ...Object.fromEntries(switches.map(([name, spec]) => [name, spec.type === 'string' ? `${name}!` : 1])),
    });
    expect(sandboxCommandOptions({})).toStrictEqual({ host: '127.0.0.1', port: 0, record: true });
    expect(() => sandboxCommandOptions({ throttle: null })).toThrow('--throttle expects a number');
    expect(() => sandboxCommandOptions({ port: 70_000 })).toThrow(
      '--port expects a whole number from 0 to 65535',
    );
    expect(Object.keys(FAULT_SWITCHES)).toContain('rateTextPlain');
  });
});

describe('nlpearl-leads sandbox with the switches that had no flag', () => {
  let cli: RunningCli | undefined;
  afterEach(async () => {
    cli?.child.kill('SIGTERM');
    await cli?.done;
    cli = undefined;
  });

  it('answers text/plain with --rate-text-plain 1, and 401 after --revoke-after 1', async () => {
    cli = startCli(['sandbox', '--rate-text-plain', '1', '--revoke-after', '1']);
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      cli!.child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      void cli!.done.then((run) => reject(new Error(`the sandbox exited: ${run.stderr}`)));
    });
    const put = () =>
      fetch(`${url}/v1/Outbound/sandbox-outbound/Lead`, {
        method: 'PUT',
        headers: {
          authorization: 'Bearer sandbox-account:sandbox-secret',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ phoneNumber: '+12125550100' }),
      });
    const first = await put();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await first.text()).toMatch(/^\w+$/);
    expect((await put()).status).toBe(401);
  });
});
