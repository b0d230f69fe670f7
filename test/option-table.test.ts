import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { retryCommand } from '../src/cli/import-command.js';
import { main } from '../src/cli/main.js';
import type { ImportFlags } from '../src/cli/settings.js';
import {
  parseConfigFile,
  parseImportOptions,
  type ConfigFile,
  type ImportOptions,
  type ImportOptionsInput,
  type LogLevel,
  type MapFile,
} from '../src/config.js';
import { IMPORT_OPTIONS, importOptionEntries } from '../src/options/import-options.js';
import type { CommandName, OptionSpec, ValueOf } from '../src/options/option-spec.js';
import { valueSchema } from '../src/options/value-schema.js';
import { expectedNumber, flagName, yargsFlag } from '../src/options/yargs-flag.js';
import { fakeIo } from './helpers/cli-io.js';
import { sampleValue } from './helpers/option-samples.js';
import { helpFlags } from './helpers/help-flags.js';
import { BIN, ROOT } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

async function help(args: string[]): Promise<string> {
  const { io, stdout } = fakeIo();
  expect(await main([...args, '--help'], io)).toBe(0);
  return stdout.text;
}

const COMMANDS: CommandName[] = ['import', 'validate', 'retry'];

describe('the option table', () => {
  it.each(COMMANDS)(
    '%s --help shows exactly the table flags of the command, in their groups, with their defaults',
    async (command) => {
      const flags = helpFlags(await help([command]));
      const taken = importOptionEntries.filter(([, spec]) => spec.where.commands?.includes(command));
      expect([...flags.keys()].filter((flag) => flag !== 'help' && flag !== 'version').sort()).toEqual(
        taken.map(([name]) => flagName(name)).sort(),
      );
      for (const [name, spec] of taken) {
        const shown = flags.get(flagName(name))!;
        expect(shown.group).toBe(spec.where.group);
        const value = 'default' in spec ? spec.default : undefined;
        const text = value === undefined ? spec.defaultHelp : String(value);
        if (text !== undefined) expect(shown.text).toContain(`[default: ${text}]`);
        else expect(shown.text).not.toContain('[default:');
        if (spec.where.env !== undefined) expect(shown.text).toContain(`env ${spec.where.env}`);
      }
    },
  );

  it('lists every option variable in the Environment section of --help', async () => {
    const text = await help([]);
    const withEnv = importOptionEntries.filter(([, spec]) => spec.where.env !== undefined);
    expect(withEnv.length).toBeGreaterThan(0);
    for (const [name, spec] of withEnv) {
      expect(text).toMatch(new RegExp(`^ {2}${spec.where.env} +default for --${flagName(name)}$`, 'm'));
    }
    expect(text).toContain(`every ${IMPORT_OPTIONS.progressInterval.default} s`);
  });

  it('lets a config file set exactly the entries marked for it, and refuses the others by name', () => {
    for (const [name, spec] of importOptionEntries) {
      const parsed = parseConfigFile({ [name]: sampleValue(spec, 0) });
      if (spec.where.file === true) expect({ name, parsed }).toMatchObject({ parsed: { ok: true } });
      else {
        const message = typeof spec.where.file === 'object' ? spec.where.file.refused : 'unknown option';
        expect(parsed).toEqual({ ok: false, issues: [`${name}: ${message}`] });
      }
    }
  });

  it("gives the library exactly the entries marked for it, each with the table's default", () => {
    const parsed = parseImportOptions({ input: 'leads.csv' });
    expect(parsed.ok).toBe(true);
    const defaults = importOptionEntries.filter(([, spec]) => spec.where.library && 'default' in spec);
    expect(parsed.ok && parsed.value).toEqual({
      input: 'leads.csv',
      ...Object.fromEntries(defaults.map(([name, spec]) => [name, 'default' in spec && spec.default])),
    });
    for (const [name, spec] of importOptionEntries) {
      const given = parseImportOptions({ input: 'leads.csv', [name]: sampleValue(spec, 1) });
      if (spec.where.library !== undefined) expect({ name, given }).toMatchObject({ given: { ok: true } });
      else expect(given).toEqual({ ok: false, issues: [`${name}: unknown option`] });
    }
    expect(parseImportOptions({})).toEqual({
      ok: false,
      issues: ['input: Invalid input: expected string, received undefined'],
    });
  });

  it('checks every number against its range in the library, the config file and the flag alike', async () => {
    for (const [name, spec] of importOptionEntries) {
      if (spec.type !== 'number') continue;
      const outside = [
        spec.max === undefined ? undefined : [spec.max + 1, 'Too big'],
        spec.min === undefined ? undefined : [spec.min - 1, 'Too small'],
        spec.above === undefined ? undefined : [spec.above, 'Too small'],
        spec.integer === true ? [(spec.min ?? 0) + 1.5, 'Invalid input: expected int'] : undefined,
      ].filter((value) => value !== undefined) as [number, string][];
      expect(outside.length).toBeGreaterThan(0);
      for (const [value, message] of outside) {
        // An option a config file may not set is refused there whatever its value (tested above).
        if (spec.where.file === true) {
          const file = parseConfigFile({ [name]: value });
          expect(file.ok === false && file.issues.join()).toContain(`${name}: ${message}`);
        }
        if (spec.where.library !== undefined) {
          const library = parseImportOptions({ input: 'a.csv', [name]: value });
          expect(library.ok === false && library.issues.join()).toContain(`${name}: ${message}`);
        } else {
          const { io, stderr } = fakeIo();
          expect(await main(['validate', 'a.csv', `--${flagName(name)}`, String(value)], io)).toBe(2);
          expect(stderr.text).toMatch(new RegExp(`^nlpearl-leads: --${flagName(name)} expects .*\\d`));
        }
      }
    }
  });

  it('repeats in a printed retry command exactly the flags marked for it, in the table order', () => {
    const flags: Record<string, unknown> = {};
    for (const [name, spec] of importOptionEntries) {
      if (!spec.where.commands?.includes('import')) continue;
      const value = sampleValue(spec, 1);
      flags[name] =
        spec.type === 'list' ? (value as string[]).join(',') : spec.type === 'mapping' ? 'map.json' : value;
    }
    const command = retryCommand('leads.results.csv', flags, {
      input: 'leads.csv',
      outbound: 'used-outbound',
    });
    const repeated = [...command.matchAll(/ --(?:no-)?([\w-]+)/g)].map((match) => match[1]);
    expect(repeated).toEqual(
      importOptionEntries
        .filter(([, spec]) => spec.where.retry !== undefined)
        .map(([name]) => flagName(name)),
    );
    expect(command).toMatch(/^nlpearl-leads retry leads\.results\.csv --outbound used-outbound --api-url /);
    // A boolean flag turned off is repeated as --no-<flag>, a list as typed.
    expect(command).toContain(' --no-keep-phone ');
    expect(command).toContain(` --call-data 'column 1,Company' `);
  });

  it('keeps --help from loading zod, for the CLI and for the sandbox', () => {
    // A module hook that names every package the process loads.
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'hook.mjs'),
      `export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(resolved.url);
        if (name) process.stderr.write('loaded ' + name[1] + '\\n');
        return resolved;
      }`,
    );
    fs.writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${dir}/hook.mjs`).href)});\n`,
    );
    for (const args of [['--help'], ['import', '--help'], ['sandbox', '--help']]) {
      const run = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), BIN, ...args], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('loaded yargs');
      expect(run.stderr).not.toContain('loaded zod');
    }
  });

  it("is what the README's table of import options shows", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /### Options of `import`\n([\s\S]*?)\n### /.exec(readme)![1]!;
    const rows = section.split('\n').filter((line) => line.startsWith('| `--'));
    for (const [name, spec] of importOptionEntries) {
      if (!spec.where.commands?.includes('import')) continue;
      const flag = flagName(name);
      const row = rows.find((line) => line.includes(`\`--${flag}`) || line.includes(`--no-${flag}\``));
      expect({ flag, row }).toMatchObject({ row: expect.any(String) as unknown });
      const value = 'default' in spec ? spec.default : undefined;
      if (typeof value === 'number' || typeof value === 'string') expect(row).toContain(String(value));
    }
  });

  it("is what the operations guide's full config file example holds: every key a file may set", () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    const example = /A full example:\n\n```json\n([\s\S]*?)\n```/.exec(guide)![1]!;
    const json = JSON.parse(example) as Record<string, unknown>;
    expect(parseConfigFile(json)).toMatchObject({ ok: true });
    expect(Object.keys(json).sort()).toEqual(
      importOptionEntries
        .filter(([, spec]) => spec.where.file === true)
        .map(([name]) => name)
        .sort(),
    );
  });

  it('types the options from the table (checked by npm run typecheck)', () => {
    // A default or `required` makes a checked option always there; a caller must give `input` only.
    expectTypeOf<ImportOptions['concurrency']>().toEqualTypeOf<number>();
    expectTypeOf<ImportOptions['input']>().toEqualTypeOf<string>();
    expectTypeOf<ImportOptions['results']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ImportOptions['callData']>().toEqualTypeOf<string[] | false | undefined>();
    expectTypeOf<ImportOptions['map']>().toEqualTypeOf<MapFile | undefined>();
    expectTypeOf<ImportOptionsInput['concurrency']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ImportOptionsInput['input']>().toEqualTypeOf<string>();
    // The CLI's own options are not the library's; a config file has them, and no token.
    expectTypeOf<ImportOptions>().not.toHaveProperty('logLevel');
    expectTypeOf<ImportOptions>().not.toHaveProperty('tokenFile');
    expectTypeOf<ConfigFile['logLevel']>().toEqualTypeOf<LogLevel | undefined>();
    expectTypeOf<ConfigFile['map']>().toEqualTypeOf<string | MapFile | undefined>();
    expectTypeOf<ConfigFile>().not.toHaveProperty('token');
    // Flags as yargs hands them over: null for a number that is not one, a list as typed.
    expectTypeOf<ImportFlags['concurrency']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<ImportFlags['callData']>().toEqualTypeOf<string | false | undefined>();
    expectTypeOf<ImportFlags>().not.toHaveProperty('token');
  });
});

