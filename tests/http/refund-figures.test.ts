import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { walletStream } from '../../src/application/commerce/streams.js';
import { analyticsProjection, Projector } from '../../src/projections/index.js';
import { commandOk, createHarness, json, seedProduct, type Harness } from './harness.js';

/*
 * The auditor's scenario over HTTP: an order paid partly from the wallet and cancelled, and a
 * delivered order paid partly from the wallet whose item comes back. Every amount given back
 * shows once in the order's `refunded`, and once across the money kinds of analytics/returns.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: refunded amounts of orders paid partly from the wallet', () => {
  let h: Harness;
  let analytics: Projector;
  let admin: string;
  let alice: string;
  let last: unknown;

  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    analytics = new Projector(h.store, h.database.db, analyticsProjection);
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    for (const p of [...h.projectors, analytics]) p.start();
    await seedProduct(h, admin, { sku: 'chair', minor: 28_500, stock: 5 });
    await seedProduct(h, admin, { sku: 'lamp', minor: 21_000, stock: 5 });
    await commandOk(h, admin, 'wallets/open', { customerId: 'alice', currency: 'TRY' });
    await commandOk(h, admin, 'wallets/credit', { customerId: 'alice', amount: TRY(13_500), reason: 'top-up', reference: 'p-1' });
    const buy = async (orderId: string, sku: string, wallet: number) => {
      await commandOk(h, alice, 'baskets/open', { basketId: `b-${orderId}`, customerId: 'alice', currency: 'TRY' });
      await commandOk(h, alice, 'baskets/add-item', { basketId: `b-${orderId}`, sku, quantity: 1, warehouseId: 'wh-1' });
      const payment = { wallet: TRY(wallet), external: { method: 'card', reference: `psp-${orderId}`, captured: false } };
      const { total } = await commandOk(h, alice, 'baskets/check-out', { basketId: `b-${orderId}`, orderId, payment });
      const card = TRY((total as { minor: number }).minor - wallet);
      const paid = await commandOk(h, admin, 'orders/record-payment', { orderId, method: 'card', reference: `psp-${orderId}`, amount: card, outcome: 'captured' });
      assert.equal(paid.status, 'confirmed');
    };
    // o1: 28,500 = 6,500 from the wallet + 22,000 by card, then cancelled.
    await buy('o1', 'chair', 6_500);
    await commandOk(h, alice, 'orders/cancel', { orderId: 'o1', reason: 'changed mind' });
    // o2: 21,000 = 7,000 from the wallet + 14,000 by card, delivered, then returned.
    await buy('o2', 'lamp', 7_000);
    await commandOk(h, admin, 'orders/ship', { orderId: 'o2' });
    await commandOk(h, admin, 'orders/deliver', { orderId: 'o2' });
    last = (await commandOk(h, admin, 'orders/return-items', { orderId: 'o2', returnId: 'r1', items: [{ sku: 'lamp', quantity: 1 }], reason: 'broken' })).position;
  });
  after(async () => {
    await analytics.stop();
    await h.close();
  });

  const get = async <T>(path: string): Promise<T> => {
    const response = await h.query(admin, `${path}${path.includes('?') ? '&' : '?'}position=${encodeURIComponent(String(last))}`);
    assert.equal(response.statusCode, 200, response.body);
    return json<{ data: T }>(response).data;
  };

  it('GET /queries/orders/:id: a cancelled order refunded its card and wallet parts; a returned one its whole paid price, each once', async () => {
    // The wallet's own records: o1's wallet part given back by the checkout process, o2's by the return's refund.
    const refunds = (await h.store.readStream(walletStream('acme', 'alice'))).filter((e) => e.type === 'WalletRefunded').map((e) => [e.data.orderId, e.data.refundId, e.data.amount]);
    assert.deepEqual(refunds, [['o1', 'checkout:o1', TRY(6_500)], ['o2', 'return:r1', TRY(7_000)]]);
    const o1 = await get<{ status: string; paid: unknown; refunded: unknown }>('orders/o1');
    assert.deepEqual([o1.status, o1.paid, o1.refunded], ['cancelled', TRY(28_500), TRY(28_500)]);
    const o2 = await get<{ status: string; paid: unknown; refunded: unknown }>('orders/o2');
    assert.deepEqual([o2.status, o2.paid, o2.refunded], ['returned', TRY(21_000), TRY(21_000)]);
  });

  it('GET /queries/analytics/returns: refund (to cards) and wallet-refund (to wallets) are disjoint and add up to the 49,500 given back', async () => {
    const days = await get<{ day: string; kind: string; count: number; amount: { minor: number } }[]>('analytics/returns');
    const kinds = Object.fromEntries(days.map((d) => [d.kind, [d.count, d.amount.minor]]));
    assert.deepEqual(kinds, { cancellation: [1, 28_500], return: [1, 21_000], refund: [2, 36_000], 'wallet-refund': [2, 13_500] });
    const givenBack = days.filter((d) => d.kind === 'refund' || d.kind === 'wallet-refund').reduce((sum, d) => sum + d.amount.minor, 0);
    assert.equal(givenBack, 28_500 + 21_000);
  });
});
