import { DomainError, type Money } from '../shared/index.js';

/** Every error code the order decider throws. */
export const orderErrorCodes = [
  'order-already-placed',
  'order-not-found',
  'order-has-no-lines',
  'invalid-quantity',
  'invalid-price',
  'invalid-amount',
  'currency-mismatch',
  'amount-out-of-range',
  'order-not-payable',
  'payment-amount-mismatch',
  'order-not-shippable',
  'order-not-deliverable',
  'order-not-cancellable',
  'invalid-reason',
] as const;

/** One of `orderErrorCodes`. */
export type OrderErrorCode = (typeof orderErrorCodes)[number];

/** 409 `order-already-placed`: the order stream already holds an order. */
export function orderAlreadyPlaced(orderId: string): DomainError {
  return new DomainError('order-already-placed', `order ${orderId} is already placed`, 'conflict', { orderId });
}

/** 409 `order-not-found`: no order has been placed under the id. */
export function orderNotFound(orderId: string): DomainError {
  return new DomainError('order-not-found', `order ${orderId} does not exist`, 'conflict', { orderId });
}

/** 422 `order-has-no-lines`: an order needs at least one line. */
export function orderHasNoLines(orderId: string): DomainError {
  return new DomainError('order-has-no-lines', `order ${orderId} has no lines`, 'unprocessable', { orderId });
}

/** 422 `invalid-quantity`: a line quantity is not a positive safe integer. */
export function invalidQuantity(sku: string, quantity: number): DomainError {
  return new DomainError('invalid-quantity', `quantity of ${sku} must be a positive integer`, 'unprocessable', {
    sku,
    quantity,
  });
}

/** 422 `invalid-price`: a unit price is not > 0, or shipping not ≥ 0, in integer minor units of an ISO 4217 currency. */
export function invalidPrice(field: string, price: Money): DomainError {
  return new DomainError('invalid-price', `${field} is not a valid amount`, 'unprocessable', { field, price });
}

/** 422 `invalid-amount`: a payment amount is not a positive integer of minor units. */
export function invalidAmount(reference: string, amount: Money): DomainError {
  return new DomainError('invalid-amount', `payment ${reference} must be positive`, 'unprocessable', {
    reference,
    amount,
  });
}

/** 422 `currency-mismatch`: an amount is not in the order currency (the first line's price currency). */
export function currencyMismatch(field: string, expected: string, actual: string): DomainError {
  return new DomainError('currency-mismatch', `${field} must be in ${expected}, got ${actual}`, 'unprocessable', {
    field,
    expected,
    actual,
  });
}

/** 422 `amount-out-of-range`: a line total or the order total exceeds the safe-integer range of minor units. */
export function amountOutOfRange(orderId: string): DomainError {
  return new DomainError('amount-out-of-range', `order ${orderId} amounts are too large`, 'unprocessable', { orderId });
}

/** 409 `order-not-payable`: only a pending order can have its payment confirmed. */
export function orderNotPayable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-payable', `order ${orderId} is ${status}, not pending`, 'conflict', {
    orderId,
    status,
  });
}

/** 422 `payment-amount-mismatch`: the payments do not sum to the order total (details: expected, actual as Money). */
export function paymentAmountMismatch(orderId: string, expected: Money, actual: Money): DomainError {
  return new DomainError(
    'payment-amount-mismatch',
    `payments for order ${orderId} sum to ${actual.minor}, expected ${expected.minor}`,
    'unprocessable',
    { orderId, expected, actual },
  );
}

/** 409 `order-not-shippable`: only a confirmed order can ship. */
export function orderNotShippable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-shippable', `order ${orderId} is ${status}, not confirmed`, 'conflict', {
    orderId,
    status,
  });
}

/** 409 `order-not-deliverable`: only a shipped order can be delivered. */
export function orderNotDeliverable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-deliverable', `order ${orderId} is ${status}, not shipped`, 'conflict', {
    orderId,
    status,
  });
}

/** 409 `order-not-cancellable`: shipped, delivered or cancelled orders cannot be cancelled. */
export function orderNotCancellable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-cancellable', `order ${orderId} is ${status}`, 'conflict', { orderId, status });
}

/** 422 `invalid-reason`: a cancellation reason must be non-empty after trim. */
export function invalidReason(orderId: string): DomainError {
  return new DomainError('invalid-reason', 'cancellation reason must not be empty', 'unprocessable', { orderId });
}
