import { LedgerError } from './errors.js';

const ELSEWHERE = 'or point --ledger (or NLPEARL_LEDGER) at another ledger';

/** Errors of the network or the server's process, as Node.js and pg give them: the server is not there. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // A Unix socket path where no server listens.
  'ENOENT',
]);

/**
 * Turns what pg or the network threw into a LedgerError that names the ledger by its URL without the password
 * (`display`) and says what to do. The original error is kept as `cause`: pg's errors never hold the password
 * (its client keeps it out of every enumerable field). Anything else (a mistake in our SQL) is returned as is.
 */
export function ledgerErrorFromPg(error: unknown, display: string): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof LedgerError) return error;
  const code = (error as { code?: unknown }).code;
  const unavailable = (what: string) =>
    new LedgerError(`${what}, ${ELSEWHERE}`, 'LEDGER_UNAVAILABLE', { cause: error });

  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return unavailable(
      `cannot reach the PostgreSQL server of the ledger ${display} (${code}). Check the host and port in the ` +
        `URL, and that the server is running and accepts connections from here`,
    );
  }
  if (isConnectionLoss(error)) {
    return unavailable(
      `lost the connection to the PostgreSQL server of the ledger ${display} (${error.message}). Check that ` +
        `the server is running, then run again`,
    );
  }
  // pg's own wording when the server asks for a password and none was given (URL, PGPASSWORD, ~/.pgpass).
  if (/client password must be a string|password authentication|no password supplied/i.test(error.message)) {
    return credentials(display, error);
  }
  if (typeof code !== 'string') return error;
  switch (code) {
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification: no pg_hba.conf entry, or no such role
      return credentials(display, error);
    case '3D000': // invalid_catalog_name
      return unavailable(
        `the database of the ledger ${display} does not exist. Create it (createdb, or CREATE DATABASE), or ` +
          `fix the URL`,
      );
    case '42501': // insufficient_privilege
      return unavailable(
        `the ledger ${display} cannot be used by this role: permission denied (${error.message}). Grant it ` +
          `CREATE on the database (for the first run) and the use of the nlpearl_leads schema`,
      );
    case '25006': // read_only_sql_transaction
      return unavailable(
        `the ledger ${display} is read-only (a standby, or default_transaction_read_only). Point the URL at ` +
          `the primary server`,
      );
    case '53300': // too_many_connections
    case '57P03': // cannot_connect_now: starting up or shutting down
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
      return unavailable(
        `the PostgreSQL server of the ledger ${display} does not take connections now (${error.message}). ` +
          `Try again later`,
      );
    case '53100': // disk_full
      return unavailable(`the PostgreSQL server of the ledger ${display} is out of disk space. Free some`);
    case '57014': // query_canceled: statement_timeout
      return unavailable(
        `the PostgreSQL server of the ledger ${display} did not answer in time (${error.message}). Try again ` +
          `when it is less busy`,
      );
  }
  return error;
}

/** A connection that closed under a query, or never opened in time. */
export function isConnectionLoss(error: Error): boolean {
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
    error.message,
  );
}

function credentials(display: string, error: Error): LedgerError {
  return new LedgerError(
    `the PostgreSQL server of the ledger ${display} refused its credentials (${credentialProblem(error)}). ` +
      `Check the user and the password (in the URL, PGPASSWORD or ~/.pgpass), ${ELSEWHERE}`,
    'LEDGER_UNAVAILABLE',
    { cause: error },
  );
}

function credentialProblem(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === '28P01') return 'wrong password';
  if (code === '28000') return error.message;
  return 'no password was given';
}
