import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { resolveLedgerLocation, type LedgerLocation } from '../../src/ledger/location.js';
import { clusterUrl, createDatabase } from './postgres-cluster.js';

/** The test cluster's socket folder (postgres-global-setup.ts), or undefined where PostgreSQL is missing. */
export const postgresSocket: string | undefined = inject('postgresSocket');

let made = 0;

/**
 * A new, empty database in the test cluster, named after the test file and this worker, so that every test
 * file (and every test that wants one) has its own. Resolves with its URL; with `password`, the URL of a role
 * of its own that must give it (and may create in it unless `grant` is false).
 */
export async function newPostgresDatabase(
  testFile: string,
  options: { password?: string; grant?: boolean } = {},
): Promise<string> {
  if (postgresSocket === undefined)
    throw new Error('no PostgreSQL test cluster: see postgres-global-setup.ts');
  const base = path
    .basename(testFile)
    .replace(/\.test\.ts$/, '')
    .replace(/\W/g, '_');
  const name = await createDatabase(postgresSocket, `${base}_${process.pid}_${(made += 1)}`, options);
  return clusterUrl(
    postgresSocket,
    name,
    options.password === undefined ? {} : { role: `${name}_user`, password: options.password },
  );
}

export function locationOf(urlOrFile: string): LedgerLocation {
  const result = resolveLedgerLocation({ flag: urlOrFile, env: {} });
  if (!result.ok) throw new Error(result.issue);
  return result.location;
}

/** A client of the cluster's superuser on the database of `url`, for a test to look inside; end() it. */
export async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: postgresSocket,
    user: 'postgres',
    database: new URL(url).pathname.slice(1),
  });
  await client.connect();
  return client;
}
