/**
 * A running projector outlives the loss of its connection (a terminated session, a failover):
 * the process does not crash on the dropped client, the projector stands for its lock again on
 * a new connection and projects what was appended meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { catalogueProjection, Projector, waitForPosition } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, rows } from './support.js';

const AT = '2026-03-01T09:00:00.000+03:00';
const DEADLINE_MS = 10_000;
/** The position of the last event in `$all`. */
async function head(store: PostgresEventStore) {
  return (await store.readAll({ maxCount: 100_000 })).at(-1)!.position;
}
const register = (sku: string) => ({ sku, name: `Product ${sku}`, category: 'x', price: { minor: 100, currency: 'TRY' } });

describe('a running projector whose connection is terminated', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('takes its lock again on a new connection and projects the events appended since', async () => {
    await given(store, 'product-acme:T1', 'ProductRegistered', register('T1'), AT);
    const errors: unknown[] = [];
    const projector = new Projector(store, database.db, catalogueProjection, { retryMs: 100, onError: (error) => errors.push(error) });
    projector.start();
    try {
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'caught up with the history');
      // The session holding the projector lock, as an operator or a failover would end it.
      const { rows: killed } = await sql<{ pid: number }>`
        select pid, pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`.execute(database.db);
      assert.equal(killed.length, 1, 'one session held the projector lock');

      await given(store, 'product-acme:T2', 'ProductRegistered', register('T2'), AT);
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'the event appended after the loss was not projected');
      assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku']), [['T1'], ['T2']]);
      assert.equal(projector.isRunning, true);
      assert.ok(errors.length >= 1, 'the loss was reported');
    } finally {
      await projector.stop();
    }
  });
});
