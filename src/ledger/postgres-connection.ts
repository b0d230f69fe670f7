import pg from 'pg';
import { closedLedgerError, type LedgerError } from './errors.js';
import { keysetPages } from './keyset-pages.js';
import { ledgerErrorFromPg } from './postgres-errors.js';
import { SCHEMA } from './postgres-schema.js';
import { commitWrites, PgNames, type PgWrite } from './postgres-writes.js';
import { createWriteBatcher, type Settled, type WriteBatcher } from './write-batch.js';

/** Connections a ledger keeps open: one for the turn's reads, one for its writes, and room for a report. */
const POOL_SIZE = 4;
/** How long connecting may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;
/** No statement of the ledger takes this long: one that does meets a server in trouble. */
const STATEMENT_TIMEOUT_MS = 60_000;

/** What both the pool and a lock's own connection are opened with. */
export function clientConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'nlpearl-leads',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    // Finds a server that vanished from the network while the connection was idle.
    keepAlive: true,
  };
}

/**
 * A pool of connections to the ledger's database behind the backend-agnostic promises: writes go through one
 * batcher (those of a turn in one transaction, postgres-writes.ts), and the lookups of a turn are one query
 * (`lookUp`). Every pg error becomes a LedgerError naming the URL without its password.
 */
export class PgConnection {
  readonly location: string;
  readonly names = new PgNames();
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #writes: WriteBatcher<PgWrite, unknown>;
  #closed = false;

  constructor(url: string, location: string) {
    this.#url = url;
    this.location = location;
    this.#pool = new pg.Pool({
      ...clientConfig(url),
      max: POOL_SIZE,
      allowExitOnIdle: true,
      // pg-pool awaits what this returns before the connection serves its first query (@types/pg says void).
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onConnect: (client) => client.query(`SET search_path = ${SCHEMA}`),
    });
    // An idle connection the server closed: the pool drops it, and the next query opens another.
    this.#pool.on('error', () => undefined);
    this.#writes = createWriteBatcher<PgWrite, unknown>((ops) => this.#commit(ops));
  }

  /** Queues `op` with this turn's writes; resolves with its result once committed. */
  write<T>(op: PgWrite): Promise<T> {
    if (this.#closed) return Promise.reject(this.closedError());
    return this.#writes.add(op) as Promise<T>;
  }

  /** One query on a pooled connection, outside the write batches; `name` prepares it once per connection. */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<R[]> {
    if (this.#closed) throw this.closedError();
    try {
      return (await this.#pool.query<R>({ text, values, ...(name === undefined ? {} : { name }) })).rows;
    } catch (error) {
      throw ledgerErrorFromPg(error, this.location);
    }
  }

  /** Runs `fn` on one pooled connection (a migration, a transaction of reads). */
  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.#closed) throw this.closedError();
    let client: pg.PoolClient | undefined;
    try {
      client = await this.#pool.connect();
      return await fn(client);
    } catch (error) {
      throw ledgerErrorFromPg(error, this.location);
    } finally {
      client?.release();
    }
  }

  /** A connection of its own, outside the pool: a lock lives as long as it. Its errors are the caller's. */
  async dedicatedClient(): Promise<pg.Client> {
    if (this.#closed) throw this.closedError();
    const client = new pg.Client(clientConfig(this.#url));
    try {
      await client.connect();
      await client.query(`SET search_path = ${SCHEMA}`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw ledgerErrorFromPg(error, this.location);
    }
  }

  /** Commits the queued writes now; resolves when every write so far is settled. */
  drain(): Promise<void> {
    return this.#writes.drain();
  }

  /** Reads `fetch`'s pages one after another (keyset-pages.ts), committing queued writes before each. */
  pages<Row>(fetch: (after: Row | undefined) => Promise<Row[]>, pageSize: number): AsyncGenerator<Row> {
    return keysetPages(fetch, pageSize, () => this.drain());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.drain();
    this.#closed = true;
    await this.#pool.end().catch(() => undefined);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  closedError(): LedgerError {
    return closedLedgerError(this.location);
  }

  async #commit(ops: readonly PgWrite[]): Promise<readonly Settled<unknown>[]> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.#pool.connect();
      return await commitWrites(client, ops, this.names, (error) => ledgerErrorFromPg(error, this.location));
    } catch (error) {
      // A connection that failed in a transaction is not given back for reuse.
      client?.release(true);
      client = undefined;
      throw ledgerErrorFromPg(error, this.location);
    } finally {
      client?.release();
    }
  }
}
