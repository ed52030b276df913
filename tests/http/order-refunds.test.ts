import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderStream } from '../../src/application/commerce/streams.js';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderState } from '../../src/domain/order/index.js';
import type { Decider } from '../../src/domain/shared/index.js';
import { commandOk, commandProblem, createHarness, json, seedProduct, type Harness } from './harness.js';

/* The tester's repro over HTTP: a cancelled order paid by card gets its card payment back, and an admin can correct older cancellations. */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: refunds of cancelled orders', () => {
  let h: Harness;
  let admin: string;
  let alice: string;

  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    for (const p of h.projectors) p.start();
    await seedProduct(h, admin, { sku: 'lamp', minor: 47_500, stock: 5 });
  });
  after(() => h.close());

  const ok = (token: string, path: string, body: unknown) => commandOk(h, token, path, body);
  const problem = (token: string, path: string, body: unknown, status: number, code: string) => commandProblem(h, token, path, body, status, code);
  const orderView = async (orderId: string, position: unknown) => {
    const response = await h.query(admin, `orders/${orderId}?position=${encodeURIComponent(String(position))}`);
    assert.equal(response.statusCode, 200, response.body);
    return json<{ data: { status: string; refunded: unknown } }>(response).data;
  };
  const paidByCard = async (basketId: string, orderId: string) => {
    await ok(alice, 'baskets/open', { basketId, customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId, sku: 'lamp', quantity: 1, warehouseId: 'wh-1' });
    const checkedOut = await ok(alice, 'baskets/check-out', { basketId, orderId, payment: { external: { method: 'card', reference: `psp-${orderId}`, captured: false } } });
    const paid = await ok(admin, 'orders/record-payment', { orderId, method: 'card', reference: `psp-${orderId}`, amount: checkedOut.total, outcome: 'captured' });
    assert.equal(paid.status, 'confirmed');
  };

  it('cancel → 200, the card payment is refunded in the order stream, GET shows it refunded; an admin refund on top is an over-refund (409)', async () => {
    await paidByCard('b1', 'o1');
    const cancelled = await ok(alice, 'orders/cancel', { orderId: 'o1', reason: 'changed mind' });
    const refund = (await h.store.readStream(orderStream('acme', 'o1'))).at(-1)!;
    assert.equal(refund.type, 'OrderRefunded');
    assert.deepEqual(refund.data.toPayments, [{ method: 'card', reference: 'psp-o1', amount: TRY(47_500) }]);
    const view = await orderView('o1', cancelled.position);
    assert.deepEqual([view.status, view.refunded], ['cancelled', TRY(47_500)]);
    const refused = await problem(admin, 'orders/refund', { orderId: 'o1', amount: TRY(47_500), reason: 'cancelled' }, 409, 'refund-exceeds-paid');
    assert.deepEqual(refused.details, { orderId: 'o1', refundable: TRY(0), requested: TRY(47_500) });
  });

  it('an order cancelled before the fix: an admin refunds the card payment (200), not more (409); a customer may not (403)', async () => {
    await paidByCard('b2', 'o2');
    const legacyCancel: Decider<OrderCommand, OrderEvent, OrderState> = {
      ...orderDecider,
      decide: () => [{ type: 'OrderCancelled', data: { orderId: 'o2', reason: 'changed mind', previousStatus: 'confirmed' } }],
    };
    const context = { tenantId: 'acme', actor: 'admin-1', correlationId: 'legacy', commandId: 'legacy-cancel', occurredAt: '2026-11-21T10:00:00.000+03:00' };
    await h.handler.handle(legacyCancel, orderStream('acme', 'o2'), { type: 'CancelOrder', data: { orderId: 'o2', reason: 'changed mind' } }, context);
    await problem(alice, 'orders/refund', { orderId: 'o2', amount: TRY(47_500), reason: 'cancelled' }, 403, 'forbidden');
    await problem(admin, 'orders/refund', { orderId: 'o2', amount: TRY(47_501), reason: 'cancelled' }, 409, 'refund-exceeds-paid');
    const refunded = await ok(admin, 'orders/refund', { orderId: 'o2', refundId: 'fix-o2', amount: TRY(47_500), reason: 'cancelled' });
    assert.deepEqual((await orderView('o2', refunded.position)).refunded, TRY(47_500));
    await problem(admin, 'orders/refund', { orderId: 'o2', amount: TRY(1), reason: 'cancelled' }, 409, 'refund-exceeds-paid');
  });
});
