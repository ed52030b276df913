import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { basketDecider, basketLines } from '../../src/domain/basket/index.js';
import { DomainError } from '../../src/domain/shared/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { isCode } from '../support/domain-errors.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';

/*
 * A guest basket is merged into a customer's basket at login once: merging it again into
 * any other basket (the same customer's or another's) is `basket-not-open` and appends
 * nothing, while a retry of the very same merge (a repeated request, or the completion of
 * a merge interrupted between its writes) answers without copying the lines twice. Two
 * merges racing into two baskets: one claims the guest basket, the other is refused before
 * copying. A basket refusing the lines after the claim releases the guest basket.
 */

const T0 = '2026-11-21T10:00:00.000+03:00';

let f: CommerceFixture;
before(async () => {
  f = await createCommerceFixture();
  await f.stockedProduct('PEN-1', 500, 50);
});
after(() => f.database.drop());

const basket = (basketId: string) => f.handler.load(basketDecider, commerce.basketStream('acme', basketId)).then((s) => s.state);
const types = async (basketId: string) => (await f.store.readStream(commerce.basketStream('acme', basketId))).map((e) => e.type);
const lines = async (basketId: string) => basketLines(await basket(basketId)).map((l) => [l.sku, l.quantity]);

describe('guest basket merge at login happens once', () => {
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

  it('a merge written by earlier code up to the copy (no claim) is completed by the retry, without copying the lines twice', async () => {
    await guestAndCustomerBasket('g3', 'cust-4', 'b11');
    const guest = await basket('g3');
    // The first write of a merge as code without claims made it (the customer's basket takes the lines); then the process stops.
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
    assert.deepEqual(await types('g3'), ['BasketOpened', 'ItemAdded', 'GuestBasketClaimed', 'BasketMerged']);
  });

  for (const stopBefore of ['MergeBasket', 'MarkBasketMerged']) {
    it(`a merge stopped before ${stopBefore} is completed by the retry, once`, async () => {
      const [g, b] = [`g-stop-${stopBefore}`, `b-stop-${stopBefore}`];
      await guestAndCustomerBasket(g, 'cust-5', b);
      const stopping = new InterceptingHandler(f.store, (command) => {
        if (command.type === stopBefore) throw lostConnection();
      });
      await assert.rejects(commerce.assignGuestBasket(stopping, f.context(T0), { basketId: g, customerId: 'cust-5', customerBasketId: b }), /Connection terminated/);
      assert.equal((await basket(g)).status, 'claimed');
      // Meanwhile the claimed guest basket goes into no other basket.
      await commerce.openBasket(f.handler, f.context(T0), { basketId: `${b}-other`, customerId: 'cust-6', currency: 'TRY' });
      await assert.rejects(
        commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: g, customerId: 'cust-6', customerBasketId: `${b}-other` }),
        isCode('basket-not-open', { status: 'claimed' }),
      );

      const retried = await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: g, customerId: 'cust-5', customerBasketId: b });
      assert.equal(retried.basketId, b);
      assert.deepEqual(await lines(b), [['PEN-1', 2]]);
      assert.deepEqual(await types(b), ['BasketOpened', 'BasketItemsMerged']);
      assert.deepEqual(await types(g), ['BasketOpened', 'ItemAdded', 'GuestBasketClaimed', 'BasketMerged']);
      assert.deepEqual(await types(`${b}-other`), ['BasketOpened']);
    });
  }
});

