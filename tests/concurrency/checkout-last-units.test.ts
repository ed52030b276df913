import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { CheckoutProcessManager } from '../../src/application/process-managers/checkout/index.js';
import { orderDecider } from '../../src/domain/order/index.js';
import { DomainError } from '../../src/domain/shared/index.js';
import { availableStock, stockDecider, type StockEvent } from '../../src/domain/stock/index.js';
import { createConcurrencyFixture, outcomes, type ConcurrencyFixture } from './support.js';

/*
 * 500 concurrent checkouts for the last 50 units of a SKU: exactly 50 succeed, and on hand
 * (and available = on hand − reserved) is never below 0 — checked at every event of the
 * stock stream, then after shipping the 50 orders.
 */

const BUYERS = 500;
const INSTANCES = 10;
const UNITS = 50;
const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('concurrency: 500 checkouts for the last 50 units', { timeout: 120_000 }, () => {
  let f: ConcurrencyFixture;
  before(async () => {
    f = await createConcurrencyFixture();
    await commerce.registerProduct(f.handler, f.context(), { sku: 'LAST', name: 'Last units', category: 'hot', price: TRY(1_000) });
    await commerce.receiveStock(f.handler, f.context(), { sku: 'LAST', warehouseId: 'ist', quantity: 80, reference: 'po-1' });
    // 30 units sold earlier: 50 are left.
    await commerce.adjustStock(f.handler, f.context(), { sku: 'LAST', warehouseId: 'ist', quantity: -30, reason: 'sold in store', reference: 'pos' });
    await f.limited(
      25,
      Array.from({ length: BUYERS }, (_, i) => async () => {
        await commerce.openBasket(f.handler, f.context(), { basketId: `b-${i}`, customerId: `c-${i}`, currency: 'TRY' });
        await commerce.addItem(f.handler, f.context(), { basketId: `b-${i}`, sku: 'LAST', quantity: 1, warehouseId: 'ist' });
      }),
    );
  });
  after(() => f.close());

  it('exactly 50 succeed; the rest fail with insufficient-stock and are compensated', async () => {
    // Ten process managers, as ten app instances would have: each queues its own commands per
    // stream, so the stock stream sees up to ten writers racing, decided by the store's
    // expected-revision check (and retried), never by a shared lock.
    const managers = Array.from({ length: INSTANCES }, () => new CheckoutProcessManager(f.handler));
    const started = Date.now();
    const settled = await Promise.allSettled(
      Array.from({ length: BUYERS }, (_, i) =>
        commerce.checkout(
          f.handler,
          f.context(),
          { basketId: `b-${i}`, orderId: `o-${i}`, shipping: TRY(0), payment: { external: { method: 'card', reference: `psp-${i}`, captured: true } } },
          { manager: managers[i % INSTANCES]!, maxWaitMs: 100_000 },
        ),
      ),
    );
    const { ok, errors } = outcomes(settled);
    console.log(`500 checkouts in ${Date.now() - started} ms: ${ok.length} confirmed, ${errors.length} refused`);
    assert.equal(ok.length, UNITS);
    assert.ok(ok.every((r) => r.confirmed));
    assert.ok(
      errors.every((e) => e instanceof DomainError && e.code === 'insufficient-stock'),
      `unexpected errors: ${errors.filter((e) => !(e instanceof DomainError && e.code === 'insufficient-stock')).map(String).slice(0, 3).join('; ')}`,
    );

    const statuses = await f.limited(25, Array.from({ length: BUYERS }, (_, i) => async () => (await f.handler.load(orderDecider, commerce.orderStream('acme', `o-${i}`))).state.status));
    assert.equal(statuses.filter((s) => s === 'confirmed').length, UNITS);
    assert.equal(statuses.filter((s) => s === 'cancelled').length, BUYERS - UNITS);
  });

  it('on hand and available are never below 0, at any event of the stock stream', async () => {
    const events = await f.store.readStream(commerce.stockStream('acme', 'LAST', 'ist'));
    let state = stockDecider.initialState;
    for (const recorded of events) {
      state = stockDecider.evolve(state, { type: recorded.type, data: recorded.data } as unknown as StockEvent);
      assert.ok(state.onHand >= 0 && availableStock(state) >= 0, `at revision ${recorded.revision}: ${state.onHand} on hand, ${availableStock(state)} available`);
    }
    assert.deepEqual([state.onHand, state.reserved, availableStock(state)], [UNITS, UNITS, 0]);
    assert.equal(events.filter((e) => e.type === 'StockReserved').length, UNITS);
  });

  it('shipping the 50 orders takes on hand to exactly 0', async () => {
    for (let i = 0; i < BUYERS; i++) {
      const { state } = await f.handler.load(orderDecider, commerce.orderStream('acme', `o-${i}`));
      if (state.status === 'confirmed') await commerce.shipOrder(f.handler, f.context(), { orderId: `o-${i}` });
    }
    const { state } = await f.handler.load(stockDecider, commerce.stockStream('acme', 'LAST', 'ist'));
    assert.deepEqual([state.onHand, state.reserved], [0, 0]);
  });
});
