// A throwaway PostgreSQL cluster for the benchmark's case 7, started the way the tests start theirs
// (test/ledger/postgres-cluster.js), but with PostgreSQL's durable defaults (fsync on): a commit costs here
// what it costs on a real server's disk.
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
 * Runs `body` with a cluster of its own; `newLedger()` gives the URL of a new, empty database in it.
 * @param {(pg: {newLedger: () => Promise<string>}) => Promise<T>} body
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
    });
  } finally {
    running.delete(cluster);
    cluster.stop();
  }
}
