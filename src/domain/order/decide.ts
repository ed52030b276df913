import { InvalidMoneyError, instantOf, isInstant, money, sum, type DomainError, type Money } from '../shared/index.js';
import type {
  CancelOrder,
  ConfirmOrderPayment,
  DeliverOrder,
  ExpireUnpaidOrder,
  OrderAllocation,
  OrderCommand,
  OrderPayment,
  PlaceOrder,
  PlaceOrderLine,
  RecordPaymentResult,
  RefundOrder,
  ReturnOrderItems,
  ShipOrder,
  StartOrderProcessing,
} from './commands.js';
import {
  amountOutOfRange,
  currencyMismatch,
  discountExceedsSubtotal,
  emptyReturn,
  illegalTransition,
  invalidAllocation,
  invalidAmount,
  invalidPrice,
  invalidQuantity,
  invalidReason,
  invalidTaxRate,
  invalidTime,
  itemNotInOrder,
  orderAlreadyPlaced,
  orderHasNoLines,
  orderNotCancellable,
  orderNotDeliverable,
  orderNotExpired,
  orderNotFound,
  orderNotPayable,
  orderNotShippable,
  paymentAlreadyCaptured,
  paymentAmountMismatch,
  paymentExceedsTotal,
  paymentIncomplete,
  paymentMethodMismatch,
  refundExceedsPaid,
  refundExists,
  returnExceedsOrdered,
  returnExists,
} from './errors.js';
import type { OrderEvent, OrderPaymentPlan, OrderRefunded } from './events.js';
import {
  allocationsOf,
  evolveOrder,
  externalPayments,
  externalRefundable,
  recordedRefund,
  recordedReturn,
  refundedToExternal,
  returnRefundId,
  returnedUnits,
  totalPaid,
  walletPaid,
  type OrderState,
  type PlacedOrderState,
} from './state.js';
import { KDV_RATES, PRICES_INCLUDE_KDV, paidForUnits, priceOrder } from './tax.js';
import { orderTransitions } from './transitions.js';

const CURRENCY = /^[A-Z]{3}$/;

/** The historical named errors of the transition table (same codes, messages and details as before). */
const TRANSITION_ERRORS: Readonly<Record<string, (orderId: string, status: string) => DomainError>> = {
  'order-not-payable': orderNotPayable,
  'order-not-shippable': orderNotShippable,
  'order-not-deliverable': orderNotDeliverable,
  'order-not-cancellable': orderNotCancellable,
};

