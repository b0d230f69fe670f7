import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One PostgreSQL cluster for the run, where PostgreSQL is installed (else its tests say they are skipped).
    globalSetup: ['test/ledger/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn the CLI and a sandbox: two workers fit this 2-core machine.
    maxWorkers: 2,
  },
});
