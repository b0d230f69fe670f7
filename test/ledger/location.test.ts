import { describe, expect, it } from 'vitest';
import { resolveLedgerLocation, type LocationInput } from '../../src/ledger/location.js';

const HOME = '/home/ada';
const resolve = (input: Partial<LocationInput>) =>
  resolveLedgerLocation({ env: {}, cwd: '/work/nightly', homedir: HOME, ...input });

describe('ledger location', () => {
  it('is --ledger, else NLPEARL_LEDGER, else under XDG_STATE_HOME, else ~/.local/state', () => {
    const env = { NLPEARL_LEDGER: '/var/lib/from-env.sqlite', XDG_STATE_HOME: '/state' };
    expect(resolve({ flag: '/srv/flag.sqlite', env })).toEqual({
      ok: true,
      location: { kind: 'sqlite', file: '/srv/flag.sqlite', display: '/srv/flag.sqlite', origin: 'flag' },
    });
    expect(resolve({ env })).toMatchObject({
      ok: true,
      location: { file: '/var/lib/from-env.sqlite', origin: 'env' },
    });
    expect(resolve({ env: { XDG_STATE_HOME: '/state' } })).toMatchObject({
      ok: true,
      location: { kind: 'sqlite', file: '/state/nlpearl-leads/ledger.sqlite', origin: 'default' },
    });
    expect(resolve({})).toMatchObject({
      ok: true,
      location: { file: '/home/ada/.local/state/nlpearl-leads/ledger.sqlite', origin: 'default' },
    });
  });

  it('counts an empty value as unset, and ignores a relative XDG_STATE_HOME as the XDG spec says', () => {
    expect(resolve({ flag: '', env: { NLPEARL_LEDGER: ' ', XDG_STATE_HOME: 'state' } })).toMatchObject({
      location: { file: '/home/ada/.local/state/nlpearl-leads/ledger.sqlite', origin: 'default' },
    });
  });

  it('takes a relative path from the working folder, and ~/ from HOME', () => {
    expect(resolve({ flag: 'ledgers/night.sqlite' })).toMatchObject({
      location: { file: '/work/nightly/ledgers/night.sqlite' },
    });
    expect(resolve({ env: { NLPEARL_LEDGER: '~/ledger.sqlite' } })).toMatchObject({
      location: { file: '/home/ada/ledger.sqlite', origin: 'env' },
    });
  });

  it('needs HOME for the default and for ~/', () => {
    const noHome = (input: Partial<LocationInput>) => resolveLedgerLocation({ env: {}, cwd: '/w', ...input });
    expect(noHome({})).toEqual({
      ok: false,
      issue: 'HOME is not set, so the ledger has no default place: give --ledger FILE',
    });
    expect(noHome({ flag: '~/x.sqlite' })).toEqual({
      ok: false,
      issue: '--ledger starts with ~ but HOME is not set',
    });
    expect(noHome({ env: { HOME: '/root' } })).toMatchObject({
      location: { file: '/root/.local/state/nlpearl-leads/ledger.sqlite' },
    });
  });

  it('reserves postgres:// and postgresql:// for PostgreSQL, shown without the password', () => {
    expect(resolve({ flag: 'postgres://nightly:s3cret@db.internal:5432/leads?sslmode=require' })).toEqual({
      ok: true,
      location: {
        kind: 'postgres',
        url: 'postgres://nightly:s3cret@db.internal:5432/leads?sslmode=require',
        display: 'postgres://nightly:***@db.internal:5432/leads?sslmode=require',
        origin: 'flag',
      },
    });
    expect(
      resolve({ env: { NLPEARL_LEDGER: 'postgresql://db/leads?user=n&password=s3cret' } }),
    ).toMatchObject({
      location: { kind: 'postgres', display: 'postgresql://db/leads?user=n&password=***', origin: 'env' },
    });
    expect(resolve({ flag: 'postgres://nightly@db/leads' })).toMatchObject({
      location: { display: 'postgres://nightly@db/leads' },
    });
  });

  it('refuses a postgres URL it cannot parse without repeating it', () => {
    const result = resolve({ env: { NLPEARL_LEDGER: 'postgres://user:s3cret@db:port/leads' } });
    expect(result).toEqual({ ok: false, issue: 'NLPEARL_LEDGER is not a valid postgres:// URL' });
  });
});
