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
 * Reads `<dataDir>/postmaster.pid`, the lock file the postmaster writes at start and
 * removes at a clean stop (PostgreSQL docs, "Database File Layout"): line 1 its PID, line 2
 * the data directory, line 4 the port. Attaches only when every check holds: the PID is
 * alive, line 2 names `dataDir`, the port is `port`, and the server answering there says
 * (`show data_directory`, as the superuser `postgres`) that `dataDir` is its data directory.
 * So a stale lock file (dead PID, a reused PID, another port, a copied folder) never leads
 * to a connection to the wrong server.
 * @returns the server's URL and PID, or undefined when no lock file is there, it is stale
 *   or unreadable, or any check fails (the caller then starts its own server)
 */
export async function findRunningEmbeddedPostgres(query: RunningEmbeddedQuery): Promise<RunningEmbedded | undefined> {
  const lockFile = await readFile(path.join(query.dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (lockFile === undefined) return undefined;
  const [pidLine, dirLine, , portLine] = lockFile.split('\n');
  const pid = Number(pidLine);
  if (!Number.isSafeInteger(pid) || pid <= 0 || Number(portLine) !== query.port) return undefined;
  if (!isAlive(pid) || !dirLine || !(await samePath(dirLine, query.dataDir))) return undefined;

  const url = embeddedPostgresUrl(query.port);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('show data_directory');
    const served = rows[0]?.data_directory;
    return served !== undefined && (await samePath(served, query.dataDir)) ? { url, pid } : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether process `pid` exists (EPERM: it does, but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether two paths name the same folder, symbolic links resolved where they exist. */
async function samePath(a: string, b: string): Promise<boolean> {
  const resolve = (p: string) => realpath(p).catch(() => path.resolve(p));
  return (await resolve(a)) === (await resolve(b));
}
