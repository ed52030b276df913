import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, projectAll, rows } from './support.js';

/**
 * A stock transfer the destination refused is reversed at its source (`StockTransferReversed`):
 * the catalogue and the analytics stock count the units back where they were, so no unit is
 * lost between the two warehouses.
 */
describe('projections: a reversed stock transfer gives its units back to the source', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  const at = (time: string) => `2026-03-01T${time}:00.000+03:00`;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    await given(store, 'product-acme:S1', 'ProductRegistered', { sku: 'S1', name: 'Spoon', category: 'home', price: { minor: 1000, currency: 'TRY' } }, at('09:00'));
    await given(store, 'stock-acme:S1@A', 'StockReceived', { sku: 'S1', warehouseId: 'A', quantity: 10, reference: 'po', onHand: 10 }, at('09:01'));
    await given(store, 'stock-acme:S1@A', 'StockTransferredOut', { sku: 'S1', warehouseId: 'A', transferId: 'T1', toWarehouseId: 'B', quantity: 3, onHand: 7, available: 7 }, at('09:02'));
    await given(store, 'stock-acme:S1@A', 'StockTransferReversed', { sku: 'S1', warehouseId: 'A', transferId: 'T1', toWarehouseId: 'B', quantity: 3, reason: 'transfer-refused:transfer-exists', onHand: 10, available: 10 }, at('09:03'));
  });
  after(() => database.drop());

  it('catalogue and analytics show the 10 units at A again', async () => {
    await projectAll(store, database.db, 1000);
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku', 'on_hand', 'available']), [['S1', 10, 10]]);
    assert.deepEqual(await rows(database.db, 'catalogue_stock', ['sku', 'warehouse_id', 'on_hand']), [['S1', 'A', 10]]);
    assert.deepEqual(await rows(database.db, 'analytics_stock', ['sku', 'warehouse_id', 'on_hand', 'available', 'level']), [['S1', 'A', 10, 10, 'ok']]);
  });
});
