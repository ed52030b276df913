import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderStream } from '../../src/application/commerce/streams.js';
import { commandOk, commandProblem, createHarness, seedProduct, type Harness } from './harness.js';

/* The probe's finding: a customer stated their card payment captured and priced their own shipping at checkout. */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: what a customer may state at checkout', () => {
  let h: Harness;
  let admin: string;
  let alice: string;

  before(async () => {
    h = await createHarness({ env: { SHIPPING_FEES: 'TRY:4990', FREE_SHIPPING_FROM: 'TRY:50000' } });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    await seedProduct(h, admin, { sku: 'lamp', minor: 45_000, stock: 10 });
    await seedProduct(h, admin, { sku: 'sofa', minor: 50_000, stock: 10 });
    await seedProduct(h, admin, { sku: 'eur-lamp', minor: 4_500, currency: 'EUR', stock: 10 });
  });
  after(() => h.close());

  /** Opens alice's basket `basketId` holding one `sku`, in `currency`. */
  const basket = async (basketId: string, sku: string, currency = 'TRY') => {
    await commandOk(h, alice, 'baskets/open', { basketId, customerId: 'alice', currency });
    await commandOk(h, alice, 'baskets/add-item', { basketId, sku, quantity: 1, warehouseId: 'wh-1' });
  };
  /** The order stream's event types and the shipping its `OrderPlaced` recorded. */
  const order = async (orderId: string) => {
    const events = await h.store.readStream(orderStream('acme', orderId));
    return { types: events.map((e) => e.type), shipping: events[0]?.data.shipping };
  };
  const card = (captured: boolean) => ({ external: { method: 'card', reference: 'i-made-this-up', captured } });

  it('a customer stating captured: true → 403 forbidden naming payment.external.captured, nothing appended', async () => {
    await basket('b-cap', 'lamp');
    const before = await h.eventCount();
    const problem = await commandProblem(h, alice, 'baskets/check-out', { basketId: 'b-cap', orderId: 'o-cap', payment: card(true) }, 403, 'forbidden');
    assert.equal(problem.field, 'payment.external.captured');
    assert.equal(await h.eventCount(), before);
    assert.deepEqual((await order('o-cap')).types, []);
  });

  it('a customer sending shipping → 403 forbidden naming shipping, nothing appended', async () => {
    await basket('b-ship', 'lamp');
    const before = await h.eventCount();
    const problem = await commandProblem(h, alice, 'baskets/check-out', { basketId: 'b-ship', orderId: 'o-ship', shipping: TRY(0), payment: card(false) }, 403, 'forbidden');
    assert.equal(problem.field, 'shipping');
    assert.equal(await h.eventCount(), before);
  });

  it('a customer without shipping pays the policy: the flat fee below the threshold, nothing from it on; the card awaits the provider', async () => {
    await basket('b-fee', 'lamp');
    const fee = await commandOk(h, alice, 'baskets/check-out', { basketId: 'b-fee', orderId: 'o-fee', payment: card(false) });
    assert.deepEqual([fee.status, fee.total], ['awaiting-payment', TRY(49_990)]);
    assert.deepEqual(await order('o-fee'), { types: ['OrderPlaced'], shipping: TRY(4_990) });
    await basket('b-free', 'sofa');
    const free = await commandOk(h, alice, 'baskets/check-out', { basketId: 'b-free', orderId: 'o-free', payment: card(false) });
    assert.deepEqual(free.total, TRY(50_000));
    assert.deepEqual((await order('o-free')).shipping, TRY(0));
  });

  it('a currency without a configured fee → 422 shipping-unavailable naming shipping, nothing appended', async () => {
    await basket('b-eur', 'eur-lamp', 'EUR');
    const before = await h.eventCount();
    const refused = await commandProblem(h, alice, 'baskets/check-out', { basketId: 'b-eur', orderId: 'o-eur', payment: card(false) }, 422, 'shipping-unavailable');
    assert.deepEqual(refused.details, { field: 'shipping', currency: 'EUR' });
    assert.equal(await h.eventCount(), before);
  });

  it('an admin may still state shipping and a captured payment (phone order), and omit shipping to get the policy', async () => {
    await basket('b-phone', 'lamp');
    const phone = await commandOk(h, admin, 'baskets/check-out', { basketId: 'b-phone', orderId: 'o-phone', shipping: TRY(1_000), payment: card(true) });
    assert.deepEqual([phone.status, phone.total], ['confirmed', TRY(46_000)]);
    assert.deepEqual(await order('o-phone'), { types: ['OrderPlaced', 'OrderPaymentConfirmed'], shipping: TRY(1_000) });
    await basket('b-admin', 'lamp');
    await commandOk(h, admin, 'baskets/check-out', { basketId: 'b-admin', orderId: 'o-admin', payment: card(false) });
    assert.deepEqual((await order('o-admin')).shipping, TRY(4_990));
  });
});
