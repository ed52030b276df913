import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { findCatalogueItem, findOrder, paymentOutcomes, stockAlerts } from '../../src/application/queries/index.js';
import { DomainError } from '../../src/domain/shared/index.js';
import { stockLevelOf } from '../../src/domain/stock/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const DAY = '2026-11-21';
const page = { limit: 100, offset: 0 };

/**
 * Given the commands a shop runs (checkouts, payment results, thresholds, split
 * allocations), the read models answer what those commands did: every captured card
 * payment counted once, stock levels by the stock aggregate's rule whatever the threshold
 * did, and order lines with the warehouses their units were taken from.
 */
describe('read models after real commands', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(() => f.database.drop());

  it('payments: a card captured at checkout is one captured card payment; a capture reported and then confirmed is one too', async () => {
    await f.stockedProduct('BOOK-1', 2500, 10);
    // Captured at checkout: the order is confirmed at once (OrderPaymentConfirmed, no OrderPaymentCaptured).
    await f.basketFor('cust-1', 'b1', 500, [{ sku: 'BOOK-1', quantity: 1 }]);
    const c1 = await commerce.checkout(f.handler, f.context(), {
      basketId: 'b1', orderId: 'o1', shipping: TRY(0), payment: { wallet: TRY(500), external: { method: 'card', reference: 'p1', captured: true } },
    });
    assert.equal(c1.confirmed, true);
    // The provider reports the same capture again after the checkout: the order records no second capture
    // (an idempotent no-op, or refused as no longer payable), and the payment is still counted once.
    const again = await commerce
      .recordPaymentResult(f.handler, f.context(), { orderId: 'o1', method: 'card', reference: 'p1', amount: TRY(2000), outcome: 'captured' })
      .catch((error: unknown) => {
        if (error instanceof DomainError) return undefined;
        throw error;
      });
    assert.deepEqual(again?.events ?? [], []);
    // Not captured at checkout: the provider's capture (OrderPaymentCaptured), then the process confirms with it (OrderPaymentConfirmed).
    await f.basketFor('cust-2', 'b2', 0, [{ sku: 'BOOK-1', quantity: 2 }]);
    await commerce.checkout(f.handler, f.context(), { basketId: 'b2', orderId: 'o2', shipping: TRY(0), payment: { external: { method: 'card', reference: 'p2', captured: false } } });
    await commerce.recordPaymentResult(f.handler, f.context(), { orderId: 'o2', method: 'card', reference: 'p2', amount: TRY(5000), outcome: 'captured' });
    await f.project();
    assert.equal((await findOrder(f.database.db, 'acme', 'o2'))?.status, 'confirmed');

    assert.deepEqual(await paymentOutcomes(f.database.db, 'acme', page), [
      { day: DAY, method: 'card', outcome: 'captured', count: 2, amount: TRY(2000 + 5000) },
    ]);
    assert.deepEqual(await rows(f.database.db, 'analytics_captured_payments', ['order_id', 'reference', 'method', 'amount_minor']), [
      ['o1', 'p1', 'card', 2000],
      ['o2', 'p2', 'card', 5000],
    ]);
  });

  it('stock alerts: a threshold set on stock that had none gives the level of the new threshold, as the catalogue does', async () => {
    await commerce.registerProduct(f.handler, f.context(), { sku: 'THR-1', name: 'Thermos', category: 'home', price: TRY(900) });
    await commerce.receiveStock(f.handler, f.context(), { sku: 'THR-1', warehouseId: 'izmir', quantity: 3, reference: 'po-1' });
    await f.project();
    // No threshold yet: 3 ≤ the default 5.
    assert.deepEqual((await stockAlerts(f.database.db, 'acme', page)).filter((a) => a.sku === 'THR-1').map((a) => [a.level, a.available, a.threshold]), [['low', 3, 5]]);

    await commerce.setStockThreshold(f.handler, f.context(), { sku: 'THR-1', warehouseId: 'izmir', lowStock: 1 });
    await f.project();
    assert.deepEqual((await stockAlerts(f.database.db, 'acme', page)).filter((a) => a.sku === 'THR-1'), []);
    assert.equal((await findCatalogueItem(f.database.db, 'acme', 'THR-1'))?.stockStatus, 'in-stock');

    // Raised above what is available: low (the aggregate's LowStock); lowered again: ok (LowStockCleared).
    await commerce.setStockThreshold(f.handler, f.context(), { sku: 'THR-1', warehouseId: 'izmir', lowStock: 4 });
    await f.project();
    assert.deepEqual((await stockAlerts(f.database.db, 'acme', page)).filter((a) => a.sku === 'THR-1').map((a) => [a.level, a.available, a.threshold]), [['low', 3, 4]]);
    assert.equal((await findCatalogueItem(f.database.db, 'acme', 'THR-1'))?.stockStatus, 'low');
    await commerce.setStockThreshold(f.handler, f.context(), { sku: 'THR-1', warehouseId: 'izmir', lowStock: 2 });
    await f.project();
    assert.deepEqual((await stockAlerts(f.database.db, 'acme', page)).filter((a) => a.sku === 'THR-1'), []);

    // Every row's level is the aggregate's rule on its available units and threshold.
    for (const [available, threshold, level] of await rows(f.database.db, 'analytics_stock', ['available', 'threshold', 'level'])) {
      assert.equal(level, stockLevelOf(available as number, threshold as number), `${String(available)} against ${String(threshold)}`);
    }
  });

  it('orders: a line filled from two warehouses shows the units taken from each', async () => {
    await commerce.registerProduct(f.handler, f.context(), { sku: 'KET-1', name: 'Kettle', category: 'home', price: TRY(1000) });
    await commerce.receiveStock(f.handler, f.context(), { sku: 'KET-1', warehouseId: 'izmir', quantity: 3, reference: 'po-1' });
    await commerce.receiveStock(f.handler, f.context(), { sku: 'KET-1', warehouseId: 'ankara', quantity: 1, reference: 'po-2' });
    await commerce.openWallet(f.handler, f.context(), { customerId: 'cust-3', currency: 'TRY' });
    await commerce.openBasket(f.handler, f.context(), { basketId: 'b3', customerId: 'cust-3', currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(), { basketId: 'b3', sku: 'KET-1', quantity: 4, warehouseId: 'izmir' });
    await commerce.addItem(f.handler, f.context(), { basketId: 'b3', sku: 'BOOK-1', quantity: 1, warehouseId: 'main' });
    const checkout = await commerce.checkout(f.handler, f.context(), {
      basketId: 'b3', orderId: 'o3', shipping: TRY(0), warehouses: ['ankara'], payment: { external: { method: 'card', reference: 'p3', captured: true } },
    });
    assert.equal(checkout.confirmed, true);
    await f.project();
    const order = await findOrder(f.database.db, 'acme', 'o3');
    assert.deepEqual(order?.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, warehouseId: l.warehouseId, allocations: l.allocations })), [
      { sku: 'KET-1', quantity: 4, warehouseId: null, allocations: [{ warehouseId: 'izmir', quantity: 3 }, { warehouseId: 'ankara', quantity: 1 }] },
      { sku: 'BOOK-1', quantity: 1, warehouseId: 'main', allocations: undefined },
    ]);
  });
});