/**
 * The events an order command causes in `state`. Payload checks (422) run before state checks (409),
 * except those that need the order (payment currency and sum).
 *
 * Rules (each has a given/when/then test in tests/domain/order*.test.ts):
 * - Lifecycle by `orderTransitions`: an illegal transition is its named 409 error.
 * - Totals: lineTotal = unitPrice × quantity; subtotal = Σ lineTotal; total = subtotal − discount
 *   + tax + shipping; KDV per line at 1/10/20 % (0: outside KDV) on the discounted line price,
 *   included in prices by default (see `priceOrder`, `tax.ts` for sources).
 * - Payment plan: the wallet part is at most the total; any rest needs an external method
 *   (card, bank transfer, boleto); wallet + card is a split payment.
 * - Card/bank-transfer results arrive as `RecordPaymentResult` (captured must equal the external
 *   part, by the planned method), or with `PlaceOrder` (`payment.capturedReference`: captured
 *   before placement); confirmation needs payments summing to the total.
 * - An unpaid (pending, not captured) order whose `paymentDueBy` has passed is cancelled by
 *   `ExpireUnpaidOrder` with reason `reservation-expired`; for other statuses it is a no-op.
 * - Cancelling (`CancelOrder`; `ExpireUnpaidOrder` never finds a capture) refunds in the same append
 *   every external payment the order took (`externalPayments`: confirmed, or captured while
 *   pending; never a declined one, never the wallet part, which the checkout process gives back):
 *   `OrderRefunded` `cancellation` naming each payment's method, reference and amount. A capture
 *   reported after the cancellation is recorded and refunded the same way (`capture:<reference>`).
 * - Returns after delivery: at most the units ordered, net of earlier returns; each item's amount is
 *   its paid price pro rata; all units back → `returned`. A return is refunded in the same append
 *   (`OrderRefunded` `return:<returnId>`): its amount capped at what is left to refund (paid −
 *   refunded so far, e.g. after a goodwill refund), nothing when that is 0; `refunded` records it.
 *   Refunds after delivery: at most what was paid net of refunds, to the wallet first (up to its
 *   part), then the external method. Refunds of a cancelled order (manual corrections): at most
 *   its external payments net of refunds, all to them.
 * - Ids: a return or refund id repeated with the same content (units per SKU, reason, restock;
 *   amount, reason) is a no-op (a return recorded before refunds were appended with it gets its
 *   missing refund); with other content it is refused (`return-exists`, `refund-exists`).
 * @throws DomainError `order-has-no-lines`, `invalid-quantity`, `invalid-price`, `invalid-amount`,
 *   `currency-mismatch`, `amount-out-of-range`, `payment-amount-mismatch`, `invalid-reason`,
 *   `invalid-tax-rate`, `invalid-time`, `invalid-allocation`, `discount-exceeds-subtotal`,
 *   `payment-exceeds-total`, `payment-incomplete`, `payment-method-mismatch`, `item-not-in-order`,
 *   `empty-return` (422); `order-already-placed`, `order-not-found`, the transition errors,
 *   `payment-already-captured`, `order-not-expired`, `return-exceeds-ordered`, `refund-exceeds-paid`,
 *   `return-exists`, `refund-exists` (409)
 */
export function decideOrder(command: OrderCommand, state: OrderState): readonly OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return place(command, state);
    case 'ConfirmOrderPayment':
      return confirmPayment(command, state);
    case 'RecordPaymentResult':
      return recordPaymentResult(command, state);
    case 'ExpireUnpaidOrder':
      return expire(command, state);
    case 'StartOrderProcessing':
      return startProcessing(command, state);
    case 'ShipOrder':
      return ship(command, state);
    case 'DeliverOrder':
      return deliver(command, state);
    case 'CancelOrder':
      return cancel(command, state);
    case 'ReturnOrderItems':
      return returnItems(command, state);
    case 'RefundOrder':
      return refund(command, state);
  }
}

function place({ data }: PlaceOrder, state: OrderState): readonly OrderEvent[] {
  const first = data.lines[0];
  if (!first) throw orderHasNoLines(data.orderId);
  const currency = first.unitPrice.currency;
  data.lines.forEach((line) => assertValidLine(line, currency));
  assertValidShipping(data.shipping, currency);
  const discount = data.discount ?? money(0, currency);
  assertNonNegative('discount', discount, currency);
  if (data.paymentDueBy !== undefined && !isInstant(data.paymentDueBy)) throw invalidTime('paymentDueBy', data.paymentDueBy);
  if (data.payment?.wallet) assertNonNegative('payment.wallet', data.payment.wallet, currency);
  const allocations = allocationsOf(
    data.lines.map((l) => ({ ...l, lineTotal: l.unitPrice })),
    data.allocations,
  );
  assertAllocations(data.orderId, data.lines, allocations);
  if (state.status !== 'none') throw orderAlreadyPlaced(data.orderId);
  const pricesIncludeTax = data.pricesIncludeTax ?? PRICES_INCLUDE_KDV;
  const priced = outOfRangeAs(data.orderId, () => priceOrder(data.lines, data.shipping, discount, pricesIncludeTax));
  if (discount.minor > priced.subtotal.minor) throw discountExceedsSubtotal(data.orderId, priced.subtotal, discount);
  const payment = data.payment === undefined ? undefined : plan(data.payment, priced.total);
  const { orderId, customerId, basketId, shipping } = data;
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        basketId,
        lines: priced.lines,
        subtotal: priced.subtotal,
        shipping,
        total: priced.total,
        discount: priced.discount,
        tax: priced.tax,
        includedTax: priced.includedTax,
        pricesIncludeTax,
        ...(data.couponCode === undefined ? {} : { couponCode: data.couponCode }),
        allocations,
        ...(data.paymentDueBy === undefined ? {} : { paymentDueBy: data.paymentDueBy }),
        ...(payment === undefined ? {} : { payment }),
      },
    },
  ];
}

