import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderStream, stockStream } from '../../src/application/commerce/streams.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { commandOk, commandProblem, createHarness, json, seedProduct, type Harness } from './harness.js';

/*
 * The probe's findings over HTTP: a return worth more than what is left to refund answered 409
 * yet was recorded (stock back, no refund, stuck); a refund or return id reused with other
 * content answered 200 and did nothing; a repeated refund answered a later event's revision.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: returns and refunds, their ids and their repeats', () => {
  let h: Harness;
  let admin: string;

  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    admin = h.token('acme', 'admin-1', ['admin']);
    for (const p of h.projectors) p.start();
  });
  after(() => h.close());

  const ok = (path: string, body: unknown) => commandOk(h, admin, path, body);
  const orderTypes = async (orderId: string) => (await h.store.readStream(orderStream('acme', orderId))).map((e) => e.type);
  /** A delivered order of `quantity` × 10,000 (no shipping), paid by a card captured at checkout. */
  const delivered = async (sku: string, orderId: string, quantity: number) => {
    await seedProduct(h, admin, { sku, minor: 10_000, stock: 5 });
    await ok('baskets/open', { basketId: `b-${orderId}`, customerId: 'cust-1', currency: 'TRY' });
    await ok('baskets/add-item', { basketId: `b-${orderId}`, sku, quantity, warehouseId: 'wh-1' });
    const payment = { external: { method: 'card', reference: `c-${orderId}`, captured: true } };
    await ok('baskets/check-out', { basketId: `b-${orderId}`, orderId, shipping: TRY(0), payment });
    await ok('orders/ship', { orderId });
    await ok('orders/deliver', { orderId });
  };

  it('paid 20,000, 15,000 refunded by an admin: returning both units → 200, stock back and the 5,000 left refunded with it', async () => {
    await delivered('R1', 'ro', 2);
    await ok('orders/refund', { orderId: 'ro', refundId: 'gw', amount: TRY(15_000), reason: 'goodwill' });
    const returned = await ok('orders/return-items', { orderId: 'ro', returnId: 'ret', items: [{ sku: 'R1', quantity: 2 }], reason: 'back' });
    const events = await h.store.readStream(orderStream('acme', 'ro'));
    assert.deepEqual(events.slice(-2).map((e) => [e.type, e.data.amount, e.data.refunded]), [
      ['OrderItemsReturned', TRY(20_000), TRY(5_000)],
      ['OrderRefunded', TRY(5_000), undefined],
    ]);
    assert.equal(returned.revision, String(events.at(-1)!.revision));
    assert.equal((await h.handler.load(stockDecider, stockStream('acme', 'R1', 'wh-1'))).state.onHand, 5);
    const view = json<{ data: { status: string; refunded: unknown } }>(await h.query(admin, `orders/ro?position=${encodeURIComponent(String(returned.position))}`)).data;
    assert.deepEqual([view.status, view.refunded], ['returned', TRY(20_000)]);
    await commandProblem(h, admin, 'orders/refund', { orderId: 'ro', refundId: 'more', amount: TRY(1), reason: 'x' }, 409, 'refund-exceeds-paid');
  });

  it('a refund or return id sent again: other content → 409 refund-exists / return-exists, nothing appended; the same → 200 with its original revision and position', async () => {
    await delivered('RR', 'rro', 3);
    const refund = { orderId: 'rro', refundId: 'r1', amount: TRY(1_000), reason: 'a' };
    const ret = { orderId: 'rro', returnId: 'ret1', items: [{ sku: 'RR', quantity: 1 }], reason: 'a' };
    const refunded = await ok('orders/refund', refund);
    const returned = await ok('orders/return-items', ret);
    const before = await orderTypes('rro');

    const refundExists = await commandProblem(h, admin, 'orders/refund', { ...refund, amount: TRY(5_000), reason: 'other' }, 409, 'refund-exists');
    assert.deepEqual(refundExists.details, { orderId: 'rro', refundId: 'r1' });
    await commandProblem(h, admin, 'orders/return-items', { ...ret, items: [{ sku: 'RR', quantity: 2 }], reason: 'other' }, 409, 'return-exists');
    assert.deepEqual(await orderTypes('rro'), before, 'nothing appended');

    const again = await ok('orders/refund', refund);
    assert.deepEqual([again.revision, again.position], [refunded.revision, refunded.position], 'the refund repeated answers its own append, not the later return');
    const returnedAgain = await ok('orders/return-items', ret);
    assert.deepEqual([returnedAgain.revision, returnedAgain.position], [returned.revision, returned.position]);
    assert.deepEqual(await orderTypes('rro'), before);
    assert.equal((await h.handler.load(stockDecider, stockStream('acme', 'RR', 'wh-1'))).state.onHand, 3, 'the unit is back once');
  });
});
