import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { basketDecider, basketLines } from '../../src/domain/basket/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { isCode } from '../support/domain-errors.js';

/*
 * A guest basket is merged into a customer's basket at login once: merging it again into
 * any other basket (the same customer's or another's) is `basket-not-open` and appends
 * nothing, while a retry of the very same merge (a repeated request, or the completion of
 * a merge interrupted between its two writes) answers without copying the lines twice.
 */

const T0 = '2026-11-21T10:00:00.000+03:00';

describe('guest basket merge at login happens once', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
    await f.stockedProduct('PEN-1', 500, 50);
  });
  after(() => f.database.drop());

  const basket = (basketId: string) => f.handler.load(basketDecider, commerce.basketStream('acme', basketId)).then((s) => s.state);
  const types = async (basketId: string) => (await f.store.readStream(commerce.basketStream('acme', basketId))).map((e) => e.type);
  const lines = async (basketId: string) => basketLines(await basket(basketId)).map((l) => [l.sku, l.quantity]);

  /** Guest basket `guestBasketId` holding PEN-1 ×2, and customer basket `into` of `customerId`. */
  async function guestAndCustomerBasket(guestBasketId: string, customerId: string, into: string): Promise<void> {
    await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: guestBasketId, guestId: `sess-${guestBasketId}`, currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: guestBasketId, sku: 'PEN-1', quantity: 2, warehouseId: 'main' });
    await commerce.openBasket(f.handler, f.context(T0), { basketId: into, customerId, currency: 'TRY' });
  }

  it('a merged guest basket is not merged again into another basket of the same or another customer', async () => {
    await guestAndCustomerBasket('g1', 'cust-1', 'b4');
    await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g1', customerId: 'cust-1', customerBasketId: 'b4' });
    assert.deepEqual(await lines('b4'), [['PEN-1', 2]]);
    const guestEvents = await types('g1');

    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'b7', customerId: 'cust-1', currency: 'TRY' });
    await assert.rejects(
      commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g1', customerId: 'cust-1', customerBasketId: 'b7' }),
      isCode('basket-not-open', { status: 'merged' }),
    );
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'b8', customerId: 'cust-2', currency: 'TRY' });
    await assert.rejects(
      commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g1', customerId: 'cust-2', customerBasketId: 'b8' }),
      isCode('basket-not-open', { status: 'merged' }),
    );
    // As without a customer basket to merge into.
    await assert.rejects(commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g1', customerId: 'cust-2' }), isCode('basket-not-open', { status: 'merged' }));

    assert.deepEqual(await types('b7'), ['BasketOpened']);
    assert.deepEqual(await types('b8'), ['BasketOpened']);
    assert.deepEqual(await types('g1'), guestEvents);
    assert.deepEqual(await lines('b4'), [['PEN-1', 2]]);
  });

  it('repeating the same merge (same or new command id) answers again and appends nothing', async () => {
    await guestAndCustomerBasket('g2', 'cust-3', 'b10');
    const context = f.context(T0);
    const first = await commerce.assignGuestBasket(f.handler, context, { basketId: 'g2', customerId: 'cust-3', customerBasketId: 'b10' });
    const [b10, g2] = [await types('b10'), await types('g2')];
    const same = await commerce.assignGuestBasket(f.handler, context, { basketId: 'g2', customerId: 'cust-3', customerBasketId: 'b10' });
    const fresh = await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g2', customerId: 'cust-3', customerBasketId: 'b10' });
    assert.deepEqual([first.basketId, same.basketId, fresh.basketId], ['b10', 'b10', 'b10']);
    assert.deepEqual(fresh.events, []);
    assert.deepEqual([await types('b10'), await types('g2')], [b10, g2]);
    assert.deepEqual(await lines('b10'), [['PEN-1', 2]]);
  });

  it('a merge interrupted between its two writes is completed by the retry, without copying the lines twice', async () => {
    await guestAndCustomerBasket('g3', 'cust-4', 'b11');
    const guest = await basket('g3');
    // The first write of a merge (the customer's basket takes the lines); then the process stops.
    await f.handler.handle(
      basketDecider,
      commerce.basketStream('acme', 'b11'),
      { type: 'MergeBasket', data: { basketId: 'b11', fromBasketId: 'g3', items: basketLines(guest), currency: 'TRY', at: T0 } },
      f.context(T0),
    );
    assert.equal((await basket('g3')).status, 'open');
    const retried = await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g3', customerId: 'cust-4', customerBasketId: 'b11' });
    assert.equal(retried.basketId, 'b11');
    assert.deepEqual(await lines('b11'), [['PEN-1', 2]]);
    assert.deepEqual(await types('b11'), ['BasketOpened', 'BasketItemsMerged']);
    assert.deepEqual(await types('g3'), ['BasketOpened', 'ItemAdded', 'BasketMerged']);
  });
});
