import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderPayment, type PlaceOrder, type PlaceOrderLine } from '../../src/domain/order/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * Cancelling an order gives back the card (external) payment it captured, in the order's own
 * stream, exactly once and never more than was captured; a cancelled order is refundable by an
 * admin up to what was captured and not refunded yet. The wallet part goes back through the
 * checkout process (refund-wallet), never in these refunds.
 */

const orderId = 'o1';
const TRY = (minor: number): Money => money(minor, 'TRY');
const lamp: PlaceOrderLine = { sku: 'LAMP', name: 'Lamp', category: 'home', warehouseId: 'IST', unitPrice: TRY(47_500), quantity: 1 };
const DUE = '2026-11-21T10:30:00.000+03:00';

const placedWith = (payment: PlaceOrder['data']['payment']): OrderEvent => {
  const [event] = orderDecider.decide(
    { type: 'PlaceOrder', data: { orderId, customerId: 'alice', basketId: 'b1', lines: [lamp], shipping: TRY(0), paymentDueBy: DUE, ...(payment ? { payment } : {}) } },
    fold(orderDecider, []),
  );
  if (event?.type !== 'OrderPlaced') throw new Error('not placed');
  return event;
};
const wallet = (minor: number): OrderPayment => ({ method: 'wallet', amount: TRY(minor), reference: 'wallet:alice' });
const card = (minor: number, reference = 'p1'): OrderPayment => ({ method: 'card', amount: TRY(minor), reference });
const confirmed = (...payments: OrderPayment[]): OrderEvent => ({
  type: 'OrderPaymentConfirmed',
  data: { orderId, payments, amount: TRY(payments.reduce((s, p) => s + p.amount.minor, 0)) },
});
const captured = (minor: number, reference = 'p1'): OrderEvent => ({ type: 'OrderPaymentCaptured', data: { orderId, method: 'card', reference, amount: TRY(minor) } });
const declined: OrderEvent = { type: 'OrderPaymentDeclined', data: { orderId, method: 'card', reference: 'p1', amount: TRY(47_500), reason: 'do not honour' } };
const cancelledEvent = (previousStatus: 'pending' | 'confirmed' | 'processing', reason = 'changed mind'): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, reason, previousStatus },
});
const cancel = (reason = 'changed mind'): OrderCommand => ({ type: 'CancelOrder', data: { orderId, reason } });
const refund = (minor: number, refundId = 'adm-1'): OrderCommand => ({ type: 'RefundOrder', data: { orderId, refundId, amount: TRY(minor), reason: 'cancelled' } });
const refunded = (
  minor: number,
  options: { refundId?: string; reason?: string; refundedTotal?: number; toPayments?: OrderPayment[] } = {},
): OrderEvent => ({
  type: 'OrderRefunded',
  data: {
    orderId,
    refundId: options.refundId ?? 'cancellation',
    amount: TRY(minor),
    reason: options.reason ?? 'cancelled: changed mind',
    toWallet: TRY(0),
    toExternal: TRY(minor),
    refundedTotal: TRY(options.refundedTotal ?? minor),
    toPayments: options.toPayments ?? [card(minor)],
  },
});

const cardOnly = placedWith({ method: 'card' }); // total 47 500, all by card
const split = placedWith({ wallet: TRY(22_000), method: 'card' }); // 22 000 wallet + 25 500 card

describe('order: cancelling refunds the captured card payment', () => {
  it('a confirmed order paid by card: the cancellation refunds the card payment, naming method and reference — once (a second cancel is refused)', () => {
    const history = [cardOnly, confirmed(card(47_500))];
    spec(orderDecider).given(history).when(cancel()).then([cancelledEvent('confirmed'), refunded(47_500)]);
    const cancelledOnce = orderDecider.decide(cancel(), fold(orderDecider, history));
    rejects(orderDecider, [...history, ...cancelledOnce], cancel(), 'order-not-cancellable', 'conflict', { status: 'cancelled' });
  });

  it('a split payment: only the card part, never the wallet part (it goes back to the wallet through checkout); paid by the wallet alone: no refund here', () => {
    spec(orderDecider)
      .given([split, confirmed(wallet(22_000), card(25_500))])
      .when(cancel())
      .then([cancelledEvent('confirmed'), refunded(25_500)]);
    const walletOnly = placedWith({ wallet: TRY(47_500) });
    spec(orderDecider).given([walletOnly, confirmed(wallet(47_500))]).when(cancel()).then([cancelledEvent('confirmed')]);
  });

  it('a processing order: the same refund', () => {
    spec(orderDecider)
      .given([cardOnly, confirmed(card(47_500)), { type: 'OrderProcessingStarted', data: { orderId } }])
      .when(cancel())
      .then([cancelledEvent('processing'), refunded(47_500)]);
  });

  it('a pending order: nothing taken while awaiting the card or after a decline; once the provider captured it (not confirmed yet), the capture is refunded', () => {
    spec(orderDecider).given([split]).when(cancel()).then([cancelledEvent('pending')]);
    spec(orderDecider).given([cardOnly, declined]).when(cancel('payment-declined: do not honour')).then([cancelledEvent('pending', 'payment-declined: do not honour')]);
    spec(orderDecider)
      .given([split, captured(25_500, 'psp-9')])
      .when(cancel())
      .then([cancelledEvent('pending'), refunded(25_500, { toPayments: [card(25_500, 'psp-9')] })]);
  });

  it('a card captured before the order was placed (checkout with a captured card) is known from placement and refunded when a later step fails', () => {
    const placed = placedWith({ wallet: TRY(22_000), method: 'card', capturedReference: 'p1' });
    assert.deepEqual(placed.type === 'OrderPlaced' && placed.data.payment, { wallet: TRY(22_000), external: TRY(25_500), method: 'card', capturedReference: 'p1' });
    spec(orderDecider)
      .given([placed])
      .when(cancel('checkout-failed:insufficient-stock'))
      .then([cancelledEvent('pending', 'checkout-failed:insufficient-stock'), refunded(25_500, { reason: 'cancelled: checkout-failed:insufficient-stock' })]);
    const allWallet = placedWith({ wallet: TRY(47_500), method: 'card', capturedReference: 'p1' });
    assert.deepEqual(allWallet.type === 'OrderPlaced' && allWallet.data.payment, { wallet: TRY(47_500), external: TRY(0) }, 'no external part: nothing captured to record');
  });

  it('an order whose card was captured does not expire; one awaiting its card expires without a refund', () => {
    const expire: OrderCommand = { type: 'ExpireUnpaidOrder', data: { orderId, now: '2026-11-21T11:00:00.000+03:00' } };
    spec(orderDecider).given([placedWith({ method: 'card', capturedReference: 'p1' })]).when(expire).then([]);
    spec(orderDecider).given([cardOnly]).when(expire).then([cancelledEvent('pending', 'reservation-expired')]);
  });

});

