/** The types of postgres-cluster.js (plain JavaScript, shared with the benchmark). */

export declare function findPostgresBin(): string | undefined;

export interface Cluster {
  /** The folder holding the cluster and its Unix socket. */
  readonly socketDir: string;
  /** Stops it at once and removes its folder. */
  stop(): void;
}

export declare function startCluster(options?: { bin?: string; durable?: boolean }): Promise<Cluster>;

export declare function clusterUrl(
  socketDir: string,
  database: string,
  options?: { role?: string; password?: string },
): string;

export declare function createDatabase(
  socketDir: string,
  name: string,
  options?: { password?: string; grant?: boolean },
): Promise<string>;