/**
 * The payment plan of `total`: the external part keeps its method and, when captured before
 * placement, the provider's reference (nothing of either when the wallet covers the total).
 * @throws payment-exceeds-total, payment-incomplete
 */
function plan(input: NonNullable<PlaceOrder['data']['payment']>, total: Money): OrderPaymentPlan {
  const wallet = input.wallet ?? money(0, total.currency);
  if (wallet.minor > total.minor) throw paymentExceedsTotal(total, wallet);
  const external = money(total.minor - wallet.minor, total.currency);
  if (external.minor > 0 && input.method === undefined) throw paymentIncomplete(total, input.wallet ?? null);
  if (input.method === undefined || external.minor === 0) return { wallet, external };
  const captured = input.capturedReference?.trim() ?? '';
  return { wallet, external, method: input.method, ...(captured === '' ? {} : { capturedReference: captured }) };
}

function confirmPayment({ data }: ConfirmOrderPayment, state: OrderState): readonly OrderEvent[] {
  data.payments.forEach((payment) => assertPositiveAmount(payment));
  const order = requirePlaced(state, data.orderId);
  assertTransition('ConfirmOrderPayment', order);
  const currency = order.total.currency;
  data.payments.forEach((p) => {
    if (p.amount.currency !== currency) throw currencyMismatch('payment', currency, p.amount.currency);
  });
  const amount = checkedSum(data.payments.map((p) => p.amount), currency, order.orderId);
  if (amount.minor !== order.total.minor) throw paymentAmountMismatch(order.orderId, order.total, amount);
  const payments = data.payments.map(({ method, amount: paid, reference }) => ({ method, amount: paid, reference }));
  return [{ type: 'OrderPaymentConfirmed', data: { orderId: order.orderId, payments, amount } }];
}

function recordPaymentResult({ data }: RecordPaymentResult, state: OrderState): readonly OrderEvent[] {
  assertPositiveAmount({ method: data.method, amount: data.amount, reference: data.reference });
  const reason = data.reason?.trim() ?? '';
  if (data.outcome === 'declined' && reason === '') throw invalidReason(data.orderId);
  const order = requirePlaced(state, data.orderId);
  if (order.captured && order.captured.reference === data.reference && data.outcome === 'captured') return [];
  // A capture that arrives after the order was cancelled (expired unpaid, cancelled by the
  // customer): the money was taken, so it is recorded and owed back at once.
  const late = order.status === 'cancelled' && data.outcome === 'captured';
  if (!late) assertTransition('RecordPaymentResult', order);
  const currency = order.total.currency;
  if (data.amount.currency !== currency) throw currencyMismatch('amount', currency, data.amount.currency);
  const planned = order.paymentPlan;
  if (planned) {
    if (planned.method !== data.method) throw paymentMethodMismatch(order.orderId, planned.method ?? null, data.method);
    if (planned.external.minor !== data.amount.minor) throw paymentAmountMismatch(order.orderId, planned.external, data.amount);
  }
  // The order is paid once a capture is recorded: a decline reported after it (the same
  // payment reported twice with two outcomes, or another attempt) must not cancel a paid
  // order; the provider's own refund is how a captured payment is given back.
  if (order.captured) throw paymentAlreadyCaptured(order.orderId, order.captured.reference);
  const { orderId, method, reference, amount } = data;
  if (data.outcome === 'declined') return [{ type: 'OrderPaymentDeclined', data: { orderId, method, reference, amount, reason } }];
  const captured: OrderEvent = { type: 'OrderPaymentCaptured', data: { orderId, method, reference, amount } };
  if (!late) return [captured];
  return [captured, ...refundCancelled(evolveOrder(order, captured) as PlacedOrderState, `capture:${reference}`, 'captured after cancellation')];
}

