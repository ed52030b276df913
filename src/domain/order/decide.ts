import { add, InvalidMoneyError, multiply, sum, type Money } from '../shared/index.js';
import type {
  CancelOrder,
  ConfirmOrderPayment,
  DeliverOrder,
  OrderCommand,
  OrderPayment,
  PlaceOrder,
  PlaceOrderLine,
  ShipOrder,
} from './commands.js';
import {
  amountOutOfRange,
  currencyMismatch,
  invalidAmount,
  invalidPrice,
  invalidQuantity,
  invalidReason,
  orderAlreadyPlaced,
  orderHasNoLines,
  orderNotCancellable,
  orderNotDeliverable,
  orderNotFound,
  orderNotPayable,
  orderNotShippable,
  paymentAmountMismatch,
} from './errors.js';
import type { OrderEvent, OrderLine } from './events.js';
import type { OrderState, PlacedOrderState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events an order command causes in `state`. Payload checks (422) run before state checks (409),
 * except those that need the order (payment currency and sum).
 * Lifecycle: pending → confirmed → shipped → delivered; pending|confirmed → cancelled.
 * @throws DomainError `order-has-no-lines`, `invalid-quantity`, `invalid-price`, `invalid-amount`,
 *   `currency-mismatch`, `amount-out-of-range`, `payment-amount-mismatch`, `invalid-reason` (422);
 *   `order-already-placed`, `order-not-found`, `order-not-payable`, `order-not-shippable`,
 *   `order-not-deliverable`, `order-not-cancellable` (409)
 */
export function decideOrder(command: OrderCommand, state: OrderState): readonly OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return place(command, state);
    case 'ConfirmOrderPayment':
      return confirmPayment(command, state);
    case 'ShipOrder':
      return ship(command, state);
    case 'DeliverOrder':
      return deliver(command, state);
    case 'CancelOrder':
      return cancel(command, state);
  }
}

function place({ data }: PlaceOrder, state: OrderState): readonly OrderEvent[] {
  const first = data.lines[0];
  if (!first) throw orderHasNoLines(data.orderId);
  const currency = first.unitPrice.currency;
  data.lines.forEach((line) => assertValidLine(line, currency));
  assertValidShipping(data.shipping, currency);
  if (state.status !== 'none') throw orderAlreadyPlaced(data.orderId);
  const { orderId, customerId, basketId, shipping } = data;
  const { lines, subtotal, total } = priced(data.lines, shipping, currency, orderId);
  return [{ type: 'OrderPlaced', data: { orderId, customerId, basketId, lines, subtotal, shipping, total } }];
}

function confirmPayment({ data }: ConfirmOrderPayment, state: OrderState): readonly OrderEvent[] {
  data.payments.forEach((payment) => assertPositiveAmount(payment));
  const order = requirePlaced(state, data.orderId);
  if (order.status !== 'pending') throw orderNotPayable(order.orderId, order.status);
  const currency = order.total.currency;
  data.payments.forEach((p) => {
    if (p.amount.currency !== currency) throw currencyMismatch('payment', currency, p.amount.currency);
  });
  const amount = checkedSum(data.payments.map((p) => p.amount), currency, order.orderId);
  if (amount.minor !== order.total.minor) throw paymentAmountMismatch(order.orderId, order.total, amount);
  const payments = data.payments.map(({ method, amount: paid, reference }) => ({ method, amount: paid, reference }));
  return [{ type: 'OrderPaymentConfirmed', data: { orderId: order.orderId, payments, amount } }];
}

function ship({ data }: ShipOrder, state: OrderState): readonly OrderEvent[] {
  const order = requirePlaced(state, data.orderId);
  if (order.status !== 'confirmed') throw orderNotShippable(order.orderId, order.status);
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
  if (order.status !== 'shipped') throw orderNotDeliverable(order.orderId, order.status);
  return [{ type: 'OrderDelivered', data: { orderId: order.orderId } }];
}

function cancel({ data }: CancelOrder, state: OrderState): readonly OrderEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason(data.orderId);
  const order = requirePlaced(state, data.orderId);
  const previousStatus = order.status;
  if (previousStatus !== 'pending' && previousStatus !== 'confirmed') {
    throw orderNotCancellable(order.orderId, previousStatus);
  }
  return [{ type: 'OrderCancelled', data: { orderId: order.orderId, reason, previousStatus } }];
}

/** Lines with their totals, subtotal and total. @throws amount-out-of-range */
function priced(input: readonly PlaceOrderLine[], shipping: Money, currency: string, orderId: string) {
  return outOfRangeAs(orderId, () => {
    const lines: OrderLine[] = input.map(({ sku, name, category, warehouseId, unitPrice, quantity }) => ({
      sku,
      name,
      category,
      warehouseId,
      unitPrice,
      quantity,
      lineTotal: multiply(unitPrice, quantity),
    }));
    const subtotal = sum(
      lines.map((line) => line.lineTotal),
      currency,
    );
    return { lines, subtotal, total: add(subtotal, shipping) };
  });
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
}

function assertValidShipping(shipping: Money, currency: string): void {
  if (!isWellFormed(shipping) || shipping.minor < 0) throw invalidPrice('shipping', shipping);
  if (shipping.currency !== currency) throw currencyMismatch('shipping', currency, shipping.currency);
}

function assertPositiveAmount(payment: OrderPayment): void {
  if (!isWellFormed(payment.amount) || payment.amount.minor <= 0) throw invalidAmount(payment.reference, payment.amount);
}

function isWellFormed(amount: Money): boolean {
  return Number.isSafeInteger(amount.minor) && CURRENCY.test(amount.currency);
}
