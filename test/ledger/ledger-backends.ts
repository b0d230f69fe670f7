import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA } from '../../src/ledger/postgres-schema.js';
import { adminClient, newPostgresDatabase, postgresSocket } from './postgres-test-db.js';

/** A kind of ledger the end-to-end tests run the CLI with (NLPEARL_LEDGER): the same tests on each. */
export interface LedgerBackend {
  readonly name: string;
  /** False where the backend cannot run here (no PostgreSQL installed): its tests are skipped. */
  readonly available: boolean;
  /** A new, empty ledger for one test (a file in `dir`, or a database): what NLPEARL_LEDGER is set to. */
  fresh(dir: string): Promise<string>;
  /** Loses everything it holds, as a new machine or a database restored empty would. */
  lose(ledger: string): Promise<void>;
}

export const SQLITE_BACKEND: LedgerBackend = {
  name: 'SQLite',
  available: true,
  fresh: (dir) => Promise.resolve(path.join(dir, 'ledger.sqlite')),
  lose: (file) => {
    for (const name of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(name, { force: true });
    return Promise.resolve();
  },
};

export function postgresBackend(testFile: string): LedgerBackend {
  return {
    name: 'PostgreSQL',
    available: postgresSocket !== undefined,
    fresh: () => newPostgresDatabase(testFile),
    lose: async (url) => {
      const client = await adminClient(url);
      try {
        await client.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
