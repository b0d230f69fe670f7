import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/ledger/errors.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION, SCHEMA } from '../../src/ledger/postgres-schema.js';
import { adminClient, locationOf, newPostgresDatabase, postgresSocket } from './postgres-test-db.js';

const PASSWORD = 'Pw-OPENCHECK-4d3c2b';

async function refusal(url: string): Promise<LedgerError> {
  const location = locationOf(url);
  const error = await openLedger(location, { warn: () => {} }).then(
    async (ledger) => {
      await ledger.close();
      throw new Error('the ledger opened');
    },
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(LedgerError);
  const refused = error as LedgerError;
  // One line, naming the ledger without its password.
  expect(refused.message).not.toContain('\n');
  expect(refused.message).toContain(location.display);
  expect(refused.message).not.toContain(PASSWORD);
  return refused;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `sql` as the superuser in the database of `url`. */
async function asSuperuser(url: string, sql: string): Promise<void> {
  const database = new URL(url).pathname.slice(1);
  const client = new pg.Client({ host: postgresSocket, user: 'postgres', database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(postgresSocket === undefined)('ledger: a PostgreSQL server that cannot serve', () => {
  it('unreachable: LEDGER_UNAVAILABLE, saying to check the host, the port and the server', async () => {
    const port = await closedPort();
    const refused = await refusal(`postgres://nightly:${PASSWORD}@127.0.0.1:${port}/leads`);
    expect(refused.code).toBe('LEDGER_UNAVAILABLE');
    expect(refused.message).toBe(
      `cannot reach the PostgreSQL server of the ledger postgres://nightly:***@127.0.0.1:${port}/leads ` +
        `(ECONNREFUSED). Check the host and port in the URL, and that the server is running and accepts ` +
        `connections from here, or point --ledger (or NLPEARL_LEDGER) at another ledger`,
    );
  });

  it('a wrong password, or none: LEDGER_UNAVAILABLE, saying which, never what it was', async () => {
    const url = await newPostgresDatabase(import.meta.filename, { password: PASSWORD });
    const wrong = await refusal(url.replace(encodeURIComponent(PASSWORD), 'not-the-password'));
    expect(wrong.code).toBe('LEDGER_UNAVAILABLE');
    expect(wrong.message).toContain(
      'refused its credentials (wrong password). Check the user and the password',
    );
    const none = await refusal(url.replace(`:${encodeURIComponent(PASSWORD)}@`, '@'));
    expect(none.message).toContain('refused its credentials (no password was given)');
    // And the right one opens it.
    await (await openLedger(locationOf(url), { warn: () => {} })).close();
  });

  it('a database that does not exist: LEDGER_UNAVAILABLE, saying to create it', async () => {
    const url = (await newPostgresDatabase(import.meta.filename)).replace(/\/(\w+)\?/, '/no_such_db?');
    const refused = await refusal(url);
    expect(refused.code).toBe('LEDGER_UNAVAILABLE');
    expect(refused.message).toContain('does not exist. Create it (createdb, or CREATE DATABASE)');
  });

  it('a role that may not create the schema: LEDGER_UNAVAILABLE, saying what to grant', async () => {
    const url = await newPostgresDatabase(import.meta.filename, { password: PASSWORD, grant: false });
    const refused = await refusal(url);
    expect(refused.message).toContain('cannot be used by this role: permission denied');
    expect(refused.message).toContain('Grant it CREATE on the database');
  });

  it('a read-only database: refused before anything is sent', async () => {
    const url = await newPostgresDatabase(import.meta.filename);
    await (await openLedger(locationOf(url), { warn: () => {} })).close();
    await asSuperuser(
      url,
      `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_read_only = on`,
    );
    const refused = await refusal(url);
    expect(refused.message).toContain('is read-only (a standby, or default_transaction_read_only)');
  });

  it('a ledger of a newer nlpearl-leads: LEDGER_NEWER_SCHEMA, left as it is', async () => {
    const url = await newPostgresDatabase(import.meta.filename);
    await (await openLedger(locationOf(url), { warn: () => {} })).close();
    await asSuperuser(url, `INSERT INTO ${SCHEMA}.migrations (version, description) VALUES (99, 'future')`);
    const refused = await refusal(url);
    expect(refused.code).toBe('LEDGER_NEWER_SCHEMA');
    expect(refused.message).toContain(
      `has schema version 99, newer than this nlpearl-leads knows (${PG_SCHEMA_VERSION})`,
    );
  });

  it('a schema of that name holding another program’s tables: LEDGER_NOT_LEDGER, left as it is', async () => {
    const url = await newPostgresDatabase(import.meta.filename);
    await asSuperuser(url, `CREATE SCHEMA ${SCHEMA}; CREATE TABLE ${SCHEMA}.orders (id int)`);
    expect((await refusal(url)).code).toBe('LEDGER_NOT_LEDGER');
  });
});

describe.skipIf(postgresSocket === undefined)('ledger: the PostgreSQL schema', () => {
  it('is created on first use, once, however many processes open a new database at once', async () => {
    const url = await newPostgresDatabase(import.meta.filename);
    const ledgers = await Promise.all(
      Array.from({ length: 6 }, () => openLedger(locationOf(url), { warn: () => {} })),
    );
    await Promise.all(ledgers.map((ledger) => ledger.close()));
    const client = await adminClient(url);
    try {
      const applied = await client.query(`SELECT version FROM ${SCHEMA}.migrations ORDER BY version`);
      expect(applied.rows.map((row: { version: number }) => row.version)).toEqual(
        PG_MIGRATIONS.map((migration) => migration.version),
      );
    } finally {
      await client.end();
    }
  });
});
