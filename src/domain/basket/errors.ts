import { DomainError, type Money } from '../shared/index.js';

/** Every error code the basket decider throws. */
export const basketErrorCodes = [
  'basket-already-opened',
  'basket-not-found',
  'basket-not-open',
  'invalid-currency',
  'invalid-quantity',
  'invalid-price',
  'currency-mismatch',
  'item-not-in-basket',
  'empty-basket',
  'amount-out-of-range',
  'invalid-time',
  'invalid-tax-rate',
  'invalid-coupon',
  'invalid-idle-time',
  'invalid-reason',
  'coupon-not-applied',
  'basket-has-no-customer',
  'not-a-guest-basket',
  'basket-not-claimed',
  'basket-not-idle',
] as const;

/** One of `basketErrorCodes`. */
export type BasketErrorCode = (typeof basketErrorCodes)[number];

/** 409 `basket-already-opened`: the basket stream was opened before. */
export function basketAlreadyOpened(basketId: string): DomainError {
  return new DomainError('basket-already-opened', `basket ${basketId} is already opened`, 'conflict', { basketId });
}

/** 409 `basket-not-found`: the basket has not been opened. */
export function basketNotFound(basketId: string): DomainError {
  return new DomainError('basket-not-found', `basket ${basketId} does not exist`, 'conflict', { basketId });
}

/** 409 `basket-not-open`: the basket is checked out, abandoned or merged and can no longer change. */
export function basketNotOpen(basketId: string, status: string): DomainError {
  return new DomainError('basket-not-open', `basket ${basketId} is ${status}`, 'conflict', { basketId, status });
}

/** 422 `invalid-currency`: the basket currency is not three capital letters (ISO 4217 shape). */
export function invalidCurrency(currency: string): DomainError {
  return new DomainError('invalid-currency', `currency must be an ISO 4217 code, got ${currency}`, 'unprocessable', {
    currency,
  });
}

/** 422 `invalid-quantity`: the quantity is not a positive safe integer (or the merged quantity overflows). */
export function invalidQuantity(quantity: number): DomainError {
  return new DomainError('invalid-quantity', `quantity must be a positive integer, got ${quantity}`, 'unprocessable', {
    quantity,
  });
}

/** 422 `invalid-price`: the unit price is not a positive integer of minor units in an ISO 4217 currency. */
export function invalidPrice(unitPrice: Money): DomainError {
  return new DomainError('invalid-price', 'unit price must be a positive integer of minor units', 'unprocessable', {
    unitPrice,
  });
}

/** 422 `currency-mismatch`: the unit price is not in the basket currency. */
export function currencyMismatch(expected: string, actual: string): DomainError {
  return new DomainError('currency-mismatch', `price must be in ${expected}, got ${actual}`, 'unprocessable', {
    expected,
    actual,
  });
}

/** 409 `item-not-in-basket`: the basket has no line for the SKU. */
export function itemNotInBasket(basketId: string, sku: string): DomainError {
  return new DomainError('item-not-in-basket', `basket ${basketId} has no ${sku}`, 'conflict', { basketId, sku });
}

/** 409 `empty-basket`: a basket without lines cannot be checked out. */
export function emptyBasket(basketId: string): DomainError {
  return new DomainError('empty-basket', `basket ${basketId} is empty`, 'conflict', { basketId });
}

/** 422 `amount-out-of-range`: the subtotal would exceed the safe-integer range of minor units. */
export function amountOutOfRange(basketId: string): DomainError {
  return new DomainError('amount-out-of-range', `basket ${basketId} total is too large`, 'unprocessable', { basketId });
}

/** 422 `invalid-time`: a time is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `invalid-tax-rate`: a KDV rate must be 0, 1, 10 or 20 (percent). */
export function invalidTaxRate(sku: string, taxRate: number): DomainError {
  return new DomainError('invalid-tax-rate', `KDV rate of ${sku} must be 0, 1, 10 or 20, got ${taxRate}`, 'unprocessable', { sku, taxRate });
}

/** 422 `invalid-coupon`: a coupon code must be non-empty. */
export function invalidCoupon(): DomainError {
  return new DomainError('invalid-coupon', 'a coupon code must not be empty', 'unprocessable', {});
}

/** 422 `invalid-idle-time`: the idle time after which a basket is abandoned must be a positive whole number of minutes. */
export function invalidIdleTime(idleMinutes: number): DomainError {
  return new DomainError('invalid-idle-time', `idle time must be a positive whole number of minutes, got ${idleMinutes}`, 'unprocessable', {
    idleMinutes,
  });
}

/** 422 `invalid-reason`: a reason must be non-empty after trim. */
export function invalidReason(): DomainError {
  return new DomainError('invalid-reason', 'a reason must not be empty', 'unprocessable', {});
}

/** 409 `coupon-not-applied`: the basket has no coupon to remove. */
export function couponNotApplied(basketId: string): DomainError {
  return new DomainError('coupon-not-applied', `basket ${basketId} has no coupon`, 'conflict', { basketId });
}

/** 409 `basket-has-no-customer`: a guest basket must be assigned to a customer (login) before checkout. */
export function basketHasNoCustomer(basketId: string): DomainError {
  return new DomainError('basket-has-no-customer', `basket ${basketId} belongs to a guest; log in to check out`, 'conflict', { basketId });
}

/** 409 `not-a-guest-basket`: only a guest basket can be assigned or merged into a customer's basket. */
export function notAGuestBasket(basketId: string): DomainError {
  return new DomainError('not-a-guest-basket', `basket ${basketId} already belongs to a customer`, 'conflict', { basketId });
}

/**
 * 409 `basket-not-claimed`: guest basket `basketId` is not claimed for a merge into `intoBasketId`
 * (not claimed, or released because that basket refused its lines), so it cannot be marked merged
 * there, nor its lines copied there (details: basketId, intoBasketId, status).
 */
export function basketNotClaimed(basketId: string, intoBasketId: string, status: string): DomainError {
  return new DomainError('basket-not-claimed', `basket ${basketId} is not claimed for a merge into ${intoBasketId} (it is ${status})`, 'conflict', {
    basketId,
    intoBasketId,
    status,
  });
}

/** 409 `basket-not-idle`: the basket was active less than the idle time ago (details: lastActivityAt, idleMinutes). */
export function basketNotIdle(basketId: string, lastActivityAt: string, idleMinutes: number): DomainError {
  return new DomainError('basket-not-idle', `basket ${basketId} was active at ${lastActivityAt}`, 'conflict', { basketId, lastActivityAt, idleMinutes });
}
