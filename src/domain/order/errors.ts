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
  'invalid-tax-rate',
  'invalid-time',
  'invalid-allocation',
  'discount-exceeds-subtotal',
  'payment-exceeds-total',
  'payment-incomplete',
  'payment-method-mismatch',
  'payment-already-captured',
  'order-not-expired',
  'order-not-processable',
  'order-not-returnable',
  'order-not-refundable',
  'item-not-in-order',
  'return-exceeds-ordered',
  'refund-exceeds-paid',
  'empty-return',
  'return-exists',
  'refund-exists',
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

/** 409 `order-not-shippable`: only a confirmed or processing order can ship. */
export function orderNotShippable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-shippable', `order ${orderId} is ${status}, not confirmed or processing`, 'conflict', {
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

/** 409 `order-not-cancellable`: only pending, confirmed or processing orders can be cancelled. */
export function orderNotCancellable(orderId: string, status: string): DomainError {
  return new DomainError('order-not-cancellable', `order ${orderId} is ${status}`, 'conflict', { orderId, status });
}

/** 422 `invalid-reason`: a cancellation, return or refund reason must be non-empty after trim. */
export function invalidReason(orderId: string): DomainError {
  return new DomainError('invalid-reason', 'the reason must not be empty', 'unprocessable', { orderId });
}

/** 409 for an illegal lifecycle transition: `code` from `orderTransitions` (details: orderId, status). */
export function illegalTransition(code: string, orderId: string, status: string): DomainError {
  return new DomainError(code, `order ${orderId} is ${status}: ${code.replace(/^order-/, '').replace(/-/g, ' ')}`, 'conflict', { orderId, status });
}

/** 422 `invalid-tax-rate`: a KDV rate must be 0, 1, 10 or 20 (percent). */
export function invalidTaxRate(sku: string, taxRate: number): DomainError {
  return new DomainError('invalid-tax-rate', `KDV rate of ${sku} must be 0, 1, 10 or 20, got ${taxRate}`, 'unprocessable', { sku, taxRate });
}

/** 422 `invalid-time`: a time is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `invalid-allocation`: allocations must cover each line's quantity exactly, with positive quantities. */
export function invalidAllocation(orderId: string, lineIndex: number): DomainError {
  return new DomainError('invalid-allocation', `allocations of order ${orderId} do not cover line ${lineIndex}`, 'unprocessable', { orderId, lineIndex });
}

/** 422 `discount-exceeds-subtotal`: a discount is at most the subtotal. */
export function discountExceedsSubtotal(orderId: string, subtotal: Money, discount: Money): DomainError {
  return new DomainError('discount-exceeds-subtotal', `discount ${discount.minor} exceeds subtotal ${subtotal.minor}`, 'unprocessable', {
    orderId,
    subtotal,
    discount,
  });
}

/** 422 `payment-exceeds-total`: the wallet part is larger than the order total. */
export function paymentExceedsTotal(total: Money, wallet: Money): DomainError {
  return new DomainError('payment-exceeds-total', 'the wallet part is larger than the order total', 'unprocessable', { total, wallet });
}

/** 422 `payment-incomplete`: the wallet part does not cover the total and no other method is given. */
export function paymentIncomplete(total: Money, wallet: Money | null): DomainError {
  return new DomainError('payment-incomplete', 'the wallet part does not cover the total and no other payment is given', 'unprocessable', {
    total,
    wallet,
  });
}

/** 422 `payment-method-mismatch`: the payment result is for another method than the order's plan. */
export function paymentMethodMismatch(orderId: string, expected: string | null, actual: string): DomainError {
  return new DomainError('payment-method-mismatch', `order ${orderId} is paid by ${String(expected)}, not ${actual}`, 'unprocessable', {
    orderId,
    expected,
    actual,
  });
}

/** 409 `payment-already-captured`: another capture was recorded for this order. */
export function paymentAlreadyCaptured(orderId: string, reference: string): DomainError {
  return new DomainError('payment-already-captured', `order ${orderId} already has payment ${reference} captured`, 'conflict', { orderId, reference });
}

/** 409 `order-not-expired`: the order's payment is not due yet, or it never lapses (details: paymentDueBy). */
export function orderNotExpired(orderId: string, paymentDueBy: string | null): DomainError {
  return new DomainError('order-not-expired', `order ${orderId} is not due (${String(paymentDueBy)})`, 'conflict', { orderId, paymentDueBy });
}

/** 422 `item-not-in-order`: a returned SKU is not in the order. */
export function itemNotInOrder(orderId: string, sku: string): DomainError {
  return new DomainError('item-not-in-order', `order ${orderId} has no ${sku}`, 'unprocessable', { orderId, sku });
}

/** 422 `empty-return`: a return must list at least one item. */
export function emptyReturn(orderId: string): DomainError {
  return new DomainError('empty-return', `a return of order ${orderId} must list items`, 'unprocessable', { orderId });
}

/** 409 `return-exceeds-ordered`: more units returned than ordered, net of earlier returns (details: returnable, requested). */
export function returnExceedsOrdered(orderId: string, sku: string, returnable: number, requested: number): DomainError {
  return new DomainError('return-exceeds-ordered', `order ${orderId} can return ${returnable} of ${sku}, ${requested} requested`, 'conflict', {
    orderId,
    sku,
    returnable,
    requested,
  });
}

/**
 * 409 `refund-exceeds-paid`: refunds would exceed what the order was paid, net of refunds — for a
 * cancelled order, what its external payments captured (details: refundable, requested as Money).
 */
export function refundExceedsPaid(orderId: string, refundable: Money, requested: Money): DomainError {
  return new DomainError('refund-exceeds-paid', `order ${orderId} can refund ${refundable.minor}, ${requested.minor} requested`, 'conflict', {
    orderId,
    refundable,
    requested,
  });
}

/** 409 `return-exists`: return `returnId` was recorded before with other items, reason or restock choice (details: orderId, returnId). */
export function returnExists(orderId: string, returnId: string): DomainError {
  return new DomainError('return-exists', `order ${orderId} already has return ${returnId} with other content`, 'conflict', { orderId, returnId });
}

/** 409 `refund-exists`: refund `refundId` was recorded before with another amount or reason (details: orderId, refundId). */
export function refundExists(orderId: string, refundId: string): DomainError {
  return new DomainError('refund-exists', `order ${orderId} already has refund ${refundId} with other content`, 'conflict', { orderId, refundId });
}
