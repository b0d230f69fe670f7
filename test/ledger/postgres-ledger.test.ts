import { describe } from 'vitest';
import { describeLedger } from './ledger-suite.js';
import { locationOf, newPostgresDatabase, postgresSocket } from './postgres-test-db.js';

// Each test of the suite on a database of its own, in the cluster the test run started.
describe.skipIf(postgresSocket === undefined)('PostgreSQL', () => {
  describeLedger('postgres', async () => locationOf(await newPostgresDatabase(import.meta.filename)));
});
