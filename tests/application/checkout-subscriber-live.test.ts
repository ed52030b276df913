/**
 * The checkout subscriber's `run()` waits for new events instead of polling: a checkout
 * whose request died while the subscriber was idle is finished at once (its fallback
 * re-check is a minute away), and `stop()` ends the wait at once. Deadlines are generous
 * (10 s against a 60 s fallback): they fail only if the subscriber merely polls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { comparePositions } from '../../src/application/ports/event-store.js';
import { CheckoutProcessManager, CheckoutSubscriber } from '../../src/application/process-managers/checkout/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { checkoutInput, ORDER_ID, scenarioContext, setUpScenario } from './fixtures/checkout-scenario.js';

const FALLBACK_MS = 60_000;
const DEADLINE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean | Promise<boolean>, ms = DEADLINE_MS): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/** Resolves `'done'` when `promise` settles within `ms`, else `'timeout'`. */
async function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([promise.then(() => 'done' as const), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  clearTimeout(timer);
  return outcome;
}

describe('checkout subscriber run()', { timeout: 120_000 }, () => {
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

  /** Whether the subscriber has handled everything in `$all` now. */
  async function caughtUp(subscriber: CheckoutSubscriber): Promise<boolean> {
    const last = (await f.store.readAll({ maxCount: 100_000 })).at(-1);
    return !last || comparePositions(subscriber.checkpoint, last.position) >= 0;
  }

  it('given an idle subscriber, when a checkout request dies half-way, then the subscriber finishes its process long before the fallback re-check', async () => {
    await setUpScenario(f.handler, 'live');
    const subscriber = new CheckoutSubscriber(f.store, f.handler, manager);
    const running = subscriber.run(FALLBACK_MS);
    try {
      assert.ok(await waitUntil(() => caughtUp(subscriber)), 'caught up with the history');
      await sleep(200); // let it go idle

      // The request's own manager dies before sending anything: only the subscriber can go on.
      const dying = new CheckoutProcessManager(f.handler, {
        hooks: {
          beforeSend: () => {
            throw new Error('the request died');
          },
        },
      });
      await commerce.checkout(f.handler, scenarioContext('live', 'checkout'), checkoutInput, { manager: dying }).catch(() => undefined);

      const finished = await waitUntil(async () => (await manager.load('live', ORDER_ID)).state.status === 'awaiting-payment');
      assert.ok(finished, `the process is ${(await manager.load('live', ORDER_ID)).state.status} after ${DEADLINE_MS} ms`);
      // The subscriber learns the order waits for payment when it reads the event its own drive appended.
      await waitUntil(() => subscriber.waiting.length > 0);
      assert.deepEqual(
        subscriber.waiting.map((w) => [w.tenantId, w.orderId]),
        [['live', ORDER_ID]],
      );
    } finally {
      subscriber.stop();
      await running;
    }
  });

  it('given a subscriber waiting for events, when it is stopped, then run() returns at once', async () => {
    const subscriber = new CheckoutSubscriber(f.store, f.handler, manager);
    const running = subscriber.run(FALLBACK_MS);
    assert.ok(await waitUntil(() => caughtUp(subscriber)));
    await sleep(200); // let it go idle
    subscriber.stop();
    assert.equal(await within(running, DEADLINE_MS), 'done', 'run() waited for the fallback re-check');
  });
});
