import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { formatPosition } from '../../src/application/ports/event-store.js';
import { CheckoutProcessManager, CheckoutSubscriber } from '../../src/application/process-managers/checkout/index.js';
import { basketDecider } from '../../src/domain/basket/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { checkoutInput, ORDER_ID, scenarioContext, setUpScenario, snapshot } from './fixtures/checkout-scenario.js';

/*
 * The subscriber feeds the process manager from `$all`, at least once: it finishes processes
 * whose runner stopped, starts processes for baskets checked out whose request died before
 * starting one, changes nothing when events are delivered again, and expires unpaid orders.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('checkout subscriber', { timeout: 120_000 }, () => {
  let f: CommerceFixture;
  let manager: CheckoutProcessManager;
  before(async () => {
    f = await createCommerceFixture();
    manager = new CheckoutProcessManager(f.handler);
  });
  after(() => f.database.drop());

  it('finishes a process whose runner stopped, and starts one for a basket checked out without it', async () => {
    await setUpScenario(f.handler, 'stopped');
    const stopAtOnce = new CheckoutProcessManager(f.handler, {
      hooks: {
        beforeSend: () => {
          throw new Error('the request died');
        },
      },
    });
    await assert.rejects(commerce.checkout(f.handler, scenarioContext('stopped', 'checkout'), checkoutInput, { manager: stopAtOnce }));
    assert.equal((await manager.load('stopped', ORDER_ID)).state.status, 'running');

    await setUpScenario(f.handler, 'orphan');
    await f.handler.handle(
      basketDecider,
      commerce.basketStream('orphan', 'b-crash'),
      {
        type: 'CheckOutBasket',
        data: {
          basketId: 'b-crash',
          orderId: ORDER_ID,
          terms: { shipping: checkoutInput.shipping, payment: checkoutInput.payment, discount: TRY(3_048), paymentDueBy: '2026-11-21T10:30:00.000+03:00' },
          at: '2026-11-21T10:00:00.000+03:00',
        },
      },
      scenarioContext('orphan', 'checkout-basket-only'),
    );
    assert.equal((await manager.load('orphan', ORDER_ID)).state.status, 'none');

    const subscriber = new CheckoutSubscriber(f.store, f.handler, manager);
    await subscriber.catchUp();
    assert.equal((await manager.load('stopped', ORDER_ID)).state.status, 'awaiting-payment');
    assert.equal((await manager.load('orphan', ORDER_ID)).state.status, 'awaiting-payment');
    assert.deepEqual(
      subscriber.waiting.map((w) => [w.tenantId, w.orderId]).sort(),
      [
        ['orphan', ORDER_ID],
        ['stopped', ORDER_ID],
      ],
    );
  });

  it('delivering every event again changes nothing (at least once, deduplicated)', async () => {
    const before = [...(await snapshot(f.store, 'stopped')), ...(await snapshot(f.store, 'orphan'))];
    await new CheckoutSubscriber(f.store, f.handler, manager).catchUp();
    await new CheckoutSubscriber(f.store, f.handler, manager).catchUp();
    assert.deepEqual([...(await snapshot(f.store, 'stopped')), ...(await snapshot(f.store, 'orphan'))], before);
  });

  it('expires the unpaid orders that are due, and only those', async () => {
    const subscriber = new CheckoutSubscriber(f.store, f.handler, manager);
    await subscriber.catchUp();
    assert.deepEqual(await subscriber.expireDue('2026-11-21T10:29:59.000+03:00'), []);
    assert.deepEqual(await subscriber.expireDue('2026-11-21T10:30:00.000+03:00'), [ORDER_ID, ORDER_ID]);
    for (const tenantId of ['stopped', 'orphan']) {
      const process = await manager.load(tenantId, ORDER_ID);
      assert.deepEqual([process.state.status, process.state.failure?.code], ['compensated', 'reservation-expired']);
      const stock = await f.store.readStream(commerce.stockStream(tenantId, 'KETTLE', 'ist'));
      assert.equal(stock.at(-1)?.type, 'StockReleased');
      const wallet = await f.store.readStream(commerce.walletStream(tenantId, 'alice'));
      assert.equal(wallet.at(-1)?.type, 'WalletRefunded');
    }
  });

  it('a pass that fails (a lost connection) is reported and tried again: the process manager keeps running', async () => {
    const noOp = { handle: () => Promise.resolve() } as unknown as CheckoutProcessManager;
    const probe = new CheckoutSubscriber(f.store, f.handler, noOp);
    await probe.catchUp();
    const head = formatPosition(probe.checkpoint);
    let calls = 0;
    const flaky = {
      handle: () => (++calls === 1 ? Promise.reject(new Error('Connection terminated unexpectedly')) : Promise.resolve()),
    } as unknown as CheckoutProcessManager;
    const errors: unknown[] = [];
    const subscriber = new CheckoutSubscriber(f.store, f.handler, flaky, { retryMinMs: 10, onError: (error) => errors.push(error) });
    const running = subscriber.run(200);
    for (let waited = 0; formatPosition(subscriber.checkpoint) !== head && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    subscriber.stop();
    await running;
    assert.equal(formatPosition(subscriber.checkpoint), head, 'caught up after the failed pass');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['Connection terminated unexpectedly']);
  });
});
