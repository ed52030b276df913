import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as eventStore from './migrations/0001-event-store.js';
import * as readModels from './migrations/0002-read-models.js';
import * as eventStoreV2 from './migrations/0003-event-store-v2.js';
import * as processManagerCheckpoints from './migrations/0005-process-manager-checkpoints.js';
import * as readAllPage from './migrations/0007-read-all-page.js';

/**
 * Migrations in order. Static imports (not a folder scan) so the list is the same under
 * tsx, a bundler or compiled output. Names are stable: Kysely records them in
 * `kysely_migration` and runs each once.
 */
const migrations: Record<string, Migration> = {
  '0001-event-store': eventStore,
  '0002-read-models': readModels,
  '0003-event-store-v2': eventStoreV2,
  '0005-process-manager-checkpoints': processManagerCheckpoints,
  '0007-read-all-page': readAllPage,
  '0004-read-models-v2': { up: async (db) => (await import('./migrations/0004-read-models-v2.js')).up(db), down: async (db) => (await import('./migrations/0004-read-models-v2.js')).down(db) },
  '0008-append-fast-path': { up: async (db) => (await import('./migrations/0008-append-fast-path.js')).up(db), down: async (db) => (await import('./migrations/0008-append-fast-path.js')).down(db) },
  '0009-database-local-watermark': {
    up: async (db) => (await import('./migrations/0009-database-local-watermark.js')).up(db),
    down: async (db) => (await import('./migrations/0009-database-local-watermark.js')).down(db),
  },
  '0010-idempotency-keys': {
    up: async (db) => (await import('./migrations/0010-idempotency-keys.js')).up(db),
    down: async (db) => (await import('./migrations/0010-idempotency-keys.js')).down(db),
  },
  '0011-idempotency-responses': {
    up: async (db) => (await import('./migrations/0011-idempotency-responses.js')).up(db),
    down: async (db) => (await import('./migrations/0011-idempotency-responses.js')).down(db),
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the schema to the latest version. Idempotent: applied migrations are skipped;
 * Kysely holds a lock so concurrent starts migrate once.
 * @throws Error naming the migration that failed
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Read-only check that every migration has been applied (reads `kysely_migration`, writes
 * nothing, takes no lock): for processes that must not change the schema, such as the
 * CLI's read-only commands run with a read-only role.
 * @returns the name of the latest migration, which the database is at
 * @throws Error "the database is at migration X; run `npm start` or `npm run cli -- migrate`
 *   first (latest: Y)" when a migration is pending (X is "none" on an empty database)
 */
export async function assertSchemaCurrent<DB>(db: Kysely<DB>): Promise<string> {
  const known = await new Migrator({ db: db as Kysely<unknown>, provider }).getMigrations();
  const latest = known.at(-1)?.name ?? 'none';
  if (known.every((m) => m.executedAt !== undefined)) return latest;
  const current = known.filter((m) => m.executedAt !== undefined).at(-1)?.name ?? 'none';
  throw new Error(`the database is at migration ${current}; run \`npm start\` or \`npm run cli -- migrate\` first (latest: ${latest})`);
}
