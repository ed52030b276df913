import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkoutProcessDecider,
  nextCheckoutStep,
  type CheckoutFailure,
  type CheckoutProcessEvent,
  type CheckoutStarted,
} from '../../src/application/process-managers/checkout/index.js';
import { fold, money } from '../../src/domain/shared/index.js';
import { spec } from '../support/decider-spec.js';

/* The checkout process manager's own decider: pure given/when/then over its stream. */

const orderId = 'o-1';
const TRY = (minor: number) => money(minor, 'TRY');
const trigger = { actor: 'user:alice', correlationId: 'req-1', at: '2026-11-21T10:00:00.000+03:00' };
const startedData = (over: Partial<CheckoutStarted['data']> = {}): CheckoutStarted['data'] => ({
  orderId,
  basketId: 'b-1',
  customerId: 'alice',
  currency: 'TRY',
  lines: [{ sku: 'PEN', name: 'Pen', category: 'office', warehouseId: 'IST', unitPrice: TRY(1_000), quantity: 2, taxRate: 20 }],
  subtotal: TRY(2_000),
  couponCode: 'YAZ',
  terms: { shipping: TRY(0), payment: { wallet: TRY(500), external: { method: 'card', reference: 'psp-1', captured: false } }, paymentDueBy: '2026-11-21T10:30:00.000+03:00' },
  source: 'basket-acme:b-1@3',
  trigger,
  ...over,
});
const started: CheckoutProcessEvent = { type: 'CheckoutStarted', data: startedData() };
const allocations = [{ lineIndex: 0, sku: 'PEN', warehouseId: 'IST', quantity: 2 }];
const placed: CheckoutProcessEvent = { type: 'CheckoutOrderPlaced', data: { orderId, allocations, total: TRY(1_700), wallet: TRY(500), external: TRY(1_200) } };
const reserved: CheckoutProcessEvent = { type: 'CheckoutStockReserved', data: { orderId, index: 0 } };
const redeemed: CheckoutProcessEvent = { type: 'CheckoutCouponRedeemed', data: { orderId, code: 'YAZ' } };
const debited: CheckoutProcessEvent = { type: 'CheckoutWalletDebited', data: { orderId, amount: TRY(500) } };
const awaiting: CheckoutProcessEvent = {
  type: 'CheckoutAwaitingPayment',
  data: { orderId, method: 'card', amount: TRY(1_200), paymentDueBy: '2026-11-21T10:30:00.000+03:00' },
};
const failure: CheckoutFailure = {
  step: 'reserve-stock',
  code: 'insufficient-stock',
  message: 'only 1',
  kind: 'conflict',
  details: { available: 1 },
  reason: 'checkout-failed:insufficient-stock',
  reopenBasket: true,
};
const next = (history: CheckoutProcessEvent[]) => nextCheckoutStep(fold(checkoutProcessDecider, history));

describe('checkout process: forward steps', () => {
  it('starts once', () => {
    spec(checkoutProcessDecider).given([]).when({ type: 'StartCheckoutProcess', data: startedData() }).then([started]);
    spec(checkoutProcessDecider).given([started]).when({ type: 'StartCheckoutProcess', data: startedData() }).then([]);
  });

  it('runs place (lines allocated) → reserve line by line → coupon → wallet → wait for the card → confirm', () => {
    assert.deepEqual(next([started]), { name: 'place-order' });
    assert.deepEqual(next([started, placed]), { name: 'reserve-stock', index: 0 });
    assert.deepEqual(next([started, placed, reserved]), { name: 'redeem-coupon' });
    assert.deepEqual(next([started, placed, reserved, redeemed]), { name: 'debit-wallet' });
    assert.deepEqual(next([started, placed, reserved, redeemed, debited]), { name: 'await-payment' });
    assert.equal(next([started, placed, reserved, redeemed, debited, awaiting]), undefined, 'waits for the provider');
  });

  it('a card captured up front is confirmed without waiting', () => {
    const upFront: CheckoutProcessEvent = {
      type: 'CheckoutStarted',
      data: startedData({ couponCode: undefined, terms: { shipping: TRY(0), payment: { external: { method: 'card', reference: 'p', captured: true } } } }),
    };
    const placedCard: CheckoutProcessEvent = { type: 'CheckoutOrderPlaced', data: { orderId, allocations, total: TRY(2_000), wallet: TRY(0), external: TRY(2_000) } };
    assert.deepEqual(next([upFront, placedCard, reserved]), { name: 'confirm-order' });
  });

  it('records a step outcome only when it is the next step (a concurrent runner recorded it otherwise)', () => {
    spec(checkoutProcessDecider)
      .given([started, placed])
      .when({ type: 'RecordCheckoutStep', data: { step: { name: 'reserve-stock', index: 0 }, outcome: { kind: 'done' } } })
      .then([reserved]);
    spec(checkoutProcessDecider)
      .given([started, placed, reserved])
      .when({ type: 'RecordCheckoutStep', data: { step: { name: 'reserve-stock', index: 0 }, outcome: { kind: 'done' } } })
      .then([]);
  });

  it('the captured payment (observed once per event id) leads to confirmation', () => {
    const history = [started, placed, reserved, redeemed, debited, awaiting];
    const observe = {
      type: 'ObserveOrderEvent' as const,
      data: { source: 'order-acme:o-1@1', trigger, event: { type: 'OrderPaymentCaptured' as const, method: 'card' as const, reference: 'psp-1', amount: TRY(1_200) } },
    };
    const captured: CheckoutProcessEvent = {
      type: 'CheckoutPaymentCaptured',
      data: { orderId, method: 'card', reference: 'psp-1', amount: TRY(1_200), source: 'order-acme:o-1@1', trigger },
    };
    spec(checkoutProcessDecider).given(history).when(observe).then([captured]);
    spec(checkoutProcessDecider).given([...history, captured]).when(observe).then([]);
    assert.deepEqual(next([...history, captured]), { name: 'confirm-order' });
  });
});

