/**
 * Unpaid orders placed before a restart still expire: the checkout runner resumes its `$all`
 * subscriber from its saved checkpoint, past the `CheckoutAwaitingPayment` events, and must
 * still know those orders wait for payment. The scenario's payment is due by
 * 2026-11-21T10:30+03:00, before the wall clock the runner's timer reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import * as commerce from '../../src/application/commerce/index.js';
import { CheckoutProcessManager } from '../../src/application/process-managers/checkout/index.js';
import { orderDecider } from '../../src/domain/order/index.js';
import { startCheckoutRunner, type CheckoutRunner } from '../../src/infrastructure/checkout-runner.js';
import { loadProcessManagerCheckpoint } from '../../src/infrastructure/process-manager-checkpoints.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { CARD_PART, checkoutInput, ORDER_ID, scenarioContext, setUpScenario } from './fixtures/checkout-scenario.js';

/** The checkout runner's row in `process_manager_checkpoints`. */
const CHECKPOINT = 'checkout-process-manager';
const DEADLINE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => Promise<boolean>): Promise<boolean> {
  for (const deadline = Date.now() + DEADLINE_MS; !(await condition()); await sleep(25)) {
    if (Date.now() > deadline) return false;
  }
  return true;
}

describe('unpaid orders placed before a restart', { timeout: 120_000 }, () => {
  let f: CommerceFixture;
  let manager: CheckoutProcessManager;
  before(async () => {
    f = await createCommerceFixture();
    manager = new CheckoutProcessManager(f.handler);
  });
  after(async () => {
    await f.store.close();
    await f.database.drop();
  });

  const start = (expiryEveryMs: number) =>
    startCheckoutRunner({ store: f.store, handler: f.handler, pool: f.database.pool, logger: pino({ level: 'silent' }), businessTimeZone: 'Europe/Istanbul', expiryEveryMs });

  /** Places the scenario's order in each tenant (card to be captured later: awaiting payment). */
  async function awaitingOrders(...tenants: string[]): Promise<void> {
    for (const tenantId of tenants) {
      await setUpScenario(f.handler, tenantId);
      await commerce.checkout(f.handler, scenarioContext(tenantId, 'checkout'), checkoutInput);
      assert.equal((await manager.load(tenantId, ORDER_ID)).state.status, 'awaiting-payment');
    }
  }

  /** A runner whose timer never fires reads the log to its end, saves its checkpoint, and stops. */
  async function runUntilCaughtUpThenStop(): Promise<void> {
    const runner = await start(3_600_000);
    const caughtUp = () => loadProcessManagerCheckpoint(f.database.pool, CHECKPOINT).then(async (after) => (await f.store.readAll({ after, maxCount: 1 })).length === 0);
    try {
      assert.ok(await waitUntil(caughtUp), 'the runner saved a checkpoint at the end of $all');
    } finally {
      await runner.stop();
    }
  }

  const types = async (stream: string) => (await f.store.readStream(stream)).map((e) => e.type);
  const count = async (stream: string, type: string) => (await types(stream)).filter((t) => t === type).length;
  const processOf = async (tenantId: string) => {
    const { state } = await manager.load(tenantId, ORDER_ID);
    return [state.status, state.failure?.code];
  };

  it('given orders awaiting payment when the runner stopped, one paid meanwhile, a runner started after the deadline expires the unpaid one and releases what it held', async () => {
    await awaitingOrders('unpaid', 'paid');
    await runUntilCaughtUpThenStop();
    // Paid while no runner runs: recorded on the order only, the process learns it from $all.
    await f.handler.handle(
      orderDecider,
      commerce.orderStream('paid', ORDER_ID),
      { type: 'RecordPaymentResult', data: { orderId: ORDER_ID, method: 'card', reference: 'psp-crash', amount: CARD_PART, outcome: 'captured' } },
      scenarioContext('paid', 'psp-callback'),
    );

    let runner: CheckoutRunner | undefined = await start(20);
    try {
      const expired = await waitUntil(async () => (await processOf('unpaid'))[0] === 'compensated');
      assert.ok(expired, `the unpaid order's process is ${(await processOf('unpaid')).join(' ')}`);
      assert.ok(await waitUntil(async () => (await processOf('paid'))[0] === 'completed'), 'the paid order is confirmed');
      await sleep(200); // more expiry ticks
      await runner.stop();
      runner = undefined;
    } finally {
      await runner?.stop();
    }

    assert.deepEqual(await processOf('unpaid'), ['compensated', 'reservation-expired']);
    assert.equal((await types(commerce.orderStream('unpaid', ORDER_ID))).at(-1), 'OrderCancelled');
    for (const sku of ['KETTLE', 'BOOK']) assert.equal((await types(commerce.stockStream('unpaid', sku, 'ist'))).at(-1), 'StockReleased');
    assert.equal((await types(commerce.promotionStream('unpaid', 'KIS10'))).at(-1), 'CouponRedemptionReleased');
    assert.equal((await types(commerce.walletStream('unpaid', 'alice'))).at(-1), 'WalletRefunded');

    assert.deepEqual(await processOf('paid'), ['completed', undefined]);
    assert.equal(await count(commerce.orderStream('paid', ORDER_ID), 'OrderCancelled'), 0);
    assert.equal((await types(commerce.stockStream('paid', 'KETTLE', 'ist'))).at(-1), 'StockReserved');
  });

  it('given an order awaiting payment past its deadline, two runners started at once cancel it once and release once', async () => {
    await awaitingOrders('twin');
    await runUntilCaughtUpThenStop();

    const runners = await Promise.all([start(20), start(20)]);
    try {
      assert.ok(await waitUntil(async () => (await processOf('twin'))[0] === 'compensated'), `the process is ${(await processOf('twin')).join(' ')}`);
      await sleep(300); // both timers tick again
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }

    assert.equal(await count(commerce.orderStream('twin', ORDER_ID), 'OrderCancelled'), 1);
    assert.equal(await count(commerce.checkoutStream('twin', ORDER_ID), 'CheckoutFailed'), 1);
    assert.equal(await count(commerce.checkoutStream('twin', ORDER_ID), 'CheckoutCompensated'), 1);
    for (const sku of ['KETTLE', 'BOOK']) assert.equal(await count(commerce.stockStream('twin', sku, 'ist'), 'StockReleased'), 1);
    assert.equal(await count(commerce.promotionStream('twin', 'KIS10'), 'CouponRedemptionReleased'), 1);
    assert.equal(await count(commerce.walletStream('twin', 'alice'), 'WalletRefunded'), 1);
  });
});
