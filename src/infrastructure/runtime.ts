import { chmod } from 'node:fs/promises';
import type { Logger } from 'pino';
import { CommandHandler } from '../application/command-handler.js';
import type { EventStore } from '../application/ports/event-store.js';
import { Projector, projections } from '../projections/index.js';
import type { Config } from './config/config.js';
import { openDatabase, type Database } from './database/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { migrateToLatest } from './database/migrate.js';
import { openEventStore } from './event-store/open-event-store.js';

/** Everything a process (service or CLI) needs, wired; `close()` releases it all. */
export interface Runtime {
  readonly config: Config;
  readonly database: Database;
  readonly store: EventStore;
  readonly handler: CommandHandler;
  readonly projectors: readonly Projector[];
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL (`DATABASE_URL`, or an embedded server in `DATA_DIR/postgres`
 * started by this process), migrates the schema to the latest version, and wires the
 * event store, the command handler and one projector per projection (not started).
 * @throws Error when the database cannot be reached, started or migrated
 */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    await chmod(config.dataDir, 0o755).catch(() => undefined);
    embedded = await startEmbeddedPostgres({
      dataDir: `${config.dataDir}/postgres`,
      port: config.embeddedPgPort,
      onLog: (line) => logger.debug({ postgres: line }, 'embedded postgres'),
    });
    url = embedded.url;
    logger.info({ dataDir: config.dataDir, port: config.embeddedPgPort }, 'embedded PostgreSQL started (no DATABASE_URL)');
  }
  const database = openDatabase(url);
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'schema migrated');
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
