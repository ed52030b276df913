import { assertSchemaCurrent } from '../../database/migrate.js';
import { withRuntime } from '../session.js';

/**
 * `migrate`: brings the schema to the latest migration (as `npm start` does first) and prints
 * `the database is at migration NAME (the latest)`; for operators who run the read-only
 * commands, which refuse a schema with a pending migration.
 */
export async function migrate(): Promise<void> {
  await withRuntime(async (runtime) => {
    console.log(`the database is at migration ${await assertSchemaCurrent(runtime.database.db)} (the latest)`);
  });
}