describe('order: a capture reported after the cancellation', () => {
  const result = (outcome: 'captured' | 'declined', reference = 'p1'): OrderCommand => ({
    type: 'RecordPaymentResult',
    data: { orderId, method: 'card', reference, amount: TRY(47_500), outcome, ...(outcome === 'declined' ? { reason: 'late decline' } : {}) },
  });
  const expired = [cardOnly, cancelledEvent('pending', 'reservation-expired')];

  it('is recorded and refunded at once (the money was taken after the order expired)', () => {
    spec(orderDecider)
      .given(expired)
      .when(result('captured'))
      .then([captured(47_500), refunded(47_500, { refundId: 'capture:p1', reason: 'captured after cancellation' })]);
  });

  it('reported twice: recorded once; another capture is a conflict; a late decline is not payable', () => {
    const late = orderDecider.decide(result('captured'), fold(orderDecider, expired));
    spec(orderDecider).given([...expired, ...late]).when(result('captured')).then([]);
    rejects(orderDecider, [...expired, ...late], result('captured', 'p2'), 'payment-already-captured', 'conflict');
    rejects(orderDecider, expired, result('declined'), 'order-not-payable', 'conflict', { status: 'cancelled' });
  });

  it('a capture already refunded with the cancellation is recorded but not refunded again', () => {
    spec(orderDecider)
      .given([cardOnly, confirmed(card(47_500)), cancelledEvent('confirmed'), refunded(47_500)])
      .when(result('captured'))
      .then([captured(47_500)]);
  });
});

describe('order: an admin refunds a cancelled order', () => {
  // Cancelled before cancellations refunded the card: nothing was given back to it.
  const legacy = [split, confirmed(wallet(22_000), card(25_500)), cancelledEvent('confirmed')];

  it('up to what the card captured and nothing refunded yet, all of it to the card (orders neither delivered, returned nor cancelled stay not refundable)', () => {
    spec(orderDecider)
      .given(legacy)
      .when(refund(25_500))
      .then([refunded(25_500, { refundId: 'adm-1', reason: 'cancelled' })]);
    rejects(orderDecider, [cardOnly, confirmed(card(47_500))], refund(1), 'order-not-refundable', 'conflict', { status: 'confirmed' });
  });

  it('refuses more than the card part (the wallet part went back with the cancellation)', () => {
    rejects(orderDecider, legacy, refund(25_501), 'refund-exceeds-paid', 'conflict', { refundable: TRY(25_500), requested: TRY(25_501) });
  });

  it('in parts, net of earlier refunds; the same refund id twice is a no-op', () => {
    const first = orderDecider.decide(refund(10_000), fold(orderDecider, legacy));
    spec(orderDecider)
      .given([...legacy, ...first])
      .when(refund(15_500, 'adm-2'))
      .then([refunded(15_500, { refundId: 'adm-2', reason: 'cancelled', refundedTotal: 25_500, toPayments: [card(15_500)] })]);
    spec(orderDecider).given([...legacy, ...first]).when(refund(10_000)).then([]);
    rejects(orderDecider, [...legacy, ...first], refund(15_501, 'adm-2'), 'refund-exceeds-paid', 'conflict', { refundable: TRY(15_500) });
  });

  it('nothing is left once the cancellation refunded the card: an over-refund is refused', () => {
    rejects(orderDecider, [cardOnly, confirmed(card(47_500)), cancelledEvent('confirmed'), refunded(47_500)], refund(1), 'refund-exceeds-paid', 'conflict', {
      refundable: TRY(0),
    });
  });

  it('an order cancelled before any capture has nothing to refund', () => {
    rejects(orderDecider, [cardOnly, cancelledEvent('pending', 'reservation-expired')], refund(1), 'refund-exceeds-paid', 'conflict', { refundable: TRY(0) });
  });
});