function expire({ data }: ExpireUnpaidOrder, state: OrderState): readonly OrderEvent[] {
  const now = instantOf(data.now);
  if (now === undefined) throw invalidTime('now', data.now);
  const order = requirePlaced(state, data.orderId);
  if (order.status !== 'pending' || order.captured) return [];
  const due = order.paymentDueBy === undefined ? undefined : instantOf(order.paymentDueBy);
  if (due === undefined || now < due) throw orderNotExpired(order.orderId, order.paymentDueBy ?? null);
  return [{ type: 'OrderCancelled', data: { orderId: order.orderId, reason: 'reservation-expired', previousStatus: 'pending' } }];
}

function startProcessing({ data }: StartOrderProcessing, state: OrderState): readonly OrderEvent[] {
  const order = requirePlaced(state, data.orderId);
  assertTransition('StartOrderProcessing', order);
  return [{ type: 'OrderProcessingStarted', data: { orderId: order.orderId } }];
}

function ship({ data }: ShipOrder, state: OrderState): readonly OrderEvent[] {
  const order = requirePlaced(state, data.orderId);
  assertTransition('ShipOrder', order);
  return [
    {
      type: 'OrderShipped',
      data: {
        orderId: order.orderId,
        ...(data.carrier === undefined ? {} : { carrier: data.carrier }),
        ...(data.trackingNumber === undefined ? {} : { trackingNumber: data.trackingNumber }),
      },
    },
  ];
}

function deliver({ data }: DeliverOrder, state: OrderState): readonly OrderEvent[] {
  const order = requirePlaced(state, data.orderId);
  assertTransition('DeliverOrder', order);
  return [{ type: 'OrderDelivered', data: { orderId: order.orderId } }];
}

function cancel({ data }: CancelOrder, state: OrderState): readonly OrderEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason(data.orderId);
  const order = requirePlaced(state, data.orderId);
  assertTransition('CancelOrder', order);
  const previousStatus = order.status as 'pending' | 'confirmed' | 'processing';
  const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: order.orderId, reason, previousStatus } };
  return [cancelled, ...refundCancelled(evolveOrder(order, cancelled) as PlacedOrderState, 'cancellation', `cancelled: ${reason}`)];
}

/**
 * The refund of a cancelled order's external payments not refunded yet (none when nothing is
 * due): all of it back to the payments it came from (`toPayments`), nothing to the wallet.
 */
function refundCancelled(order: PlacedOrderState, refundId: string, reason: string): OrderRefunded[] {
  const due = externalRefundable(order);
  if (due <= 0) return [];
  return [refundedEvent(order, refundId, money(due, order.total.currency), reason, 0)];
}

/**
 * `OrderRefunded` for `amount` with `toWallet` minor units to the wallet; a cancelled order's
 * refund names the external payments it goes back to, first payment first, net of earlier refunds.
 */
function refundedEvent(order: PlacedOrderState, refundId: string, amount: Money, reason: string, toWallet: number): OrderRefunded {
  const currency = order.total.currency;
  const toExternal = amount.minor - toWallet;
  return {
    type: 'OrderRefunded',
    data: {
      orderId: order.orderId,
      refundId,
      amount,
      reason,
      toWallet: money(toWallet, currency),
      toExternal: money(toExternal, currency),
      refundedTotal: money(order.refundedTotal + amount.minor, currency),
      ...(order.status === 'cancelled' ? { toPayments: paymentsRefunded(order, toExternal) } : {}),
    },
  };
}

/** Which external payments `amount` minor units go back to: first payment first, after what earlier refunds gave back. */
function paymentsRefunded(order: PlacedOrderState, amount: number): OrderPayment[] {
  let earlier = refundedToExternal(order);
  let left = amount;
  const out: OrderPayment[] = [];
  for (const payment of externalPayments(order)) {
    const already = Math.min(payment.amount.minor, Math.max(0, earlier));
    earlier -= already;
    const back = Math.min(payment.amount.minor - already, left);
    if (back <= 0) continue;
    out.push({ method: payment.method, reference: payment.reference, amount: money(back, order.total.currency) });
    left -= back;
  }
  return out;
}