describe('checkout process: compensation', () => {
  const failed: CheckoutProcessEvent = { type: 'CheckoutFailed', data: { orderId, failure, orderCancelled: false } };
  const done = (step: 'cancel-order' | 'release-stock' | 'release-coupon' | 'refund-wallet' | 'reopen-basket', index?: number): CheckoutProcessEvent => ({
    type: 'CheckoutCompensationStepDone',
    data: { orderId, step, ...(index === undefined ? {} : { index }) },
  });

  it('a failed step records the failure', () => {
    spec(checkoutProcessDecider)
      .given([started, placed])
      .when({ type: 'RecordCheckoutStep', data: { step: { name: 'reserve-stock', index: 0 }, outcome: { kind: 'failed', failure } } })
      .then([failed]);
  });

  it('undoes what was done, in order: cancel order, release reservations, release coupon, refund wallet, reopen basket', () => {
    const history = [started, placed, reserved, redeemed, debited, failed];
    assert.deepEqual(next(history), { name: 'cancel-order' });
    assert.deepEqual(next([...history, done('cancel-order')]), { name: 'release-stock', index: 0 });
    assert.deepEqual(next([...history, done('cancel-order'), done('release-stock', 0)]), { name: 'release-coupon' });
    assert.deepEqual(next([...history, done('cancel-order'), done('release-stock', 0), done('release-coupon')]), { name: 'refund-wallet' });
    assert.deepEqual(next([...history, done('cancel-order'), done('release-stock', 0), done('release-coupon'), done('refund-wallet')]), { name: 'reopen-basket' });
    assert.deepEqual(
      next([...history, done('cancel-order'), done('release-stock', 0), done('release-coupon'), done('refund-wallet'), done('reopen-basket')]),
      { name: 'finish-compensation' },
    );
  });

  it('undoes only what was done', () => {
    assert.deepEqual(next([started, placed, failed]), { name: 'cancel-order' });
    assert.deepEqual(next([started, placed, failed, done('cancel-order')]), { name: 'reopen-basket' });
    assert.deepEqual(next([started, failed]), { name: 'reopen-basket' }, 'no order placed: nothing to cancel');
  });

  it('an order cancelled by someone else (customer, expiry) compensates without cancelling again or reopening the basket', () => {
    const history = [started, placed, reserved, redeemed, debited, awaiting];
    const observe = {
      type: 'ObserveOrderEvent' as const,
      data: { source: 'order-acme:o-1@2', trigger, event: { type: 'OrderCancelled' as const, reason: 'reservation-expired' } },
    };
    const events = checkoutProcessDecider.decide(observe, fold(checkoutProcessDecider, history));
    assert.equal(events[0]?.type, 'CheckoutFailed');
    const after = [...history, ...events];
    assert.deepEqual(next(after), { name: 'release-stock', index: 0 });
    const state = fold(checkoutProcessDecider, after);
    assert.deepEqual([state.failure?.code, state.failure?.reopenBasket, state.orderCancelled], ['reservation-expired', false, true]);
  });

  it('a declined payment fails the checkout and reopens the basket', () => {
    const history = [started, placed, reserved, redeemed, debited, awaiting];
    const events = checkoutProcessDecider.decide(
      { type: 'ObserveOrderEvent', data: { source: 'order-acme:o-1@1', trigger, event: { type: 'OrderPaymentDeclined', reason: 'stolen card' } } },
      fold(checkoutProcessDecider, history),
    );
    const state = fold(checkoutProcessDecider, [...history, ...events]);
    assert.deepEqual([state.failure?.code, state.failure?.reason, state.failure?.reopenBasket], ['payment-declined', 'payment-declined: stolen card', true]);
    assert.deepEqual(next([...history, ...events]), { name: 'cancel-order' });
  });

  it('is over once compensated', () => {
    const over: CheckoutProcessEvent = { type: 'CheckoutCompensated', data: { orderId, reason: failure.reason } };
    assert.equal(next([started, failed, done('reopen-basket'), over]), undefined);
  });
});
