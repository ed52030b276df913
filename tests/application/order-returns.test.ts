import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandContext } from '../../src/application/command-context.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import * as commerce from '../../src/application/commerce/index.js';
import type { Decider, DomainCommand, DomainEvent } from '../../src/domain/shared/index.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';

/*
 * A return or refund is never left half-done: the process dies between the order's append and
 * the next step (stock back on hand, wallet part back to the wallet); the same return or refund
 * sent again (a new command id) does what is left, once.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const T0 = '2026-11-21T10:00:00.000+03:00';

/** A handler whose process "dies" (an Error) the first time it is asked to run a command of type `type`. */
class CrashingOnce extends CommandHandler {
  private crashed = false;
  constructor(
    store: CommandHandler['store'],
    private readonly type: string,
  ) {
    super(store);
  }
  override handle<C extends DomainCommand, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext) {
    if (command.type === this.type && !this.crashed) {
      this.crashed = true;
      return Promise.reject(new Error(`process died before ${this.type}`));
    }
    return super.handle(decider, streamId, command, context);
  }
}

describe('returns and refunds interrupted between their steps', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(() => f.database.drop());

  const onHand = async (sku: string) => (await f.handler.load(stockDecider, commerce.stockStream('acme', sku, 'main'))).state.onHand;
  const balance = async (customerId: string) => {
    const { state } = await f.handler.load(walletDecider, commerce.walletStream('acme', customerId));
    return state.status === 'open' ? state.balance : undefined;
  };
  const orderTypes = async (orderId: string) => (await f.store.readStream(commerce.orderStream('acme', orderId))).map((e) => e.type);
  /** Two units at 5,000: 6,000 from the wallet (left at 0), 4,000 by card; delivered. Stock left: 2 of 4. */
  const delivered = async (sku: string, customerId: string, orderId: string) => {
    await f.stockedProduct(sku, 5_000, 4);
    await f.basketFor(customerId, `b-${orderId}`, 6_000, [{ sku, quantity: 2 }]);
    const payment = { wallet: TRY(6_000), external: { method: 'card' as const, reference: `psp-${orderId}`, captured: true } };
    await commerce.checkout(f.handler, f.context(T0), { basketId: `b-${orderId}`, orderId, shipping: TRY(0), payment });
    await commerce.shipOrder(f.handler, f.context(), { orderId });
    await commerce.deliverOrder(f.handler, f.context(), { orderId });
  };

  for (const step of ['ReturnStock', 'RefundToWallet']) {
    it(`a return whose process died before ${step}: sent again, its unit goes back on hand and its 5,000 to the wallet, once`, async () => {
      const sku = `RS-${step}`;
      const customer = `c-${step}`;
      const orderId = `o-${step}`;
      await delivered(sku, customer, orderId);
      const ret = { orderId, returnId: 'ret-1', items: [{ sku, quantity: 1 }], reason: 'wrong size' };
      await assert.rejects(commerce.returnOrderItems(new CrashingOnce(f.store, step), f.context(), ret), /process died/);
      assert.deepEqual((await orderTypes(orderId)).slice(-2), ['OrderItemsReturned', 'OrderRefunded'], 'the return is recorded with its refund');

      const first = await commerce.returnOrderItems(f.handler, f.context(), ret);
      assert.deepEqual([await onHand(sku), await balance(customer)], [3, 5_000]);
      const again = await commerce.returnOrderItems(f.handler, f.context(), ret);
      assert.deepEqual([await onHand(sku), await balance(customer)], [3, 5_000], 'nothing twice');
      assert.deepEqual([again.revision, again.position], [first.revision, first.position]);
    });
  }

  it('a refund whose process died before its wallet part: sent again, the wallet gets it, once', async () => {
    await delivered('RF-1', 'c-rf', 'o-rf');
    const refund = { orderId: 'o-rf', refundId: 'late', amount: TRY(2_000), reason: 'late delivery' };
    await assert.rejects(commerce.refundOrder(new CrashingOnce(f.store, 'RefundToWallet'), f.context(), refund), /process died/);
    assert.equal(await balance('c-rf'), 0);
    await commerce.refundOrder(f.handler, f.context(), refund);
    await commerce.refundOrder(f.handler, f.context(), refund);
    assert.equal(await balance('c-rf'), 2_000);
  });
});