function returnItems({ data }: ReturnOrderItems, state: OrderState): readonly OrderEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason(data.orderId);
  if (data.items.length === 0) throw emptyReturn(data.orderId);
  data.items.forEach((item) => {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) throw invalidQuantity(item.sku, item.quantity);
  });
  const order = requirePlaced(state, data.orderId);
  const requested = new Map<string, number>();
  for (const item of data.items) requested.set(item.sku, (requested.get(item.sku) ?? 0) + item.quantity);
  const restock = data.restock ?? true;
  const earlier = recordedReturn(order, data.returnId);
  if (earlier) {
    const units = Object.entries(earlier.units);
    const same = earlier.reason === reason && (earlier.restock ?? restock) === restock && units.length === requested.size && units.every(([sku, n]) => requested.get(sku) === n);
    if (!same) throw returnExists(order.orderId, data.returnId);
    // A return recorded before its refund was appended with it: a repeat appends the refund it may lack.
    const lacksRefund = earlier.refunded === undefined && !recordedRefund(order, returnRefundId(data.returnId));
    return lacksRefund ? returnRefund(order, data.returnId, earlier.amount, reason) : [];
  }
  assertTransition('ReturnOrderItems', order);
  const currency = order.total.currency;
  const items = [...requested].map(([sku, quantity]) => {
    const line = order.lines.find((l) => l.sku === sku);
    if (!line) throw itemNotInOrder(order.orderId, sku);
    const before = returnedUnits(order, sku);
    if (before + quantity > line.quantity) throw returnExceedsOrdered(order.orderId, sku, line.quantity - before, quantity);
    const amount = paidForUnits(line, before + quantity, order.pricesIncludeTax) - paidForUnits(line, before, order.pricesIncludeTax);
    return { sku, quantity, amount: money(amount, currency) };
  });
  const fullyReturned = order.lines.every((l) => returnedUnits(order, l.sku) + (requested.get(l.sku) ?? 0) >= l.quantity);
  const amount = money(items.reduce((s, i) => s + i.amount.minor, 0), currency);
  const refunded = money(Math.min(amount.minor, refundableAfterDelivery(order)), currency);
  const returned: OrderEvent = {
    type: 'OrderItemsReturned',
    data: { orderId: order.orderId, returnId: data.returnId, items, amount, reason, fullyReturned, refunded, restock },
  };
  return [returned, ...returnRefund(evolveOrder(order, returned) as PlacedOrderState, data.returnId, amount.minor, reason)];
}

/** Minor units a delivered or returned order has left to refund: paid − refunded so far (≥ 0). */
function refundableAfterDelivery(order: PlacedOrderState): number {
  return Math.max(0, totalPaid(order) - order.refundedTotal);
}

/**
 * The refund of return `returnId` (`return:<returnId>`): `due` minor units capped at what the
 * order has left to refund; none when that is 0.
 */
function returnRefund(order: PlacedOrderState, returnId: string, due: number, reason: string): OrderRefunded[] {
  const amount = Math.min(due, refundableAfterDelivery(order));
  if (amount <= 0) return [];
  return [deliveredRefund(order, returnRefundId(returnId), money(amount, order.total.currency), `return: ${reason}`)];
}

/** A refund after delivery: to the wallet first, up to what the wallet paid net of its refunds, then to the external method. */
function deliveredRefund(order: PlacedOrderState, refundId: string, amount: Money, reason: string): OrderRefunded {
  const toWallet = Math.min(amount.minor, walletPaid(order) - order.refundedToWallet);
  return refundedEvent(order, refundId, amount, reason, toWallet);
}

