import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basketStream, orderStream, stockStream, walletStream } from '../../src/application/commerce/streams.js';
import { commandOk, commandProblem, createHarness, seedProduct, type Harness } from './harness.js';

/* Every command added with the full commerce domain, over HTTP: validated (400), authorised (403), domain rules (409/422). */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP commands: the commerce domain', () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  let bob: string;
  let guest: string;
  let clock = new Date('2026-11-21T07:00:00.000Z'); // 10:00 in Istanbul
  const at = (iso: string) => {
    clock = new Date(iso);
  };

  before(async () => {
    h = await createHarness({ now: () => clock });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    bob = h.token('acme', 'bob', ['customer']);
    guest = h.token('acme', 'guest-sess-1', ['customer']);
  });
  after(() => h.close());

  const ok = (token: string, path: string, body: unknown) => commandOk(h, token, path, body);
  const problem = (token: string, path: string, body: unknown, status: number, code: string) => commandProblem(h, token, path, body, status, code);
  const events = async (stream: string) => (await h.store.readStream(stream)).map((e) => e.type);

  it('products carry a KDV rate (0, 1, 10, 20)', async () => {
    await ok(admin, 'products/register', { sku: 'kdv-10', name: 'Book', category: 'books', price: TRY(10_000), taxRate: 10 });
    await problem(admin, 'products/register', { sku: 'kdv-18', name: 'Old rate', category: 'x', price: TRY(100), taxRate: 18 }, 422, 'invalid-tax-rate');
    await problem(admin, 'products/register', { sku: 'kdv-x', name: 'X', category: 'x', price: TRY(100), taxRate: 'twenty' }, 400, 'validation-failed');
  });

  it('stock: adjust, transfer between warehouses, thresholds (admin only)', async () => {
    await seedProduct(h, admin, { sku: 'st-1', minor: 500, stock: 10, warehouseId: 'ist' });
    await ok(admin, 'stock/set-threshold', { sku: 'st-1', warehouseId: 'ist', lowStock: 3 });
    await ok(admin, 'stock/adjust', { sku: 'st-1', warehouseId: 'ist', quantity: -2, reason: 'damaged', reference: 'count-1' });
    const moved = await ok(admin, 'stock/transfer', { sku: 'st-1', fromWarehouseId: 'ist', toWarehouseId: 'ank', quantity: 6 });
    assert.match(String(moved.transferId), /^[0-9a-f-]{36}$/);
    assert.deepEqual(await events(stockStream('acme', 'st-1', 'ist')), ['StockReceived', 'StockThresholdSet', 'StockAdjusted', 'StockTransferredOut', 'LowStock']);
    assert.deepEqual(await events(stockStream('acme', 'st-1', 'ank')), ['StockTransferredIn']);
    await problem(admin, 'stock/transfer', { sku: 'st-1', fromWarehouseId: 'ist', toWarehouseId: 'ank', quantity: 3 }, 409, 'insufficient-stock');
    await problem(admin, 'stock/adjust', { sku: 'st-1', warehouseId: 'ist', quantity: 0, reason: 'x', reference: 'y' }, 422, 'invalid-adjustment');
    await problem(admin, 'stock/adjust', { sku: 'st-1', warehouseId: 'ist', quantity: 1.5, reason: 'x', reference: 'y' }, 400, 'validation-failed');
    await problem(alice, 'stock/set-threshold', { sku: 'st-1', warehouseId: 'ist', lowStock: 1 }, 403, 'forbidden');
  });

  it('wallet: top-up request (customer) approved or rejected (admin)', async () => {
    await ok(admin, 'wallets/open', { customerId: 'alice', currency: 'TRY' });
    const requested = await ok(alice, 'wallets/request-top-up', { customerId: 'alice', amount: TRY(20_000), method: 'bank-transfer', reference: 'EFT-1' });
    const requestId = String(requested.requestId);
    await problem(bob, 'wallets/request-top-up', { customerId: 'alice', amount: TRY(1), method: 'card', reference: 'x' }, 403, 'forbidden');
    await problem(alice, 'wallets/approve-top-up', { customerId: 'alice', requestId }, 403, 'forbidden');
    await ok(admin, 'wallets/approve-top-up', { customerId: 'alice', requestId });
    await problem(admin, 'wallets/reject-top-up', { customerId: 'alice', requestId, reason: 'late' }, 409, 'request-not-pending');
    const second = await ok(alice, 'wallets/request-top-up', { customerId: 'alice', requestId: 'tu-2', amount: TRY(1_000), method: 'card', reference: 'c' });
    assert.equal(second.requestId, 'tu-2');
    await ok(admin, 'wallets/reject-top-up', { customerId: 'alice', requestId: 'tu-2', reason: 'card chargeback' });
    assert.deepEqual((await events(walletStream('acme', 'alice'))).slice(1), ['WalletTopUpRequested', 'WalletCredited', 'WalletTopUpRequested', 'WalletTopUpRejected']);
  });

  it('wallet: bonus lots, withdrawals, transfers, freeze', async () => {
    await ok(admin, 'wallets/grant-bonus', { customerId: 'alice', amount: TRY(1_500), expiresAt: '2026-11-30T23:59:59+03:00', reason: 'campaign', reference: 'camp-1' });
    await problem(admin, 'wallets/grant-bonus', { customerId: 'alice', amount: TRY(1), expiresAt: '30/11/2026', reason: 'x', reference: 'y' }, 400, 'validation-failed');
    await problem(admin, 'wallets/grant-bonus', { customerId: 'alice', amount: TRY(1), expiresAt: '2026-11-01T00:00:00+03:00', reason: 'x', reference: 'y' }, 422, 'bonus-already-expired');
    const withdrawal = await ok(alice, 'wallets/request-withdrawal', { customerId: 'alice', amount: TRY(5_000), destination: 'TR330006100519786457841326' });
    await ok(admin, 'wallets/reject-withdrawal', { customerId: 'alice', requestId: String(withdrawal.requestId), reason: 'IBAN name mismatch' });
    await ok(alice, 'wallets/request-withdrawal', { customerId: 'alice', requestId: 'wd-2', amount: TRY(2_000), destination: 'TR33' });
    await ok(admin, 'wallets/approve-withdrawal', { customerId: 'alice', requestId: 'wd-2' });
    await problem(alice, 'wallets/request-withdrawal', { customerId: 'alice', amount: TRY(18_001), destination: 'TR33' }, 409, 'insufficient-funds');

    await ok(admin, 'wallets/open', { customerId: 'bob', currency: 'TRY' });
    const moved = await ok(alice, 'wallets/transfer', { fromCustomerId: 'alice', toCustomerId: 'bob', amount: TRY(3_000) });
    assert.match(String(moved.transferId), /^[0-9a-f-]{36}$/);
    await problem(bob, 'wallets/transfer', { fromCustomerId: 'alice', toCustomerId: 'bob', amount: TRY(1) }, 403, 'forbidden');
    await ok(admin, 'wallets/freeze', { customerId: 'bob', reason: 'kyc review' });
    await problem(alice, 'wallets/transfer', { fromCustomerId: 'alice', toCustomerId: 'bob', amount: TRY(1) }, 409, 'wallet-frozen');
    await ok(admin, 'wallets/unfreeze', { customerId: 'bob' });
    await ok(admin, 'wallets/expire-bonus', { customerId: 'alice' });
    const wallet = await h.store.readStream(walletStream('acme', 'alice'));
    assert.deepEqual(wallet.at(-1)?.data.balance, TRY(20_000 - 2_000 - 3_000 + 1_500));
  });

  it('gift cheques: an admin issues, a customer redeems once', async () => {
    await ok(admin, 'gift-cheques/issue', { code: 'GC-7', amount: TRY(2_500), expiresAt: '2027-11-21T00:00:00+03:00', note: 'store credit' });
    await problem(alice, 'gift-cheques/issue', { code: 'GC-8', amount: TRY(1), expiresAt: '2027-11-21T00:00:00+03:00' }, 403, 'forbidden');
    await ok(bob, 'gift-cheques/redeem', { code: 'GC-7', customerId: 'bob' });
    await problem(alice, 'gift-cheques/redeem', { code: 'GC-7', customerId: 'alice' }, 409, 'gift-cheque-redeemed');
    await problem(alice, 'gift-cheques/redeem', { code: 'GC-7', customerId: 'bob' }, 403, 'forbidden');
  });

  it('promotions and coupons: create, apply to a basket, checkout with the discount, end', async () => {
    await ok(admin, 'promotions/create', {
      code: 'FLASH15',
      name: 'Flash deal',
      discount: { kind: 'percentage', percent: 15 },
      currency: 'TRY',
      minimumBasket: TRY(5_000),
      validFrom: '2026-11-21T09:00:00+03:00',
      validUntil: '2026-11-21T12:00:00+03:00',
      totalUsageLimit: 100,
      perCustomerLimit: 1,
    });
    await problem(admin, 'promotions/create', { code: 'BAD', name: 'x', discount: { kind: 'bogus' }, currency: 'TRY', validFrom: '2026-11-21T09:00:00+03:00', validUntil: '2026-11-21T12:00:00+03:00' }, 400, 'validation-failed');
    await problem(admin, 'promotions/create', { code: 'BAD', name: 'x', discount: { kind: 'percentage', percent: 150 }, currency: 'TRY', validFrom: '2026-11-21T09:00:00+03:00', validUntil: '2026-11-21T12:00:00+03:00' }, 422, 'invalid-campaign');
    await seedProduct(h, admin, { sku: 'pr-1', minor: 4_000, stock: 10 });
    await ok(alice, 'baskets/open', { basketId: 'pb-1', customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId: 'pb-1', sku: 'pr-1', quantity: 1, warehouseId: 'wh-1' });
    await problem(alice, 'baskets/apply-coupon', { basketId: 'pb-1', code: 'FLASH15' }, 409, 'basket-below-minimum');
    await ok(alice, 'baskets/change-quantity', { basketId: 'pb-1', sku: 'pr-1', quantity: 2 });
    await ok(alice, 'baskets/apply-coupon', { basketId: 'pb-1', code: 'FLASH15' });
    await problem(bob, 'baskets/remove-coupon', { basketId: 'pb-1' }, 403, 'forbidden');
    const checkout = await ok(alice, 'baskets/check-out', { basketId: 'pb-1', orderId: 'po-1', payment: { wallet: TRY(6_800) } });
    assert.deepEqual([checkout.total, checkout.status, checkout.confirmed], [TRY(6_800), 'confirmed', true]);
    await ok(admin, 'promotions/end', { code: 'FLASH15', reason: 'sold out' });
    await problem(admin, 'promotions/end', { code: 'NOPE', reason: 'x' }, 409, 'coupon-not-found');
  });

  it('guest baskets: opened by a guest session, assigned at login with the session id as proof', async () => {
    await seedProduct(h, admin, { sku: 'gb-1', minor: 900, stock: 5 });
    const opened = await ok(guest, 'baskets/open-guest', { basketId: 'gb-1', currency: 'TRY' });
    assert.equal(opened.guestId, 'guest-sess-1');
    await ok(guest, 'baskets/add-item', { basketId: 'gb-1', sku: 'gb-1', quantity: 2, warehouseId: 'wh-1' });
    await problem(bob, 'baskets/add-item', { basketId: 'gb-1', sku: 'gb-1', quantity: 1, warehouseId: 'wh-1' }, 403, 'forbidden');
    await problem(guest, 'baskets/check-out', { basketId: 'gb-1', payment: { external: { method: 'card', reference: 'c', captured: false } } }, 409, 'basket-has-no-customer');
    await problem(bob, 'baskets/assign', { basketId: 'gb-1', guestId: 'someone-else' }, 403, 'forbidden');
    await ok(bob, 'baskets/open', { basketId: 'bob-own', customerId: 'bob', currency: 'TRY' });
    const merged = await ok(bob, 'baskets/assign', { basketId: 'gb-1', guestId: 'guest-sess-1', customerBasketId: 'bob-own' });
    assert.equal(merged.basketId, 'bob-own');
    assert.deepEqual(await events(basketStream('acme', 'bob-own')), ['BasketOpened', 'BasketItemsMerged']);
    assert.deepEqual((await events(basketStream('acme', 'gb-1'))).at(-1), 'BasketMerged');
  });

  it('baskets idle past the configured time are abandoned by the scheduler (admin)', async () => {
    await ok(alice, 'baskets/open', { basketId: 'idle-b', customerId: 'alice', currency: 'TRY' });
    await problem(admin, 'baskets/abandon', { basketId: 'idle-b', idleMinutes: 30 }, 409, 'basket-not-idle');
    at('2026-11-21T08:00:00.000Z');
    await ok(admin, 'baskets/abandon', { basketId: 'idle-b', idleMinutes: 30 });
    await problem(alice, 'baskets/abandon', { basketId: 'idle-b' }, 403, 'forbidden');
    await problem(admin, 'baskets/abandon', { basketId: 'idle-b', idleMinutes: 0 }, 400, 'validation-failed');
    at('2026-11-21T07:00:00.000Z');
  });

  it('orders: the card result arrives as a command; a decline compensates and reopens the basket', async () => {
    await seedProduct(h, admin, { sku: 'card-1', minor: 3_000, stock: 4 });
    await ok(alice, 'baskets/open', { basketId: 'cb-1', customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId: 'cb-1', sku: 'card-1', quantity: 1, warehouseId: 'wh-1' });
    const pending = await ok(alice, 'baskets/check-out', { basketId: 'cb-1', orderId: 'card-o1', payment: { external: { method: 'card', reference: 'psp-1', captured: false } } });
    assert.deepEqual([pending.status, pending.confirmed], ['awaiting-payment', false]);
    await problem(admin, 'orders/record-payment', { orderId: 'card-o1', method: 'card', reference: 'psp-1', amount: TRY(1), outcome: 'captured' }, 422, 'payment-amount-mismatch');
    await problem(alice, 'orders/record-payment', { orderId: 'card-o1', method: 'card', reference: 'psp-1', amount: TRY(3_000), outcome: 'captured' }, 403, 'forbidden');
    const declined = await ok(admin, 'orders/record-payment', { orderId: 'card-o1', method: 'card', reference: 'psp-1', amount: TRY(3_000), outcome: 'declined', reason: 'expired card' });
    assert.equal(declined.status, 'cancelled');
    assert.deepEqual((await events(basketStream('acme', 'cb-1'))).at(-1), 'BasketReopened');
    const retry = await ok(alice, 'baskets/check-out', { basketId: 'cb-1', orderId: 'card-o2', payment: { external: { method: 'card', reference: 'psp-2', captured: false } } });
    assert.equal(retry.status, 'awaiting-payment');
    const captured = await ok(admin, 'orders/record-payment', { orderId: 'card-o2', method: 'card', reference: 'psp-2', amount: TRY(3_000), outcome: 'captured' });
    assert.equal(captured.status, 'confirmed');
  });

  it('orders: unpaid orders expire when their reservation lapses (scheduler, admin)', async () => {
    await seedProduct(h, admin, { sku: 'exp-1', minor: 1_000, stock: 2 });
    await ok(alice, 'baskets/open', { basketId: 'eb-1', customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId: 'eb-1', sku: 'exp-1', quantity: 2, warehouseId: 'wh-1' });
    await ok(alice, 'baskets/check-out', { basketId: 'eb-1', orderId: 'exp-o1', payment: { external: { method: 'bank-transfer', reference: 'eft', captured: false } } });
    const early = await ok(admin, 'orders/expire-unpaid', { orderId: 'exp-o1' });
    assert.equal(early.cancelled, false);
    at('2026-11-21T07:30:00.000Z');
    const due = await ok(admin, 'orders/expire-unpaid', { orderId: 'exp-o1' });
    assert.equal(due.cancelled, true);
    at('2026-11-21T07:00:00.000Z');
    assert.deepEqual(await events(orderStream('acme', 'exp-o1')), ['OrderPlaced', 'OrderCancelled']);
    const stock = await h.store.readStream(stockStream('acme', 'exp-1', 'wh-1'));
    assert.deepEqual(stock.map((e) => e.type), ['StockReceived', 'StockReserved', 'StockReleased']);
  });

  it('orders: processing, shipping, delivery, return of items and a partial refund', async () => {
    await seedProduct(h, admin, { sku: 'rt-1', minor: 2_000, stock: 5 });
    await ok(admin, 'wallets/open', { customerId: 'carol', currency: 'TRY' });
    await ok(admin, 'wallets/credit', { customerId: 'carol', amount: TRY(4_000), reason: 'top-up', reference: 'p' });
    const carol = h.token('acme', 'carol', ['customer']);
    await ok(carol, 'baskets/open', { basketId: 'rb-1', customerId: 'carol', currency: 'TRY' });
    await ok(carol, 'baskets/add-item', { basketId: 'rb-1', sku: 'rt-1', quantity: 2, warehouseId: 'wh-1' });
    await ok(carol, 'baskets/check-out', { basketId: 'rb-1', orderId: 'rt-o1', payment: { wallet: TRY(4_000) } });
    await ok(admin, 'orders/start-processing', { orderId: 'rt-o1' });
    await problem(admin, 'orders/start-processing', { orderId: 'rt-o1' }, 409, 'order-not-processable');
    await problem(admin, 'orders/return-items', { orderId: 'rt-o1', items: [{ sku: 'rt-1', quantity: 1 }], reason: 'x' }, 409, 'order-not-returnable');
    await ok(admin, 'orders/ship', { orderId: 'rt-o1' });
    await ok(admin, 'orders/deliver', { orderId: 'rt-o1' });
    const returned = await ok(admin, 'orders/return-items', { orderId: 'rt-o1', items: [{ sku: 'rt-1', quantity: 1 }], reason: 'too big' });
    assert.match(String(returned.returnId), /^[0-9a-f-]{36}$/);
    await problem(admin, 'orders/return-items', { orderId: 'rt-o1', items: [], reason: 'x' }, 400, 'validation-failed');
    await ok(admin, 'orders/refund', { orderId: 'rt-o1', amount: TRY(500), reason: 'goodwill' });
    await problem(admin, 'orders/refund', { orderId: 'rt-o1', amount: TRY(1_501), reason: 'too much' }, 409, 'refund-exceeds-paid');
    assert.deepEqual(await events(orderStream('acme', 'rt-o1')), [
      'OrderPlaced',
      'OrderPaymentConfirmed',
      'OrderProcessingStarted',
      'OrderShipped',
      'OrderDelivered',
      'OrderItemsReturned',
      'OrderRefunded',
      'OrderRefunded',
    ]);
    const wallet = await h.store.readStream(walletStream('acme', 'carol'));
    assert.deepEqual(wallet.at(-1)?.data.balance, TRY(2_500));
  });
});