describe('the vocabulary of the table', () => {
  it('lets a path marked off be turned off with false (`--no-<flag>`), and no other path', () => {
    const off = { type: 'path', off: true, help: 'a file', where: { commands: ['import'] } } as const;
    const plain: OptionSpec = { type: 'path', help: 'a file', where: {} };
    for (const where of ['library', 'file'] as const) {
      expect(valueSchema(off, where).safeParse(false).success).toBe(true);
      expect(valueSchema(off, where).safeParse('state.sqlite').success).toBe(true);
      expect(valueSchema(off, where).safeParse('').success).toBe(false);
      expect(valueSchema(plain, where).safeParse(false).success).toBe(false);
    }
    expect(yargsFlag(off)).toMatchObject({ type: 'string', describe: 'a file' });
    expectTypeOf<ValueOf<typeof off>>().toEqualTypeOf<string | false>();
    expectTypeOf<ValueOf<{ type: 'path' }>>().toEqualTypeOf<string>();
  });

  it('shows a range in help and says it in a flag error', () => {
    expect(yargsFlag({ type: 'number', min: 1, max: 256, help: 'n' }).describe).toBe('n (1–256)');
    expect(yargsFlag({ type: 'number', above: 0, max: 600, help: 't' }).describe).toBe('t (> 0, ≤ 600)');
    expect(yargsFlag({ type: 'string', help: 'u' }, { env: 'X_URL' }).describe).toBe('u (env X_URL)');
    expect(expectedNumber({ min: 1, max: 3600, unit: 'seconds' })).toBe('seconds from 1 to 3600');
    expect(expectedNumber({ integer: true, min: 0 })).toBe('a whole number at least 0');
    expect(expectedNumber({ above: 0, max: 600 })).toBe('a number above 0 and at most 600');
  });
});
