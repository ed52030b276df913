import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basketStream, orderStream, stockStream, walletStream } from '../../src/application/commerce/streams.js';
import { createHarness, json, seedProduct, type Harness } from '../http/harness.js';

/*
 * The same command id (Idempotency-Key) sent 100 times concurrently has one effect. This
 * rests on the command handler's deterministic event ids and the store's idempotent appends
 * (issue 3) for commands that are not idempotent by themselves (a stock receipt, a credit),
 * and on the checkout's own ids (order id, payment id) for the checkout.
 */

const TIMES = 100;

describe('concurrency: the same command id 100 times at once', { timeout: 120_000 }, () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
  });
  after(() => h.close());

  const hundred = (token: string, path: string, body: unknown, key: string) =>
    Promise.all(Array.from({ length: TIMES }, () => h.command(token, path, body, { 'idempotency-key': key })));

  it('a stock receipt: one event, counted once', async () => {
    await seedProduct(h, admin, { sku: 'idem-1', minor: 100 });
    const answers = await hundred(admin, 'stock/receive', { sku: 'idem-1', warehouseId: 'w', quantity: 7, reference: 'po-7' }, 'receive-once');
    assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [200], answers.find((a) => a.statusCode !== 200)?.body);
    assert.deepEqual([...new Set(answers.map((a) => json(a).revision))], ['0']);
    const events = await h.store.readStream(stockStream('acme', 'idem-1', 'w'));
    assert.deepEqual(events.map((e) => [e.type, e.data.onHand]), [['StockReceived', 7]]);
  });

  it('a wallet credit: one event, credited once', async () => {
    await h.command(admin, 'wallets/open', { customerId: 'alice', currency: 'TRY' });
    const answers = await hundred(admin, 'wallets/credit', { customerId: 'alice', amount: { minor: 5_000, currency: 'TRY' }, reason: 'top-up', reference: 'psp-1' }, 'credit-once');
    assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [200]);
    const events = await h.store.readStream(walletStream('acme', 'alice'));
    assert.deepEqual(events.map((e) => e.type), ['WalletOpened', 'WalletCredited']);
  });

  it('a checkout: one order, one reservation, one wallet debit, the same answer', async () => {
    await seedProduct(h, admin, { sku: 'idem-2', minor: 2_000, stock: 10, warehouseId: 'w' });
    await h.command(alice, 'baskets/open', { basketId: 'b-idem', customerId: 'alice', currency: 'TRY' });
    await h.command(alice, 'baskets/add-item', { basketId: 'b-idem', sku: 'idem-2', quantity: 2, warehouseId: 'w' });
    const answers = await hundred(
      alice,
      'baskets/check-out',
      { basketId: 'b-idem', payment: { wallet: { minor: 4_000, currency: 'TRY' } } },
      'checkout-once',
    );
    assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [200], answers.find((a) => a.statusCode !== 200)?.body);
    const orderIds = new Set(answers.map((a) => String(json(a).orderId)));
    assert.equal(orderIds.size, 1);
    const [orderId] = [...orderIds] as [string];
    assert.deepEqual((await h.store.readStream(orderStream('acme', orderId))).map((e) => e.type), ['OrderPlaced', 'OrderPaymentConfirmed']);
    assert.equal((await h.store.readStream(stockStream('acme', 'idem-2', 'w'))).filter((e) => e.type === 'StockReserved').length, 1);
    const wallet = await h.store.readStream(walletStream('acme', 'alice'));
    assert.equal(wallet.filter((e) => e.type === 'WalletDebited').length, 1);
    assert.equal(wallet.at(-1)!.data.balance && (wallet.at(-1)!.data.balance as { minor: number }).minor, 1_000);
    assert.equal((await h.store.readStream(basketStream('acme', 'b-idem'))).filter((e) => e.type === 'BasketCheckedOut').length, 1);
  });
});
