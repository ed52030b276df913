import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { comparePositions, parsePosition } from '../../src/application/ports/event-store.js';
import { analyticsProjection, Projector } from '../../src/projections/index.js';
import { createHarness, json, type Harness } from './harness.js';

const PROBLEM = 'https://commerce-core.dev/problems/';
/** 01:30 on 22 November in Istanbul (UTC+3): the business day is the 22nd. */
const FIXED_NOW = new Date('2026-11-21T22:30:00.000Z');

interface Answer<T> {
  position: string;
  data: T;
}

function atOrAfter(actual: unknown, expected: unknown): boolean {
  const a = parsePosition(String(actual));
  const e = parsePosition(String(expected));
  assert.ok(a && e, `positions ${String(actual)} / ${String(expected)}`);
  return comparePositions(a, e) >= 0;
}

describe('HTTP queries', () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  let bob: string;
  let globexAdmin: string;
  let checkoutPosition: string;

  before(async () => {
    h = await createHarness({ now: () => FIXED_NOW });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    bob = h.token('acme', 'bob', ['customer']);
    globexAdmin = h.token('globex', 'admin-9', ['admin']);
    for (const p of h.projectors) p.start();
  });
  after(() => h.close());

  async function ok(token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await h.command(token, path, body);
    assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
    return json(response);
  }

  it('full flow: register → receive → open wallet → credit → open basket → add item → check out (wallet + captured card) → read the order at that position', async () => {
    await ok(admin, 'products/register', { sku: 'book-1', name: 'Dune', category: 'books', price: { minor: 1500, currency: 'TRY' } });
    const received = await ok(admin, 'stock/receive', { sku: 'book-1', warehouseId: 'ist-1', quantity: 10, reference: 'po-77' });
    await ok(admin, 'wallets/open', { customerId: 'alice', currency: 'TRY' });
    await ok(admin, 'wallets/credit', { customerId: 'alice', amount: { minor: 3000, currency: 'TRY' }, reason: 'top-up', reference: 'pay-1' });
    const basket = await ok(alice, 'baskets/open', { customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId: basket.basketId, sku: 'book-1', quantity: 2, warehouseId: 'ist-1' });
    // The back office (admin) checks out for alice with a card the provider already captured, and prices shipping.
    const checkout = await ok(admin, 'baskets/check-out', {
      basketId: basket.basketId,
      orderId: 'order-1',
      shipping: { minor: 500, currency: 'TRY' },
      payment: { wallet: { minor: 3000, currency: 'TRY' }, external: { method: 'card', reference: 'card-1', captured: true } },
    });
    assert.equal(checkout.orderId, 'order-1');
    assert.equal(checkout.confirmed, true);
    assert.deepEqual(checkout.total, { minor: 3500, currency: 'TRY' });
    checkoutPosition = String(checkout.position);

    const catalogue = await h.query(alice, `catalogue/book-1?position=${String(received.position)}`);
    assert.equal(catalogue.statusCode, 200, catalogue.body);
    assert.ok(atOrAfter(json(catalogue).position, received.position));

    const response = await h.query(alice, `orders/order-1?position=${encodeURIComponent(checkoutPosition)}`);
    assert.equal(response.statusCode, 200, response.body);
    const order = json<Answer<Record<string, unknown>>>(response);
    assert.ok(atOrAfter(order.position, checkoutPosition));
    assert.equal(order.data.orderId, 'order-1');
    assert.equal(order.data.customerId, 'alice');
    assert.equal(order.data.status, 'confirmed');
    assert.deepEqual(order.data.subtotal, { minor: 3000, currency: 'TRY' });
    assert.deepEqual(order.data.shipping, { minor: 500, currency: 'TRY' });
    assert.deepEqual(order.data.total, { minor: 3500, currency: 'TRY' });
    // No coupon; KDV at the general 20 % contained in the price: 3000 × 20 / 120 = 500. Paid: wallet 3000 + card 500, confirmed.
    assert.deepEqual(order.data.discount, { minor: 0, currency: 'TRY' });
    assert.deepEqual(order.data.tax, { minor: 500, currency: 'TRY' });
    assert.equal(order.data.pricesIncludeTax, true);
    assert.deepEqual(order.data.paid, { minor: 3500, currency: 'TRY' });
    assert.deepEqual(order.data.refunded, { minor: 0, currency: 'TRY' });
    assert.equal(order.data.itemCount, 2);
    assert.deepEqual(order.data.lines, [
      {
        sku: 'book-1',
        name: 'Dune',
        category: 'books',
        warehouseId: 'ist-1',
        quantity: 2,
        unitPrice: { minor: 1500, currency: 'TRY' },
        lineTotal: { minor: 3000, currency: 'TRY' },
        discount: { minor: 0, currency: 'TRY' },
        tax: { minor: 500, currency: 'TRY' },
        taxRate: 20,
      },
    ]);
  });

  it('catalogue: list, filter, page, and one SKU with availability after reservations', async () => {
    await ok(admin, 'products/register', { sku: 'pen-1', name: 'Pen', category: 'office', price: { minor: 100, currency: 'TRY' } });
    const last = await ok(admin, 'products/register', { sku: 'pen-2', name: 'Pen 2', category: 'office', price: { minor: 120, currency: 'TRY' } });
    const at = `position=${String(last.position)}`;
    const all = json<Answer<{ sku: string }[]>>(await h.query(alice, `catalogue?${at}`));
    assert.deepEqual(all.data.map((i) => i.sku), ['book-1', 'pen-1', 'pen-2']);
    const office = json<Answer<{ sku: string }[]>>(await h.query(alice, `catalogue?category=office&limit=1&offset=1&${at}`));
    assert.deepEqual(office.data.map((i) => i.sku), ['pen-2']);
    const book = json<Answer<Record<string, unknown>>>(await h.query(alice, `catalogue/book-1?${at}`));
    assert.deepEqual(book.data, {
      sku: 'book-1', name: 'Dune', category: 'books', price: { minor: 1500, currency: 'TRY' }, available: 8, stockStatus: 'in-stock', lowStockThreshold: 5,
      warehouses: [{ warehouseId: 'ist-1', onHand: 10, reserved: 2, available: 8 }],
    });
    const missing = await h.query(alice, `catalogue/nope?${at}`);
    assert.equal(missing.statusCode, 404);
    assert.equal(json(missing).type, `${PROBLEM}not-found`);
  });

  it('orders: a customer sees only their own; an admin sees and filters all', async () => {
    const at = `position=${encodeURIComponent(checkoutPosition)}`;
    const mine = json<Answer<{ orderId: string; discount: unknown; tax: unknown; paid: unknown }[]>>(await h.query(alice, `orders?${at}`));
    assert.deepEqual(mine.data.map((o) => o.orderId), ['order-1']);
    assert.deepEqual(mine.data.map((o) => [o.discount, o.tax, o.paid]), [[{ minor: 0, currency: 'TRY' }, { minor: 500, currency: 'TRY' }, { minor: 3500, currency: 'TRY' }]]);
    const bobs = json<Answer<unknown[]>>(await h.query(bob, `orders?customerId=alice&${at}`));
    assert.deepEqual(bobs.data, [], 'customerId is forced to the subject');
    const notBobs = await h.query(bob, `orders/order-1?${at}`);
    assert.equal(notBobs.statusCode, 404);
    assert.equal(json(notBobs).type, `${PROBLEM}not-found`);
    const byAdmin = json<Answer<{ orderId: string }[]>>(await h.query(admin, `orders?status=confirmed&customerId=alice&${at}`));
    assert.deepEqual(byAdmin.data.map((o) => o.orderId), ['order-1']);
    const none = json<Answer<unknown[]>>(await h.query(admin, `orders?status=cancelled&${at}`));
    assert.deepEqual(none.data, []);
  });

  it('sales: daily rows on the business day, and the report', async () => {
    const at = `position=${encodeURIComponent(checkoutPosition)}`;
    const daily = json<Answer<unknown[]>>(await h.query(admin, `sales/daily?from=2026-11-22&to=2026-11-22&${at}`));
    assert.deepEqual(daily.data, [{ day: '2026-11-22', category: 'books', gmv: { minor: 3000, currency: 'TRY' }, orders: 1, items: 2 }]);
    const before = json<Answer<unknown[]>>(await h.query(admin, `sales/daily?to=2026-11-21&${at}`));
    assert.deepEqual(before.data, []);
    const report = json<Answer<Record<string, unknown>>>(await h.query(admin, `reports/sales?${at}`));
    assert.equal(report.data.tenantId, 'acme');
    assert.equal(report.data.orders, 1);
    assert.deepEqual(report.data.gmv, { minor: 3000, currency: 'TRY' });
  });

  it('tenant-wide sales figures are for admins only', async () => {
    for (const path of ['sales/daily', 'reports/sales']) {
      const response = await h.query(alice, path);
      assert.equal(response.statusCode, 403, path);
      assert.equal(json(response).type, `${PROBLEM}forbidden`, path);
    }
  });

  it("tenant isolation: tenant B sees none of tenant A's products, orders or sales", async () => {
    const at = `position=${encodeURIComponent(checkoutPosition)}`;
    const product = await h.query(globexAdmin, `catalogue/book-1?${at}`);
    assert.equal(product.statusCode, 404);
    const order = await h.query(globexAdmin, `orders/order-1?${at}`);
    assert.equal(order.statusCode, 404);
    assert.deepEqual(json<Answer<unknown[]>>(await h.query(globexAdmin, `catalogue?${at}`)).data, []);
    assert.deepEqual(json<Answer<unknown[]>>(await h.query(globexAdmin, `orders?${at}`)).data, []);
    assert.deepEqual(json<Answer<unknown[]>>(await h.query(globexAdmin, `sales/daily?${at}`)).data, []);
    assert.equal(json<Answer<{ orders: number }>>(await h.query(globexAdmin, `reports/sales?${at}`)).data.orders, 0);
    // Nor can B act on A's basket or order: its streams are B's own (and do not exist).
    const cancel = await h.command(globexAdmin, 'orders/cancel', { orderId: 'order-1', reason: 'x' });
    assert.equal(cancel.statusCode, 409);
    assert.equal(json(cancel).type, `${PROBLEM}order-not-found`);
  });

  it('a customer may cancel their own order; the read model follows', async () => {
    await ok(admin, 'products/register', { sku: 'mug', name: 'Mug', category: 'home', price: { minor: 400, currency: 'TRY' } });
    await ok(admin, 'stock/receive', { sku: 'mug', warehouseId: 'ist-1', quantity: 1, reference: 'po-2' });
    await ok(bob, 'baskets/open', { basketId: 'bob-b', customerId: 'bob', currency: 'TRY' });
    await ok(bob, 'baskets/add-item', { basketId: 'bob-b', sku: 'mug', quantity: 1, warehouseId: 'ist-1' });
    await ok(bob, 'baskets/check-out', { basketId: 'bob-b', orderId: 'bob-o', payment: { external: { method: 'card', reference: 'c', captured: false } } });
    const cancelled = await ok(bob, 'orders/cancel', { orderId: 'bob-o', reason: 'changed my mind' });
    const view = json<Answer<Record<string, unknown>>>(await h.query(bob, `orders/bob-o?position=${String(cancelled.position)}`));
    assert.equal(view.data.status, 'cancelled');
    assert.equal(view.data.cancelReason, 'changed my mind');
  });

  it('without ?position answers at once with the position it reflects', async () => {
    const response = await h.query(alice, 'catalogue');
    assert.equal(response.statusCode, 200);
    assert.match(String(json(response).position), /^\d+\/\d+$/);
  });

  it('analytics: the card captured at checkout is one captured card payment, also after the provider reports it again', async () => {
    const again = await h.command(admin, 'orders/record-payment', { orderId: 'order-1', method: 'card', reference: 'card-1', amount: { minor: 500, currency: 'TRY' }, outcome: 'captured' });
    assert.ok(again.statusCode === 200 || again.statusCode === 409, again.body);
    const position = again.statusCode === 200 ? String(json(again).position) : checkoutPosition;
    await new Projector(h.store, h.database.db, analyticsProjection).catchUp(); // the harness runs the catalogue and sales projectors only
    const response = await h.query(admin, `analytics/payments?position=${encodeURIComponent(position)}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(json<Answer<unknown[]>>(response).data, [{ day: '2026-11-22', method: 'card', outcome: 'captured', count: 1, amount: { minor: 500, currency: 'TRY' } }]);
  });

  it('orders: a line filled from two warehouses shows how many units each gives; a line from one warehouse shows that one', async () => {
    await ok(admin, 'products/register', { sku: 'ket-1', name: 'Kettle', category: 'home', price: { minor: 1000, currency: 'TRY' } });
    await ok(admin, 'stock/receive', { sku: 'ket-1', warehouseId: 'izmir', quantity: 3, reference: 'po-i' });
    await ok(admin, 'stock/receive', { sku: 'ket-1', warehouseId: 'ankara', quantity: 1, reference: 'po-a' });
    await ok(bob, 'baskets/open', { basketId: 'bob-split', customerId: 'bob', currency: 'TRY' });
    await ok(bob, 'baskets/add-item', { basketId: 'bob-split', sku: 'ket-1', quantity: 4, warehouseId: 'izmir' });
    await ok(bob, 'baskets/add-item', { basketId: 'bob-split', sku: 'book-1', quantity: 1, warehouseId: 'ist-1' });
    const checkout = await ok(bob, 'baskets/check-out', {
      basketId: 'bob-split', orderId: 'bob-split-o', warehouses: ['ankara'],
      payment: { external: { method: 'card', reference: 'split-1', captured: false } },
    });
    const order = json<Answer<{ lines: unknown[] }>>(await h.query(bob, `orders/bob-split-o?position=${encodeURIComponent(String(checkout.position))}`));
    assert.deepEqual(order.data.lines, [
      {
        sku: 'ket-1', name: 'Kettle', category: 'home', warehouseId: null, quantity: 4,
        unitPrice: { minor: 1000, currency: 'TRY' }, lineTotal: { minor: 4000, currency: 'TRY' },
        discount: { minor: 0, currency: 'TRY' }, tax: { minor: 667, currency: 'TRY' }, taxRate: 20,
        allocations: [{ warehouseId: 'izmir', quantity: 3 }, { warehouseId: 'ankara', quantity: 1 }],
      },
      { sku: 'book-1', name: 'Dune', category: 'books', warehouseId: 'ist-1', quantity: 1, unitPrice: { minor: 1500, currency: 'TRY' }, lineTotal: { minor: 1500, currency: 'TRY' },
        discount: { minor: 0, currency: 'TRY' }, tax: { minor: 250, currency: 'TRY' }, taxRate: 20 },
    ]);
  });

  it('orders: a 33 % coupon on lines at every KDV rate: the order and its lines show discount and KDV that add up to the total', async () => {
    const TRY = (minor: number) => ({ minor, currency: 'TRY' });
    await ok(admin, 'promotions/create', {
      code: 'C33', name: 'Thirty-three', discount: { kind: 'percentage', percent: 33 }, currency: 'TRY',
      validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z',
    });
    for (const [sku, price, taxRate] of [['P333', 333, 20], ['P1', 1, 1], ['P999', 999, 10], ['P0', 777, 0]] as const) {
      await ok(admin, 'products/register', { sku, name: sku, category: 'kdv', price: TRY(price), taxRate });
      await ok(admin, 'stock/receive', { sku, warehouseId: 'ist-1', quantity: 5, reference: 'po-kdv' });
    }
    await ok(bob, 'baskets/open', { basketId: 'bob-kdv', customerId: 'bob', currency: 'TRY' });
    for (const [sku, quantity] of [['P333', 3], ['P1', 1], ['P999', 1], ['P0', 1]] as const) {
      await ok(bob, 'baskets/add-item', { basketId: 'bob-kdv', sku, quantity, warehouseId: 'ist-1' });
    }
    await ok(bob, 'baskets/apply-coupon', { basketId: 'bob-kdv', code: 'C33' });
    const checkout = await ok(admin, 'baskets/check-out', {
      basketId: 'bob-kdv', orderId: 'bob-kdv-o', shipping: TRY(499), payment: { external: { method: 'card', reference: 'kdv-1', captured: true } },
    });
    const at = `position=${encodeURIComponent(String(checkout.position))}`;
    const response = await h.query(bob, `orders/bob-kdv-o?${at}`);
    assert.equal(response.statusCode, 200, response.body);
    const order = json<Answer<Record<string, unknown> & { lines: Record<string, unknown>[] }>>(response).data;
    assert.deepEqual(
      [order.subtotal, order.discount, order.shipping, order.tax, order.total, order.paid, order.refunded],
      [TRY(2776), TRY(916), TRY(499), TRY(173), TRY(2359), TRY(2359), TRY(0)],
    );
    assert.deepEqual(order.lines.map((l) => [l.sku, l.lineTotal, l.discount, l.tax, l.taxRate]), [
      ['P333', TRY(999), TRY(330), TRY(112), 20],
      ['P1', TRY(1), TRY(0), TRY(0), 1],
      ['P999', TRY(999), TRY(330), TRY(61), 10],
      ['P0', TRY(777), TRY(256), TRY(0), 0],
    ]);
    const listed = json<Answer<{ orderId: string; discount: unknown; tax: unknown; paid: unknown }[]>>(await h.query(bob, `orders?${at}`));
    const inList = listed.data.find((o) => o.orderId === 'bob-kdv-o');
    assert.deepEqual([inList?.discount, inList?.tax, inList?.paid], [TRY(916), TRY(173), TRY(2359)]);
  });

  it('catalogue: a category spelled with `>` finds its products, as the same category spelled with `/` does', async () => {
    const last = await ok(admin, 'products/register', { sku: 'pot-1', name: 'Pot', category: 'Home > Kitchen', price: { minor: 700, currency: 'TRY' } });
    const at = `position=${String(last.position)}`;
    const skus = async (category: string) => json<Answer<{ sku: string }[]>>(await h.query(alice, `catalogue?category=${encodeURIComponent(category)}&${at}`)).data.map((i) => i.sku);
    assert.deepEqual(await skus('Home > Kitchen'), ['pot-1']);
    assert.deepEqual(await skus('Home/Kitchen'), ['pot-1']);
    const tree = json<Answer<{ path: string }[]>>(await h.query(alice, `catalogue/categories?root=${encodeURIComponent('Home > Kitchen')}&${at}`));
    assert.deepEqual(tree.data.map((n) => n.path), ['Home/Kitchen']);
  });
});

describe('HTTP queries: read model behind', () => {
  let h: Harness;
  let admin: string;

  before(async () => {
    h = await createHarness({ env: { QUERY_WAIT_MAX_MS: '150' } });
    admin = h.token('acme', 'admin-1', ['admin']);
  });
  after(() => h.close());

  it('answers 503 read-model-behind with Retry-After when the projection does not reach the position in time', async () => {
    const registered = await h.command(admin, 'products/register', { sku: 'late', name: 'Late', category: 'x', price: { minor: 1, currency: 'TRY' } });
    assert.equal(registered.statusCode, 200);
    const position = String(json(registered).position);
    const behind = await h.query(admin, `catalogue/late?position=${position}`);
    assert.equal(behind.statusCode, 503);
    assert.equal(behind.headers['retry-after'], '1');
    assert.equal(json(behind).type, `${PROBLEM}read-model-behind`);

    await h.catchUp();
    const caughtUp = await h.query(admin, `catalogue/late?position=${position}`);
    assert.equal(caughtUp.statusCode, 200);
    assert.equal(json(caughtUp).position, position, 'checkpoint is the last event: the register');
  });
});
