import { chmod } from 'node:fs/promises';
import type { Logger } from 'pino';
import { CommandHandler } from '../application/command-handler.js';
import type { EventStore } from '../application/ports/event-store.js';
import { Projector, projections } from '../projections/index.js';
import type { Config } from './config/config.js';
import { openDatabase, type Database } from './database/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { assertSchemaCurrent, migrateToLatest } from './database/migrate.js';
import { findRunningEmbeddedPostgres } from './database/running-embedded.js';
import { openEventStore } from './event-store/open-event-store.js';

/**
 * Everything a process (service or CLI) needs, wired; `close()` releases it all (an
 * embedded server this process attached to, rather than started, keeps running).
 */
export interface Runtime {
  readonly config: Config;
  readonly database: Database;
  readonly store: EventStore;
  readonly handler: CommandHandler;
  readonly projectors: readonly Projector[];
  close(): Promise<void>;
}

/** Options of `openRuntime`. */
export interface RuntimeOptions {
  /**
   * With no `DATABASE_URL`: when the embedded server of `DATA_DIR` is already running
   * (started by the service), connect to it instead of starting one, and leave it running
   * at `close()`. For CLI commands; the service starts its own. Default false.
   */
  readonly attachToRunningEmbedded?: boolean;
  /**
   * Migrate the schema to the latest version (default true). With false nothing is written:
   * the schema is only checked to be at the latest migration (for read-only commands, which
   * may run with a role that can only read).
   */
  readonly migrate?: boolean;
}

/**
 * Connects to PostgreSQL (`DATABASE_URL`, or an embedded server in `DATA_DIR/postgres`
 * started by this process, or with `attachToRunningEmbedded` the one already running
 * there), migrates the schema to the latest version (with `migrate: false`, only checks
 * that it is), and wires the event store, the
 * command handler and one projector per projection (not started).
 * @throws Error when the database cannot be reached, started or migrated, or (with
 *   `migrate: false`) its schema is not at the latest migration
 */
export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dataDir = `${config.dataDir}/postgres`;
    const port = config.embeddedPgPort;
    const running = options.attachToRunningEmbedded ? await findRunningEmbeddedPostgres({ dataDir, port }) : undefined;
    if (running) {
      url = running.url;
      logger.info({ dataDir: config.dataDir, port, pid: running.pid }, 'attached to the running embedded PostgreSQL (no DATABASE_URL)');
    } else {
      await chmod(config.dataDir, 0o755).catch(() => undefined);
      embedded = await startEmbeddedPostgres({
        dataDir,
        port,
        onLog: (line) => logger.debug({ postgres: line }, 'embedded postgres'),
      });
      url = embedded.url;
      logger.info({ dataDir: config.dataDir, port }, 'embedded PostgreSQL started (no DATABASE_URL)');
    }
  }
  const database = openDatabase(url);
  try {
    if (options.migrate === false) {
      await assertSchemaCurrent(database.db);
    } else {
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) logger.info({ migrations: applied }, 'schema migrated');
    }
  } catch (error) {
    await database.close();
    await embedded?.stop();
    throw error;
  }
  const store = openEventStore(config, database.pool, logger);
  const handler = new CommandHandler(store);
  const projectors = projections.map(
    (projection) =>
      new Projector(store, database.db, projection, {
        batchSize: config.projectionBatchSize,
        batchMs: config.projectionBatchMs,
        onError: (error, name, after) => logger.error({ err: error, projection: name, after: `${after.commit}/${after.prepare}` }, 'projection batch failed'),
      }),
  );
  return {
    config,
    database,
    store,
    handler,
    projectors,
    async close() {
      await Promise.all(projectors.map((p) => p.stop()));
      await store.close();
      await database.close();
      await embedded?.stop();
    },
  };
}
