// A throwaway PostgreSQL cluster for the benchmark's case 7, started the way the tests start theirs
// (test/ledger/postgres-cluster.js), but with PostgreSQL's durable defaults (fsync on): a commit costs here
// what it costs on a real server's disk.
import fs from 'node:fs';
import path from 'node:path';
import {
  clusterUrl,
  createDatabase,
  findPostgresBin,
  startCluster,
} from '../test/ledger/postgres-cluster.js';

/** Clusters still running, so that an interrupted benchmark stops them (synchronously, on exit). */
const running = new Set();

export function stopClusters() {
  for (const cluster of running) cluster.stop();
  running.clear();
}

/**
 * CPU seconds (user + system) the cluster has used so far: its postmaster's own and its children's, those that
 * ended (a run's connections, once it closed them) and those still running, from /proc.
 */
function clusterCpuSeconds(socketDir) {
  const postmaster = fs.readFileSync(path.join(socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0];
  const fields = (pid) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const own = fields(postmaster);
  // After "pid (comm) ": utime, stime, cutime, cstime are the 12th to 15th fields, in clock ticks of 1/100 s.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  const children = fs.readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim();
  for (const child of children.split(' ').filter(Boolean)) {
    try {
      const theirs = fields(child);
      ticks += Number(theirs[11]) + Number(theirs[12]);
    } catch {
      // It ended meanwhile: its time is in cutime now.
    }
  }
  return ticks / 100;
}

/**
 * Runs `body` with a cluster of its own; `newLedger()` gives the URL of a new, empty database in it, and
 * `cpuSeconds()` the CPU the cluster has used so far.
 * @param {(pg: {newLedger: () => Promise<string>, cpuSeconds: () => number}) => Promise<T>} body
 * @returns {Promise<T>}
 * @template T
 */
export async function withPostgres(body) {
  const bin = findPostgresBin();
  if (bin === undefined)
    throw new Error('case 7 needs PostgreSQL (initdb, pg_ctl): apt-get install postgresql');
  const cluster = await startCluster({ bin, durable: true });
  running.add(cluster);
  let made = 0;
  try {
    return await body({
      newLedger: async () =>
        clusterUrl(cluster.socketDir, await createDatabase(cluster.socketDir, `bench_${(made += 1)}`)),
      cpuSeconds: () => clusterCpuSeconds(cluster.socketDir),
    });
  } finally {
    running.delete(cluster);
    cluster.stop();
  }
}
