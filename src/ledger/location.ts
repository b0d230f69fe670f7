import path from 'node:path';

/** Which setting chose the ledger: `--ledger`, `NLPEARL_LEDGER`, or the default under XDG_STATE_HOME. */
export type LedgerOrigin = 'flag' | 'env' | 'default';

/** Where a ledger lives. `display` is fit for any output: it never holds a password. */
export type LedgerLocation =
  | {
      readonly kind: 'sqlite';
      readonly file: string;
      readonly display: string;
      readonly origin: LedgerOrigin;
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly display: string;
      readonly origin: LedgerOrigin;
    };

export type LocationResult = { ok: true; location: LedgerLocation } | { ok: false; issue: string };

export interface LocationInput {
  /** `--ledger FILE|URL`. */
  readonly flag?: string | undefined;
  /** Reads NLPEARL_LEDGER, XDG_STATE_HOME and HOME. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths are taken from here. Default: `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Default: `env.HOME`. */
  readonly homedir?: string | undefined;
}

const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];
const FILE_NAME = path.join('nlpearl-leads', 'ledger.sqlite');

/**
 * Finds the ledger: `--ledger`, else `NLPEARL_LEDGER`, else `$XDG_STATE_HOME/nlpearl-leads/ledger.sqlite`
 * (`~/.local/state/…` when XDG_STATE_HOME is unset or not absolute, as the XDG spec says). An empty value
 * counts as unset. A value starting with `postgres://` or `postgresql://` is a PostgreSQL ledger.
 */
export function resolveLedgerLocation(input: LocationInput): LocationResult {
  const cwd = input.cwd ?? process.cwd();
  const home = input.homedir ?? input.env.HOME;
  const given = nonEmpty(input.flag) ?? nonEmpty(input.env.NLPEARL_LEDGER);
  if (given !== undefined) {
    const origin: LedgerOrigin = nonEmpty(input.flag) === undefined ? 'env' : 'flag';
    const setting = origin === 'flag' ? '--ledger' : 'NLPEARL_LEDGER';
    if (/^postgres(ql)?:/i.test(given)) return postgresLocation(given, origin, setting);
    if (given === '~' || given.startsWith('~/')) {
      if (home === undefined) return { ok: false, issue: `${setting} starts with ~ but HOME is not set` };
      return sqliteLocation(path.join(home, given.slice(1)), origin);
    }
    return sqliteLocation(path.resolve(cwd, given), origin);
  }
  const stateHome = nonEmpty(input.env.XDG_STATE_HOME);
  if (stateHome !== undefined && path.isAbsolute(stateHome)) {
    return sqliteLocation(path.join(stateHome, FILE_NAME), 'default');
  }
  if (home === undefined) {
    return { ok: false, issue: 'HOME is not set, so the ledger has no default place: give --ledger FILE' };
  }
  return sqliteLocation(path.join(home, '.local', 'state', FILE_NAME), 'default');
}

/** The URL with its password (in the user part or as a `password` parameter) replaced by `***`. */
export function displayPostgresUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  for (const name of [...shown.searchParams.keys()]) {
    if (name.toLowerCase() === 'password') shown.searchParams.set(name, '***');
  }
  // URL escapes the stars in the query; they read better as typed.
  return shown.href.replaceAll('%2A%2A%2A', '***');
}

function postgresLocation(value: string, origin: LedgerOrigin, setting: string): LocationResult {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password: it is not repeated.
    return { ok: false, issue: `${setting} is not a valid postgres:// URL` };
  }
  if (!POSTGRES_SCHEMES.includes(url.protocol.toLowerCase())) {
    return { ok: false, issue: `${setting} is not a valid postgres:// URL` };
  }
  return { ok: true, location: { kind: 'postgres', url: value, display: displayPostgresUrl(url), origin } };
}

function sqliteLocation(file: string, origin: LedgerOrigin): LocationResult {
  return { ok: true, location: { kind: 'sqlite', file, display: file, origin } };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
