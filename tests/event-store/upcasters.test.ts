/** Upcasters: unit behaviour, and a v1 event stored before schema versions existed read as v2. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { START } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { UpcastError, Upcasters } from '../../src/infrastructure/event-store/upcasters.js';
import { newEvent } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** ProductRegistered v1 had `price` in major units (a float); v2 has `price: { minor, currency }`. */
const upcasters = () =>
  new Upcasters().register('ProductRegistered', 1, (data) => ({ ...data, price: { minor: Math.round(Number(data.price) * 100), currency: 'TRY' } }));

describe('upcasters', () => {
  it('chains steps from the stored version to the current one', () => {
    const u = new Upcasters()
      .register('Renamed', 2, (d) => ({ ...d, v3: true }))
      .register('Renamed', 1, (d) => ({ ...d, v2: true }));
    assert.equal(u.currentVersion('Renamed'), 3);
    assert.equal(u.currentVersion('Unknown'), 1);
    assert.deepEqual(u.upcast('Renamed', { data: { a: 1 }, schemaVersion: 1 }), { data: { a: 1, v2: true, v3: true }, schemaVersion: 3 });
    assert.deepEqual(u.upcast('Renamed', { data: { a: 1 }, schemaVersion: 3 }), { data: { a: 1 }, schemaVersion: 3 });
    assert.deepEqual(u.upcast('Renamed', { data: { a: 1 }, schemaVersion: 4 }), { data: { a: 1 }, schemaVersion: 4 }, 'newer data is left alone');
  });

  it('names the missing step and refuses bad registrations', () => {
    const u = new Upcasters().register('Gap', 2, (d) => d);
    assert.throws(() => u.upcast('Gap', { data: {}, schemaVersion: 1 }), (e: unknown) => e instanceof UpcastError && /Gap v1 → v2/.test(e.message));
    assert.throws(() => u.register('Gap', 2, (d) => d), RangeError);
    assert.throws(() => u.register('Gap', 0, (d) => d), RangeError);
  });

  describe('on the PostgreSQL store', () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(5);
    });
    after(() => database.drop());

    it('reads a stored v1 event as v2 (readStream, readAll, subscription) without rewriting it', async () => {
      // Written the way the store wrote before migration 0003: no schema version argument.
      const v1 = newEvent('ProductRegistered', { sku: 'BOOK-1', price: 450.5 });
      await database.pool.query('select * from append_events($1, -1, $2, $3, $4, $5, $6, $7)', [
        'product-acme:BOOK-1', 'acme', [v1.eventId], [v1.type], [JSON.stringify(v1.data)], [JSON.stringify(v1.metadata)], [v1.metadata.occurredAt],
      ]);
      const store = new PostgresEventStore(database.pool, { upcasters: upcasters() });
      const expected = { sku: 'BOOK-1', price: { minor: 45050, currency: 'TRY' } };
      const [read] = await store.readStream('product-acme:BOOK-1');
      assert.equal(read?.schemaVersion, 2);
      assert.deepEqual(read?.data, expected);
      assert.deepEqual((await store.readAll({ after: START, maxCount: 10 }))[0]?.data, expected);
      const subscription = store.subscribeToAll();
      for await (const event of subscription) {
        assert.deepEqual(event.data, expected);
        break;
      }
      await store.close();
      const stored = await database.pool.query<{ schema_version: number; data: unknown }>('select schema_version, data from events where event_id = $1', [v1.eventId]);
      assert.deepEqual(stored.rows[0], { schema_version: 1, data: { sku: 'BOOK-1', price: 450.5 } });
    });

    it('writes new events at the current version, so they are not upcast again', async () => {
      const store = new PostgresEventStore(database.pool, { upcasters: upcasters() });
      const v2 = newEvent('ProductRegistered', { sku: 'PEN-1', price: { minor: 1000, currency: 'TRY' } });
      await store.appendToStream('product-acme:PEN-1', [v2], { expectedRevision: 'no-stream' });
      const stored = await database.pool.query<{ schema_version: number }>('select schema_version from events where event_id = $1', [v2.eventId]);
      assert.equal(stored.rows[0]?.schema_version, 2);
      assert.deepEqual((await store.readStream('product-acme:PEN-1'))[0]?.data, v2.data);
    });
  });
});
