import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/run-cli.js';

const run = promisify(execFile);
const SKIP = process.env.SKIP_PACKAGE_TEST === '1';
if (SKIP)
  console.warn('test/package.test.ts skipped: SKIP_PACKAGE_TEST=1 (npm pack + install from the registry)');

interface PackageJson {
  version: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; import: string }>;
  devDependencies: Record<string, string>;
}

/**
 * What a user gets from `npm install nlpearl-leads`: the tarball `npm pack` makes of the built dist/ (npm test
 * builds it first), installed without dev dependencies into an empty folder.
 */
describe.skipIf(SKIP)('the npm package', () => {
  let work = '';
  afterAll(() => {
    if (work !== '') fs.rmSync(work, { recursive: true, force: true });
  });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

  // A long timeout: the install builds better-sqlite3 from source where no prebuilt binary can be downloaded
  // (1–3 minutes on two shared cores).
  it('installs into an empty folder with no dev dependency, and runs', async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nlpearl-leads-package-'));
    // --ignore-scripts: no rebuild of dist/ under the feet of the tests running beside this one.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
    });
    const [tarball] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = tarball!.files.map((file) => file.path);
    expect(files).toContain('package.json');
    expect(files).toContain(pkg.bin['nlpearl-leads']!.replace(/^\.\//, ''));
    expect(
      files.filter((file) => !file.startsWith('dist/') && !/^(package\.json|README\.md|LICENSE)$/.test(file)),
    ).toEqual([]);
    expect(files.filter((file) => /\.test\.|^dist\/.*\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual(
      [],
    );

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    await run(
      'npm',
      [
        'install',
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        // better-sqlite3 would compile from source here (minutes on 2 cores, no network for a prebuilt binary);
        // this test is about what the package holds and how it loads, and `npm test` builds and tests the
        // ledger itself. The native module is loaded only when a ledger is opened.
        '--ignore-scripts',
        path.join(work, tarball!.filename),
      ],
      { cwd: app },
    );

    const bin = path.join(app, 'node_modules/.bin/nlpearl-leads');
    const version = await run(bin, ['--version'], { cwd: app });
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const help = await run(bin, ['--help'], { cwd: app });
    expect(help.stdout).toContain('nlpearl-leads <command> [options]');
    expect(help.stdout).toContain('Exit codes:');

    // The library entry point and its types, as `exports` declares them.
    const installed = path.join(app, 'node_modules/nlpearl-leads');
    for (const entry of ['.', './sandbox']) {
      for (const target of Object.values(pkg.exports[entry]!))
        expect(fs.existsSync(path.join(installed, target))).toBe(true);
    }
    const library = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('nlpearl-leads'); const s = await import('nlpearl-leads/sandbox');" +
          ' console.log(typeof m.importLeads, typeof m.NlpearlLeadsError, typeof s.startSandbox, typeof m.main)',
      ],
      { cwd: app },
    );
    // The product by name; the CLI's own main is not part of it.
    expect(library.stdout).toBe('function function function undefined\n');

    for (const dev of Object.keys(pkg.devDependencies)) {
      expect(fs.existsSync(path.join(app, 'node_modules', dev)), `${dev} installed`).toBe(false);
    }
  }, 180_000);
});
