import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { embeddedPostgresUrl } from './embedded-postgres.js';

/** Where to look for a running embedded PostgreSQL: the cluster folder and the expected port. */
export interface RunningEmbeddedQuery {
  /** The cluster folder, as given to `startEmbeddedPostgres` (`DATA_DIR/postgres`). */
  readonly dataDir: string;
  readonly port: number;
}

/** An embedded PostgreSQL another process started and still runs; this process must not stop it. */
export interface RunningEmbedded {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** The postmaster's process id, from its lock file. */
  readonly pid: number;
}

/**
 * Finds the PostgreSQL server that is running `dataDir` on 127.0.0.1:`port`, so that a
 * second process (a CLI command beside the service) can connect to it instead of starting
 * one, which PostgreSQL would refuse ("lock file postmaster.pid already exists").
 *
 * `<dataDir>/postmaster.pid` is the lock file the postmaster writes at start and removes at
 * a clean stop (PostgreSQL docs, "Database File Layout"; line 1 is its PID): without it no
 * server runs the folder, and nothing is tried. With it, the one check that decides is the
 * server's own word: the server answering on `port` must say (`show data_directory`, as
 * the superuser `postgres`) that `dataDir` is its data directory. So a stale lock file (a
 * dead or reused PID, another port, a copied folder) never leads to a connection to the
 * wrong server: nothing answers, or the server that does runs another folder.
 * @returns the server's URL and its PID (from the lock file, for the log), or undefined
 *   when there is no lock file or the server on `port` is not that folder's (the caller
 *   then starts its own server)
 */
export async function findRunningEmbeddedPostgres(query: RunningEmbeddedQuery): Promise<RunningEmbedded | undefined> {
  const lockFile = await readFile(path.join(query.dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (lockFile === undefined) return undefined;
  const url = embeddedPostgresUrl(query.port);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('show data_directory');
    const served = rows[0]?.data_directory;
    return served !== undefined && (await samePath(served, query.dataDir)) ? { url, pid: Number(lockFile.split('\n')[0]) } : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether two paths name the same folder, symbolic links resolved where they exist. */
async function samePath(a: string, b: string): Promise<boolean> {
  const resolve = (p: string) => realpath(p).catch(() => path.resolve(p));
  return (await resolve(a)) === (await resolve(b));
}
