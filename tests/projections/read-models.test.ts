import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { findCatalogueItem, findOrder, listDailySales, salesReport } from '../../src/application/queries/index.js';
import { catalogueProjection, resetProjection, salesProjection, Projector } from '../../src/projections/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('read models', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
    // Given: two products, one order per day around local midnight, one of them cancelled.
    await f.stockedProduct('BOOK-1', 2500, 10, 'books');
    await f.stockedProduct('PEN-1', 300, 100, 'stationery');
    await f.basketFor('cust-1', 'b1', 0, [{ sku: 'BOOK-1', quantity: 2 }, { sku: 'PEN-1', quantity: 5 }]);
    const card = { external: { method: 'card' as const, reference: 'psp', captured: true } };
    await commerce.checkout(f.handler, f.context('2026-11-20T23:30:00.000+03:00'), { basketId: 'b1', orderId: 'o1', shipping: TRY(990), payment: card });
    await f.basketFor('cust-2', 'b2', 0, [{ sku: 'BOOK-1', quantity: 1 }]);
    await commerce.checkout(f.handler, f.context('2026-11-21T00:30:00.000+03:00'), { basketId: 'b2', orderId: 'o2', shipping: TRY(0), payment: card });
    await commerce.shipOrder(f.handler, f.context('2026-11-22T09:00:00.000+03:00'), { orderId: 'o1' });
    await commerce.cancelOrder(f.handler, f.context('2026-11-22T10:00:00.000+03:00'), { orderId: 'o2', reason: 'customer request' });
    await f.project();
  });
  after(() => f.database.drop());

  it('catalogue shows price and availability (on hand − reserved over warehouses)', async () => {
    await commerce.receiveStock(f.handler, f.context(), { sku: 'BOOK-1', warehouseId: 'izmir', quantity: 4, reference: 'po-2' });
    await f.project();
    // BOOK-1: 10 received, 2 shipped (o1), 1 reserved then released (o2), +4 in izmir.
    assert.deepEqual(await findCatalogueItem(f.database.db, 'acme', 'BOOK-1'), {
      sku: 'BOOK-1', name: 'Product BOOK-1', category: 'books', price: TRY(2500), available: 12, stockStatus: 'in-stock', lowStockThreshold: 5,
      warehouses: [{ warehouseId: 'izmir', onHand: 4, reserved: 0, available: 4 }, { warehouseId: 'main', onHand: 8, reserved: 0, available: 8 }],
    });
  });

  it('orders carry status, totals and timestamps', async () => {
    const o1 = await findOrder(f.database.db, 'acme', 'o1');
    assert.equal(o1?.status, 'shipped');
    assert.deepEqual(o1?.subtotal, TRY(6500));
    assert.deepEqual(o1?.total, TRY(7490));
    assert.equal(o1?.itemCount, 7);
    assert.equal(o1?.placedAt, '2026-11-20T20:30:00.000Z');
    assert.equal(o1?.shippedAt, '2026-11-22T06:00:00.000Z');
    assert.deepEqual(o1?.lines.map((l) => [l.sku, l.quantity, l.lineTotal.minor]), [['BOOK-1', 2, 5000], ['PEN-1', 5, 1500]]);
    const o2 = await findOrder(f.database.db, 'acme', 'o2');
    assert.equal(o2?.status, 'cancelled');
    assert.equal(o2?.cancelReason, 'customer request');
  });

  it('daily sales fall on the local day of placement and lose cancelled orders', async () => {
    const rows = await listDailySales(f.database.db, 'acme', { limit: 100, offset: 0 });
    assert.deepEqual(
      rows.map((r) => [r.day, r.category, r.gmv.minor, r.orders, r.items]),
      [
        ['2026-11-20', 'books', 5000, 1, 2],
        ['2026-11-20', 'stationery', 1500, 1, 5],
        ['2026-11-21', 'books', 0, 0, 0],
      ],
    );
  });

  it('report counts orders by status and GMV of orders not cancelled, shipping excluded', async () => {
    const report = await salesReport(f.database.db, 'acme');
    assert.equal(report.orders, 2);
    assert.deepEqual(report.ordersByStatus, { cancelled: 1, shipped: 1 });
    assert.deepEqual(report.gmv, TRY(6500));
    assert.deepEqual(report.gmvByCategory.map((c) => [c.category, c.minor]), [['books', 5000], ['stationery', 1500]]);
  });

  it('never shows one tenant another tenant’s rows', async () => {
    assert.equal(await findOrder(f.database.db, 'other', 'o1'), undefined);
    assert.equal((await salesReport(f.database.db, 'other')).orders, 0);
  });

  it('a rebuild from the log gives the same rows', async () => {
    const snapshot = async () => ({
      orders: await f.database.db.selectFrom('orders').selectAll().orderBy('order_id').execute(),
      daily: await f.database.db.selectFrom('daily_sales_by_category').selectAll().orderBy('day').orderBy('category').execute(),
      stock: await f.database.db.selectFrom('catalogue_stock').selectAll().orderBy('sku').orderBy('warehouse_id').execute(),
    });
    const before = await snapshot();
    for (const projection of [catalogueProjection, salesProjection]) {
      await resetProjection(f.database.db, projection);
      await new Projector(f.store, f.database.db, projection, { batchSize: 7 }).catchUp();
    }
    assert.deepEqual(await snapshot(), before);
  });
});
