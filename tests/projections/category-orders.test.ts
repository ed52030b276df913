import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { salesByCategory, salesByProduct } from '../../src/application/queries/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, projectAll, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (day: string, time: string) => `2026-03-${day}T${time}:00.000+03:00`;
const line = (sku: string, category: string, quantity: number, unit: number) => ({
  sku, name: sku, category, warehouseId: 'w1', unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity),
});
const placed = (orderId: string, lines: ReturnType<typeof line>[]) => {
  const subtotal = TRY(lines.reduce((s, l) => s + l.lineTotal.minor, 0));
  return { orderId, customerId: 'c1', basketId: `b-${orderId}`, lines, subtotal, shipping: TRY(0), total: subtotal };
};
const page = { limit: 100, offset: 0 };

/**
 * Given orders holding several products of one category (one of them cancelled, one with a
 * return), the analytics read model counts an order once per category — as
 * `daily_sales_by_category` does —, while a product's `orders` stay the orders containing it.
 */
describe('projections: analytics counts an order once per category', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string) => given(store, stream, type, data, when);
    // o1: two toys and a book; o2: two toys, cancelled the next day; o3: one toy. Day 3: one yoyo of o1 returned.
    await g('order-acme:o1', 'OrderPlaced', placed('o1', [line('YOYO', 'toys', 1, 100), line('KITE', 'toys', 2, 300), line('NOVEL', 'Books', 1, 900)]), at('01', '10:00'));
    await g('order-acme:o2', 'OrderPlaced', placed('o2', [line('YOYO', 'toys', 3, 100), line('KITE', 'toys', 1, 300)]), at('01', '11:00'));
    await g('order-acme:o3', 'OrderPlaced', placed('o3', [line('YOYO', 'toys', 1, 100)]), at('01', '12:00'));
    await g('order-acme:o2', 'OrderCancelled', { orderId: 'o2', reason: 'customer', previousStatus: 'pending' }, at('02', '09:00'));
    await g('order-acme:o1', 'OrderItemsReturned', { orderId: 'o1', returnId: 'r1', items: [{ sku: 'YOYO', quantity: 1, amount: TRY(100) }], amount: TRY(100), reason: 'broken', fullyReturned: false }, at('03', '09:00'));
  });
  after(() => database.drop());

  for (const batchSize of [1000, 1]) {
    it(`rows and answers per category and per product (batches of ${batchSize})`, async () => {
      await projectAll(store, database.db, batchSize);
      assert.deepEqual(
        await rows(database.db, 'analytics_category_daily', ['day', 'currency', 'category', 'orders', 'units', 'gmv_minor', 'cancelled_orders', 'cancelled_units', 'cancelled_gmv_minor', 'returned_units']),
        [
          ['2026-03-01', 'TRY', 'Books', 1, 1, 900, 0, 0, 0, 0],
          ['2026-03-01', 'TRY', 'toys', 3, 8, 1400, 1, 4, 600, 0],
          ['2026-03-03', 'TRY', 'toys', 0, 0, 0, 0, 0, 0, 1],
        ],
      );
      // toys: o1 and o3 (o2 cancelled), not one per product of them.
      assert.deepEqual(await salesByCategory(database.db, 'acme', page), [
        { key: 'Books', orders: 1, units: 1, gmv: TRY(900), returnedUnits: 0 },
        { key: 'toys', orders: 2, units: 4, gmv: TRY(800), returnedUnits: 1 },
      ]);
      const products = await salesByProduct(database.db, 'acme', page);
      assert.deepEqual(products.filter((p) => p.day === '2026-03-01').map((p) => [p.sku, p.orders, p.units]), [['KITE', 1, 2], ['NOVEL', 1, 1], ['YOYO', 2, 2]]);
    });
  }
});
