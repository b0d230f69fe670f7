import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Scripts run in child processes (the crash test, a user without root's rights): they import dist/ledger. */
export const LEDGER_CHILD = path.join(ROOT, 'test/ledger/ledger-child.js');
export const OPEN_CHILD = path.join(ROOT, 'test/ledger/open-child.js');

/**
 * Lets `nobody` reach the checkout (a test that runs a child as nobody): a folder above it that others may not
 * enter, as `mktemp -d` makes one, gets o+x until the returned function puts its mode back.
 */
export function letOthersReachCheckout(): () => void {
  const changed: [string, number][] = [];
  for (let dir = ROOT; ; dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, mode | 0o001);
      changed.push([dir, mode]);
    }
    if (path.dirname(dir) === dir) break;
  }
  return () => {
    for (const [dir, mode] of changed) fs.chmodSync(dir, mode & 0o7777);
  };
}

/**
 * Fails with what to do when dist/ledger is missing or older than src/ledger: a child process would otherwise
 * test yesterday's code. `npm test` builds first; `npx vitest run test/ledger` alone does not.
 */
export function assertLedgerBuilt(): void {
  for (const name of fs.readdirSync(path.join(ROOT, 'src/ledger'))) {
    if (!name.endsWith('.ts')) continue;
    const source = path.join(ROOT, 'src/ledger', name);
    const built = path.join(ROOT, 'dist/ledger', name.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs) {
      throw new Error(
        `${path.relative(ROOT, built)} is missing or older than its source: run \`npm run build\``,
      );
    }
  }
}
