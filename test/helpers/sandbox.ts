import { afterEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';

/**
 * A sandbox per test, closed after it: `const start = useSandbox();` at the top of a test file, then
 * `const box = await start({ faults: … })` in a test.
 */
export function useSandbox(): (options?: SandboxOptions) => Promise<Sandbox> {
  let current: Sandbox | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await startSandbox(options);
    return current;
  };
}