describe('concurrent merges of one guest basket into two customer baskets', () => {
  it('both read the guest basket open before either writes: exactly one basket takes its lines, the other merge is refused with 409 basket-not-open', async () => {
    for (let run = 0; run < 5; run++) {
      const [g, b1, b2] = [`g-race-${run}`, `b1-race-${run}`, `b2-race-${run}`];
      await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: g, guestId: `sess-${g}`, currency: 'TRY' });
      await commerce.addItem(f.handler, f.context(T0), { basketId: g, sku: 'PEN-1', quantity: 2, warehouseId: 'main' });
      await commerce.openBasket(f.handler, f.context(T0), { basketId: b1, customerId: 'cust-a', currency: 'TRY' });
      await commerce.openBasket(f.handler, f.context(T0), { basketId: b2, customerId: 'cust-b', currency: 'TRY' });

      // Each merge's first write waits until the other merge has also read everything it reads before writing.
      let arrived = 0;
      let bothRead!: () => void;
      const barrier = new Promise<void>((resolve) => (bothRead = resolve));
      const handler = new InterceptingHandler(f.store, async () => {
        if (++arrived === 2) bothRead();
        await barrier;
      });
      const outcomes = await Promise.allSettled([
        commerce.assignGuestBasket(handler, f.context(T0), { basketId: g, customerId: 'cust-a', customerBasketId: b1 }),
        commerce.assignGuestBasket(handler, f.context(T0), { basketId: g, customerId: 'cust-b', customerBasketId: b2 }),
      ]);

      const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.basketId] : []));
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      assert.equal(won.length, 1, `run ${run}: one merge succeeds`);
      assert.equal(refused.length, 1, `run ${run}: one merge is refused`);
      assert.ok(refused[0] instanceof DomainError && refused[0].code === 'basket-not-open' && refused[0].kind === 'conflict', `run ${run}: ${String(refused[0])}`);
      const loser = won[0] === b1 ? b2 : b1;
      assert.deepEqual([await lines(won[0]!), await lines(loser)], [[['PEN-1', 2]], []], `run ${run}: only the winner's basket holds the guest's lines`);
      assert.deepEqual(await types(loser), ['BasketOpened']);
      assert.deepEqual((await types(g)).slice(-2), ['GuestBasketClaimed', 'BasketMerged']);
    }
  });
});

describe('a customer basket that refuses the guest lines after the claim', () => {
  it('checked out meanwhile: the claim is released, the guest basket is open with its lines, and the refusal is answered', async () => {
    await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: 'g-co', guestId: 'sess-co', currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: 'g-co', sku: 'PEN-1', quantity: 2, warehouseId: 'main' });
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'b-co', customerId: 'cust-9', currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: 'b-co', sku: 'PEN-1', quantity: 1, warehouseId: 'main' });
    // The customer checks the basket out in another tab between the claim and the copy.
    const checkingOutMeanwhile = new InterceptingHandler(f.store, async (command) => {
      if (command.type === 'MergeBasket') {
        await f.handler.handle(basketDecider, commerce.basketStream('acme', 'b-co'), { type: 'CheckOutBasket', data: { basketId: 'b-co', orderId: 'o-co' } }, f.context(T0));
      }
    });
    await assert.rejects(
      commerce.assignGuestBasket(checkingOutMeanwhile, f.context(T0), { basketId: 'g-co', customerId: 'cust-9', customerBasketId: 'b-co' }),
      isCode('basket-not-open', { basketId: 'b-co', status: 'checked-out' }),
    );
    assert.deepEqual(await types('b-co'), ['BasketOpened', 'ItemAdded', 'BasketCheckedOut']);
    assert.deepEqual(await types('g-co'), ['BasketOpened', 'ItemAdded', 'GuestBasketClaimed', 'GuestBasketReleased']);
    const released = (await f.store.readStream(commerce.basketStream('acme', 'g-co'))).at(-1)!;
    assert.deepEqual(released.data, { basketId: 'g-co', intoBasketId: 'b-co', reason: 'merge-refused:basket-not-open' });
    assert.equal((await basket('g-co')).status, 'open');

    // The lines are not lost: the guest basket merges into the customer's next basket.
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'b-co-2', customerId: 'cust-9', currency: 'TRY' });
    await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g-co', customerId: 'cust-9', customerBasketId: 'b-co-2' });
    assert.deepEqual(await lines('b-co-2'), [['PEN-1', 2]]);
    assert.equal((await basket('g-co')).status, 'merged');
  });

  it('in another currency: the refusal (422 currency-mismatch) is answered and the guest basket is open again', async () => {
    await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: 'g-eur', guestId: 'sess-eur', currency: 'EUR' });
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'b-try', customerId: 'cust-10', currency: 'TRY' });
    await assert.rejects(
      commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g-eur', customerId: 'cust-10', customerBasketId: 'b-try' }),
      (e: unknown) => isCode('currency-mismatch')(e) && (e as DomainError).kind === 'unprocessable',
    );
    assert.deepEqual(await types('b-try'), ['BasketOpened']);
    assert.deepEqual(await types('g-eur'), ['BasketOpened', 'GuestBasketClaimed', 'GuestBasketReleased']);
    // Open again: assigned to the customer instead.
    await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g-eur', customerId: 'cust-10' });
    assert.equal((await basket('g-eur')).customerId, 'cust-10');
  });
});
