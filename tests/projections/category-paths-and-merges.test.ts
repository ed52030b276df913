import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basketFunnel, listDailySales, salesByCategory, salesReport, topSellers } from '../../src/application/queries/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, projectAll, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (day: string, time: string) => `2026-03-${day}T${time}:00.000+03:00`;
const line = (sku: string, category: string, quantity: number, unit: number) => ({
  sku, name: sku, category, warehouseId: 'w1', unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity),
});
const page = { limit: 100, offset: 0 };

/**
 * Given products filed under one category spelled two ways (`Home > Kitchen`, `Home/Kitchen`)
 * and guest baskets claimed, merged or released, the sales and analytics read models keep
 * one row per catalogue category and count a merged basket as no longer open.
 */
describe('projections: categories as the catalogue files them, merged guest baskets', () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
    const store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string) => given(store, stream, type, data, when);
    await g('product-acme:KNIFE', 'ProductRegistered', { sku: 'KNIFE', name: 'KNIFE', category: 'Home > Kitchen', price: TRY(1000) }, at('01', '09:00'));
    await g('product-acme:MUG', 'ProductRegistered', { sku: 'MUG', name: 'MUG', category: 'Home/Kitchen', price: TRY(300) }, at('01', '09:00'));
    const placed = (orderId: string, lines: ReturnType<typeof line>[]) => {
      const subtotal = TRY(lines.reduce((s, l) => s + l.lineTotal.minor, 0));
      return { orderId, customerId: 'c1', basketId: `b-${orderId}`, lines, subtotal, shipping: TRY(0), total: subtotal };
    };
    await g('order-acme:o1', 'OrderPlaced', placed('o1', [line('KNIFE', 'Home > Kitchen', 2, 1000), line('MUG', 'Home/Kitchen', 3, 300)]), at('01', '10:00'));
    await g('order-acme:o2', 'OrderPlaced', placed('o2', [line('KNIFE', ' Home / Kitchen ', 1, 1000)]), at('01', '11:00'));
    await g('order-acme:o2', 'OrderCancelled', { orderId: 'o2', reason: 'customer' }, at('02', '09:00'));
    // Baskets opened on the 1st: b1 (a customer's), g1 claimed then merged into it, g2 claimed then released (open again), g3 claimed only.
    await g('basket-acme:b1', 'BasketOpened', { basketId: 'b1', customerId: 'c1', currency: 'TRY' }, at('01', '12:00'));
    for (const id of ['g1', 'g2', 'g3']) {
      await g(`basket-acme:${id}`, 'BasketOpened', { basketId: id, customerId: '', currency: 'TRY', guestId: `anon-${id}` }, at('01', '12:01'));
      await g(`basket-acme:${id}`, 'GuestBasketClaimed', { basketId: id, intoBasketId: 'b1', customerId: 'c1' }, at('01', '12:02'));
    }
    await g('basket-acme:g1', 'BasketMerged', { basketId: 'g1', intoBasketId: 'b1', customerId: 'c1' }, at('01', '12:03'));
    await g('basket-acme:g2', 'GuestBasketReleased', { basketId: 'g2', intoBasketId: 'b1', reason: 'currency-mismatch' }, at('01', '12:03'));
    await projectAll(store, database.db, 3);
  });
  after(() => database.drop());

  it('sales: one category row and one report entry per catalogue path, cancellations taken back from it', async () => {
    assert.deepEqual(await rows(database.db, 'daily_sales_by_category', ['day', 'category', 'gmv_minor', 'orders', 'items']), [
      ['2026-03-01', 'Home/Kitchen', 2900, 1, 5],
    ]);
    assert.deepEqual(await rows(database.db, 'order_lines', ['order_id', 'sku', 'category']), [
      ['o1', 'KNIFE', 'Home/Kitchen'],
      ['o1', 'MUG', 'Home/Kitchen'],
      ['o2', 'KNIFE', 'Home/Kitchen'],
    ]);
    assert.deepEqual((await salesReport(database.db, 'acme')).gmvByCategory, [{ category: 'Home/Kitchen', currency: 'TRY', minor: 2900 }]);
    for (const spelling of ['Home > Kitchen', 'Home/Kitchen', 'Home>Kitchen']) {
      assert.deepEqual(await listDailySales(database.db, 'acme', { category: spelling, ...page }), [{ day: '2026-03-01', category: 'Home/Kitchen', gmv: TRY(2900), orders: 1, items: 5 }], spelling);
    }
  });

  it('analytics: one category row per catalogue path, the top-seller filter reading it', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_product_daily', ['day', 'sku', 'category', 'units', 'cancelled_units']), [
      ['2026-03-01', 'KNIFE', 'Home/Kitchen', 3, 1],
      ['2026-03-01', 'MUG', 'Home/Kitchen', 3, 0],
    ]);
    assert.deepEqual((await salesByCategory(database.db, 'acme', page)).map((c) => [c.key, c.units, c.gmv]), [['Home/Kitchen', 5, TRY(2900)]]);
    const top = await topSellers(database.db, 'acme', { ...page, by: 'units', category: 'Home > Kitchen' });
    assert.deepEqual(top.map((t) => [t.key, t.category]), [['MUG', 'Home/Kitchen'], ['KNIFE', 'Home/Kitchen']]);
  });

  it('analytics: a merged guest basket is counted merged, not open; a claimed or released one is still open', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_basket_daily', ['day', 'opened', 'checked_out', 'abandoned', 'merged']), [['2026-03-01', 4, 0, 0, 1]]);
    const funnel = await basketFunnel(database.db, 'acme', page);
    assert.deepEqual(funnel.total, { opened: 4, checkedOut: 0, abandoned: 0, merged: 1, open: 3, conversionRate: 0, abandonmentRate: 0 });
  });
});
