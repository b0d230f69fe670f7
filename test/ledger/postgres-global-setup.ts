import type { TestProject } from 'vitest/node';
import { findPostgresBin, startCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the test cluster's socket; undefined when PostgreSQL is not installed here. */
    postgresSocket: string | undefined;
  }
}

/** Set (to anything) where a missing PostgreSQL must fail the tests instead of skipping them: CI does. */
export const REQUIRE_POSTGRES = 'NLPEARL_TEST_POSTGRES_REQUIRED';

/**
 * vitest's globalSetup: one PostgreSQL cluster for the whole run, in a temporary folder, stopped at the end.
 * Each test file makes its own databases in it (postgres-test-db.ts). Without PostgreSQL the tests that need
 * it are skipped, and this says so once.
 */
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const bin = findPostgresBin();
  if (bin === undefined) {
    const why = 'initdb and pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin';
    if (process.env[REQUIRE_POSTGRES] !== undefined) throw new Error(`PostgreSQL is required: ${why}`);
    console.warn(
      `PostgreSQL ledger tests skipped: ${why}. To run them, install PostgreSQL (apt-get install postgresql) ` +
        `and run npm test again; ${REQUIRE_POSTGRES}=1 makes its absence fail.`,
    );
    project.provide('postgresSocket', undefined);
    return undefined;
  }
  const cluster = await startCluster({ bin });
  project.provide('postgresSocket', cluster.socketDir);
  return () => cluster.stop();
}
