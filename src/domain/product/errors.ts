import { DomainError, type Money } from '../shared/index.js';

/** Every error code the product decider throws. */
export const productErrorCodes = [
  'product-already-registered',
  'product-not-found',
  'invalid-price',
  'invalid-product',
  'currency-mismatch',
  'invalid-tax-rate',
] as const;

/** One of `productErrorCodes`. */
export type ProductErrorCode = (typeof productErrorCodes)[number];

/** 409 `product-already-registered`: the SKU's stream already holds a product. */
export function productAlreadyRegistered(sku: string): DomainError {
  return new DomainError('product-already-registered', `product ${sku} is already registered`, 'conflict', { sku });
}

/** 409 `product-not-found`: no product is registered under the SKU. */
export function productNotFound(sku: string): DomainError {
  return new DomainError('product-not-found', `product ${sku} is not registered`, 'conflict', { sku });
}

/** 422 `invalid-price`: the price is not a positive integer of minor units in an ISO 4217 currency. */
export function invalidPrice(price: Money): DomainError {
  return new DomainError('invalid-price', 'price must be a positive integer of minor units', 'unprocessable', { price });
}

/** 422 `invalid-product` (details: `field`): the name is empty after trimming, or the category has no segment (empty, or only `/`, `>` and spaces). */
export function invalidProduct(field: 'name' | 'category'): DomainError {
  const message = field === 'category' ? 'product category must have a segment that is not empty (not only / or >)' : 'product name must not be empty';
  return new DomainError('invalid-product', message, 'unprocessable', { field });
}

/** 422 `currency-mismatch`: the new price is not in the registered price's currency. */
export function currencyMismatch(expected: string, actual: string): DomainError {
  return new DomainError('currency-mismatch', `price must be in ${expected}, got ${actual}`, 'unprocessable', {
    expected,
    actual,
  });
}

/** 422 `invalid-tax-rate`: a KDV rate must be 0, 1, 10 or 20 (percent). */
export function invalidTaxRate(taxRate: number): DomainError {
  return new DomainError('invalid-tax-rate', `KDV rate must be 0, 1, 10 or 20, got ${taxRate}`, 'unprocessable', { taxRate });
}