function refund({ data }: RefundOrder, state: OrderState): readonly OrderEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason(data.orderId);
  if (!isWellFormed(data.amount) || data.amount.minor <= 0) throw invalidAmount(data.refundId, data.amount);
  const order = requirePlaced(state, data.orderId);
  const earlier = recordedRefund(order, data.refundId);
  if (earlier) {
    const same = earlier.amount.minor === data.amount.minor && earlier.amount.currency === data.amount.currency && earlier.reason === reason;
    if (same) return [];
    throw refundExists(order.orderId, data.refundId);
  }
  assertTransition('RefundOrder', order);
  const currency = order.total.currency;
  if (data.amount.currency !== currency) throw currencyMismatch('amount', currency, data.amount.currency);
  // A cancelled order's wallet part went back with the cancellation: only its external payments remain.
  const cancelled = order.status === 'cancelled';
  const refundable = cancelled ? externalRefundable(order) : refundableAfterDelivery(order);
  if (data.amount.minor > refundable) throw refundExceedsPaid(order.orderId, money(refundable, currency), data.amount);
  return [cancelled ? refundedEvent(order, data.refundId, data.amount, reason, 0) : deliveredRefund(order, data.refundId, data.amount, reason)];
}

/** @throws the transition's named error when the order's status does not allow the command */
function assertTransition(type: keyof typeof orderTransitions, order: PlacedOrderState): void {
  const transition = orderTransitions[type];
  if (transition.from.includes(order.status)) return;
  const named = TRANSITION_ERRORS[transition.error];
  throw named ? named(order.orderId, order.status) : illegalTransition(transition.error, order.orderId, order.status);
}

/** Every line's allocations are positive and add up to its quantity, and name its SKU. */
function assertAllocations(orderId: string, lines: readonly PlaceOrderLine[], allocations: readonly OrderAllocation[]): void {
  lines.forEach((line, i) => {
    const mine = allocations.filter((a) => a.lineIndex === i);
    const total = mine.reduce((s, a) => s + a.quantity, 0);
    if (total !== line.quantity || mine.some((a) => a.sku !== line.sku || !Number.isSafeInteger(a.quantity) || a.quantity <= 0)) {
      throw invalidAllocation(orderId, i);
    }
  });
  if (allocations.some((a) => a.lineIndex < 0 || a.lineIndex >= lines.length)) throw invalidAllocation(orderId, -1);
}

function checkedSum(amounts: readonly Money[], currency: string, orderId: string): Money {
  return outOfRangeAs(orderId, () => sum(amounts, currency));
}

/** Runs money arithmetic, turning a safe-integer overflow into `amount-out-of-range`. */
function outOfRangeAs<T>(orderId: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InvalidMoneyError) throw amountOutOfRange(orderId);
    throw error;
  }
}

function requirePlaced(state: OrderState, orderId: string): PlacedOrderState {
  if (state.status === 'none') throw orderNotFound(orderId);
  return state;
}

function assertValidLine(line: PlaceOrderLine, currency: string): void {
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw invalidQuantity(line.sku, line.quantity);
  if (!isWellFormed(line.unitPrice) || line.unitPrice.minor <= 0) throw invalidPrice(`unit price of ${line.sku}`, line.unitPrice);
  if (line.unitPrice.currency !== currency) throw currencyMismatch(`unit price of ${line.sku}`, currency, line.unitPrice.currency);
  if (line.taxRate !== undefined && !KDV_RATES.includes(line.taxRate)) throw invalidTaxRate(line.sku, line.taxRate);
}

function assertValidShipping(shipping: Money, currency: string): void {
  assertNonNegative('shipping', shipping, currency);
}

function assertNonNegative(field: string, amount: Money, currency: string): void {
  if (!isWellFormed(amount) || amount.minor < 0) throw invalidPrice(field, amount);
  if (amount.currency !== currency) throw currencyMismatch(field, currency, amount.currency);
}

function assertPositiveAmount(payment: OrderPayment): void {
  if (!isWellFormed(payment.amount) || payment.amount.minor <= 0) throw invalidAmount(payment.reference, payment.amount);
}

function isWellFormed(amount: Money): boolean {
  return Number.isSafeInteger(amount.minor) && CURRENCY.test(amount.currency);
}
