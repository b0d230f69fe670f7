// A throwaway PostgreSQL cluster for the tests (vitest's globalSetup) and the benchmark (bench/run.js --case 7):
// initdb and pg_ctl from Debian's postgresql package, in a temporary folder, listening on a Unix socket in that
// folder only, so that no port can collide with another run. Plain JavaScript, so that node runs it without a
// build step; postgres-cluster.d.ts gives its types to the TypeScript tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const PREFIX = 'nlpearl-leads-pg-';
/** Its members log in with a password (scram-sha-256), for the tests of credentials; other roles are trusted. */
const PASSWORD_GROUP = 'password_users';
const TIMEOUT_MS = 60_000;

/**
 * The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (the
 * newest), which the postgresql package does not put on PATH. Undefined when PostgreSQL is not installed.
 */
export function findPostgresBin() {
  const has = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((name) => fs.existsSync(path.join(dir, name)));
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir !== '' && has(dir)) return dir;
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.map((version) => path.join(debian, version, 'bin')).find(has);
}

/**
 * initdb refuses to run as root, and postgres too: as root, the cluster runs as `nobody` (through runuser),
 * and owns its folder. root may still use its socket.
 */
function asServerUser(bin, args) {
  const command = path.join(bin, args[0]);
  const rest = args.slice(1);
  const options = { stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT_MS, cwd: os.tmpdir() };
  try {
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'nobody', '--', command, ...rest], options);
    else execFileSync(command, rest, options);
  } catch (error) {
    const stderr = error.stderr?.toString().trim();
    throw new Error(`${args[0]} failed: ${stderr || error.message}`, { cause: error });
  }
}

/** Stops the clusters of earlier runs that were killed before they could stop their own (their owner is gone). */
function stopOrphans(bin) {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    let owner;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      process.kill(owner, 0);
      continue; // its owner is alive
    } catch (error) {
      if (owner !== undefined && error.code === 'EPERM') continue;
    }
    try {
      if (fs.existsSync(path.join(dir, 'data', 'postmaster.pid')))
        asServerUser(bin, ['pg_ctl', '-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a cluster and resolves once it takes connections. `durable: false` (tests) turns fsync off, as nothing
 * must survive a power cut; the benchmark keeps PostgreSQL's defaults, so its commits cost what they cost.
 */
export async function startCluster({ bin = findPostgresBin(), durable = false } = {}) {
  if (bin === undefined) throw new Error('PostgreSQL is not installed (no initdb and pg_ctl found)');
  stopOrphans(bin);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  if (process.getuid?.() === 0) fs.chownSync(dir, 65534, 65534);
  const data = path.join(dir, 'data');
  const stop = () => {
    try {
      if (fs.existsSync(path.join(data, 'postmaster.pid')))
        asServerUser(bin, ['pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    asServerUser(bin, [
      'initdb',
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '-N',
    ]);
    fs.writeFileSync(
      path.join(data, 'pg_hba.conf'),
      `local all +${PASSWORD_GROUP} scram-sha-256\nlocal all all trust\n`,
    );
    const settings = [`-k ${dir}`, "-c listen_addresses=''", '-c max_connections=300'];
    if (!durable) settings.push('-c fsync=off', '-c full_page_writes=off');
    asServerUser(bin, [
      'pg_ctl',
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      settings.join(' '),
      '-w',
      'start',
    ]);
    await superuser(dir, (client) => client.query(`CREATE ROLE ${PASSWORD_GROUP} NOLOGIN`));
  } catch (error) {
    stop();
    throw error;
  }
  return { socketDir: dir, stop };
}

/** A URL of the cluster whose socket is in `socketDir`; `role` and `password` default to the superuser. */
export function clusterUrl(socketDir, database, { role = 'postgres', password } = {}) {
  const user = password === undefined ? role : `${role}:${encodeURIComponent(password)}`;
  return `postgres://${user}@localhost/${database}?host=${encodeURIComponent(socketDir)}`;
}

async function superuser(socketDir, fn) {
  const client = new pg.Client({ host: socketDir, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database; resolves with its name. With `password`, also a role of its own, `<name>_user`,
 * that must log in with it, and may create in the database unless `grant` is false.
 */
export async function createDatabase(socketDir, name, { password, grant = true } = {}) {
  await superuser(socketDir, async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    if (password === undefined) return;
    const escaped = password.replaceAll("'", "''");
    await client.query(`CREATE ROLE ${name}_user LOGIN PASSWORD '${escaped}' IN ROLE ${PASSWORD_GROUP}`);
    if (grant) await client.query(`GRANT ALL ON DATABASE ${name} TO ${name}_user`);
  });
  return name;
}
