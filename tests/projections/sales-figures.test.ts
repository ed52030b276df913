import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findOrder } from '../../src/application/queries/sales-queries.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { Projector, resetProjection, salesProjection } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (minute: number) => `2026-04-01T10:${String(minute).padStart(2, '0')}:00.000+03:00`;
/** A line as `priceOrder` records it (KDV included in the price unless the order says otherwise). */
const line = (sku: string, unit: number, quantity: number, taxRate: number, discount: number, tax: number) => ({
  sku, name: sku, category: 'c', warehouseId: 'w1', unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity), taxRate, discount: TRY(discount), tax: TRY(tax),
});
const legacyLine = (sku: string, unit: number, quantity: number) => ({ sku, name: sku, category: 'c', warehouseId: 'w1', unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity) });

/**
 * Given orders with a coupon and mixed KDV rates (the tester's basket: 3×333 at 20 %, 1 at
 * 1 %, 999 at 10 %, 777 at 0 %, 33 % off, shipping 499), net prices, a card captured before
 * and after placement, a late capture of a cancelled order and orders recorded before
 * discounts, KDV and payment plans existed, the sales rows show discount, KDV and paid
 * amounts that add up, whatever the batch size.
 */
describe('sales projection: discount, KDV and paid amounts', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string) => given(store, stream, type, data, when);
    // The tester's basket (includedTax 112 + 0 + 61 + 0 = 173): wallet 359 at checkout, the card captured later.
    await g('order-acme:promo', 'OrderPlaced', {
      orderId: 'promo', customerId: 'c1', basketId: 'b1',
      lines: [line('P333', 333, 3, 20, 330, 112), line('P1', 1, 1, 1, 0, 0), line('P999', 999, 1, 10, 330, 61), line('P0', 777, 1, 0, 256, 0)],
      subtotal: TRY(2776), shipping: TRY(499), total: TRY(2359), discount: TRY(916), tax: TRY(0), includedTax: TRY(173), pricesIncludeTax: true, couponCode: 'C33',
      payment: { wallet: TRY(359), external: TRY(2000), method: 'card' },
    }, at(0));
    await g('order-acme:promo', 'OrderPaymentCaptured', { orderId: 'promo', method: 'card', reference: 'card-9', amount: TRY(2000) }, at(1));
    // Net prices: KDV 352 + 44 added on top; card captured before placement, not confirmed yet.
    await g('order-acme:net', 'OrderPlaced', {
      orderId: 'net', customerId: 'c2', basketId: 'b2', lines: [line('N', 1000, 2, 20, 240, 352), line('M', 500, 1, 10, 60, 44)],
      subtotal: TRY(2500), shipping: TRY(100), total: TRY(2696), discount: TRY(300), tax: TRY(396), includedTax: TRY(0), pricesIncludeTax: false,
      payment: { wallet: TRY(0), external: TRY(2696), method: 'card', capturedReference: 'card-net' },
    }, at(2));
    // Recorded before discounts, KDV and payment plans: confirmed, cancelled, then a capture reported late (refunded at once).
    await g('order-acme:old', 'OrderPlaced', { orderId: 'old', customerId: 'c3', basketId: 'b3', lines: [legacyLine('L', 400, 2)], subtotal: TRY(800), shipping: TRY(50), total: TRY(850) }, at(3));
    await g('order-acme:old', 'OrderPaymentConfirmed', { orderId: 'old', payments: [{ method: 'bank-transfer', amount: TRY(850), reference: 'bt-1' }], amount: TRY(850) }, at(4));
    await g('order-acme:old', 'OrderCancelled', { orderId: 'old', reason: 'customer request', previousStatus: 'confirmed' }, at(5));
    await g('order-acme:old', 'OrderPaymentCaptured', { orderId: 'old', method: 'card', reference: 'late-1', amount: TRY(850) }, at(6));
    await g('order-acme:old', 'OrderRefunded', {
      orderId: 'old', refundId: 'capture:late-1', amount: TRY(850), reason: 'captured after cancellation', toWallet: TRY(0), toExternal: TRY(850), refundedTotal: TRY(850),
    }, at(6));
    // The promo order is confirmed in a later event than its capture: the confirmation's payments include the capture.
    await g('order-acme:promo', 'OrderPaymentConfirmed', {
      orderId: 'promo', payments: [{ method: 'wallet', amount: TRY(359), reference: 'wallet:c1' }, { method: 'card', amount: TRY(2000), reference: 'card-9' }], amount: TRY(2359),
    }, at(7));
  });
  after(() => database.drop());

  const project = async (batchSize: number) => {
    await resetProjection(database.db, salesProjection);
    await new Projector(store, database.db, salesProjection, { batchSize }).catchUp();
  };

  for (const batchSize of [1000, 1, 2, 3]) {
    it(`orders and lines carry discount, KDV and paid amounts that add up (batches of ${batchSize})`, async () => {
      await project(batchSize);
      assert.deepEqual(
        await rows(database.db, 'orders', ['order_id', 'status', 'subtotal_minor', 'discount_minor', 'shipping_minor', 'tax_minor', 'prices_include_tax', 'total_minor', 'paid_minor', 'refunded_minor']),
        [
          ['net', 'pending', 2500, 300, 100, 396, false, 2696, 2696, 0],
          ['old', 'cancelled', 800, 0, 50, 0, true, 850, 1700, 850],
          ['promo', 'confirmed', 2776, 916, 499, 173, true, 2359, 2359, 0],
        ],
      );
      assert.deepEqual(await rows(database.db, 'order_lines', ['order_id', 'line_no', 'sku', 'line_total_minor', 'discount_minor', 'tax_minor', 'tax_rate']), [
        ['net', 1, 'N', 2000, 240, 352, 20],
        ['net', 2, 'M', 500, 60, 44, 10],
        ['old', 1, 'L', 800, 0, 0, null],
        ['promo', 1, 'P333', 999, 330, 112, 20],
        ['promo', 2, 'P1', 1, 0, 0, 1],
        ['promo', 3, 'P999', 999, 330, 61, 10],
        ['promo', 4, 'P0', 777, 256, 0, 0],
      ]);
    });
  }

  it('a pending order has paid the card captured so far, not the wallet part the order does not record', async () => {
    const fresh = await createTestDatabase();
    try {
      const freshStore = new PostgresEventStore(fresh.pool);
      await given(freshStore, 'order-acme:p2', 'OrderPlaced', {
        orderId: 'p2', customerId: 'c1', basketId: 'b9', lines: [line('A', 1200, 1, 20, 0, 200)],
        subtotal: TRY(1200), shipping: TRY(0), total: TRY(1200), discount: TRY(0), tax: TRY(0), includedTax: TRY(200), pricesIncludeTax: true,
        payment: { wallet: TRY(200), external: TRY(1000), method: 'card' },
      }, at(10));
      const p = new Projector(freshStore, fresh.db, salesProjection, { batchSize: 1000 });
      await resetProjection(fresh.db, salesProjection);
      await p.catchUp();
      assert.deepEqual(await rows(fresh.db, 'orders', ['order_id', 'paid_minor']), [['p2', 0]]);
      await given(freshStore, 'order-acme:p2', 'OrderPaymentCaptured', { orderId: 'p2', method: 'card', reference: 'c-2', amount: TRY(1000) }, at(11));
      await p.catchUp();
      assert.deepEqual(await rows(fresh.db, 'orders', ['order_id', 'status', 'paid_minor']), [['p2', 'pending', 1000]]);
    } finally {
      await fresh.drop();
    }
  });

  it('the order query answers discount, KDV and paid, per order and per line, so that the figures add up', async () => {
    await project(1000);
    const order = await findOrder(database.db, 'acme', 'promo');
    assert.ok(order);
    assert.deepEqual(
      { subtotal: order.subtotal, discount: order.discount, shipping: order.shipping, tax: order.tax, pricesIncludeTax: order.pricesIncludeTax, total: order.total, paid: order.paid, refunded: order.refunded },
      { subtotal: TRY(2776), discount: TRY(916), shipping: TRY(499), tax: TRY(173), pricesIncludeTax: true, total: TRY(2359), paid: TRY(2359), refunded: TRY(0) },
    );
    assert.equal(order.subtotal.minor - order.discount.minor + order.shipping.minor, order.total.minor);
    assert.deepEqual(order.lines.map((l) => [l.sku, l.lineTotal.minor, l.discount, l.tax, l.taxRate]), [
      ['P333', 999, TRY(330), TRY(112), 20],
      ['P1', 1, TRY(0), TRY(0), 1],
      ['P999', 999, TRY(330), TRY(61), 10],
      ['P0', 777, TRY(256), TRY(0), 0],
    ]);
    const old = await findOrder(database.db, 'acme', 'old');
    assert.ok(old);
    assert.deepEqual([old.discount, old.tax, old.pricesIncludeTax, old.paid, old.refunded], [TRY(0), TRY(0), true, TRY(1700), TRY(850)]);
    assert.deepEqual(old.lines.map((l) => [l.discount, l.tax, l.taxRate]), [[TRY(0), TRY(0), null]]);
  });
});
