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

/** 409 `basket-not-open`: the basket is checked out and can no longer change. */
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
