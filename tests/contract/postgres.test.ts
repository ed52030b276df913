/** The event store contract against the PostgreSQL store (always runs: embedded or TEST_DATABASE_URL). */
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventStoreContract } from './event-store.contract.js';

let database: Promise<TestDatabase> | undefined;
let open = 0;

eventStoreContract('PostgreSQL', async ({ upcasters }) => {
  database ??= createTestDatabase(20);
  const db = await database;
  open++;
  const store = new PostgresEventStore(db.pool, upcasters ? { upcasters } : {});
  return {
    store,
    async close() {
      await store.close();
      if (--open === 0) await db.drop();
    },
  };
});
