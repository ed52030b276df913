import type { Money } from '../shared/index.js';
import { categoryPath } from './category.js';
import type { ChangeProductPrice, ProductCommand, RegisterProduct } from './commands.js';
import { currencyMismatch, invalidPrice, invalidProduct, invalidTaxRate, productAlreadyRegistered, productNotFound } from './errors.js';
import type { ProductEvent } from './events.js';
import type { ProductState } from './state.js';

/**
 * The events a product command causes in `state`.
 * Payload checks run before state checks, so a malformed command is a 422 whatever the state.
 * A category needs at least one segment (`categoryPath`): `''` or ` > ` is `invalid-product` (field `category`).
 * KDV rates (Law No. 3065 art. 28, Presidential Decree No. 7346 of 2023): 1, 10, 20 %; 0 outside KDV.
 * @throws DomainError `invalid-price`, `invalid-product`, `currency-mismatch`, `invalid-tax-rate` (422);
 *   `product-already-registered`, `product-not-found` (409)
 */
export function decideProduct(command: ProductCommand, state: ProductState): readonly ProductEvent[] {
  switch (command.type) {
    case 'RegisterProduct':
      return register(command, state);
    case 'ChangeProductPrice':
      return changePrice(command, state);
  }
}

function register({ data }: RegisterProduct, state: ProductState): readonly ProductEvent[] {
  assertValidPrice(data.price);
  const name = data.name.trim();
  const category = data.category.trim();
  if (name === '') throw invalidProduct('name');
  if (categoryPath(category) === '') throw invalidProduct('category');
  if (data.taxRate !== undefined && ![0, 1, 10, 20].includes(data.taxRate)) throw invalidTaxRate(data.taxRate);
  if (state.status !== 'none') throw productAlreadyRegistered(data.sku);
  const taxRate = data.taxRate === undefined ? {} : { taxRate: data.taxRate };
  return [{ type: 'ProductRegistered', data: { sku: data.sku, name, category, price: data.price, ...taxRate } }];
}

function changePrice({ data }: ChangeProductPrice, state: ProductState): readonly ProductEvent[] {
  assertValidPrice(data.price);
  if (state.status !== 'registered') throw productNotFound(data.sku);
  const previousPrice = state.price;
  if (data.price.currency !== previousPrice.currency) throw currencyMismatch(previousPrice.currency, data.price.currency);
  if (data.price.minor === previousPrice.minor) return [];
  return [{ type: 'ProductPriceChanged', data: { sku: data.sku, previousPrice, price: data.price } }];
}

/** A price is a positive safe integer of minor units in a three-capital currency. */
function assertValidPrice(price: Money): void {
  if (!Number.isSafeInteger(price.minor) || price.minor <= 0 || !/^[A-Z]{3}$/.test(price.currency)) {
    throw invalidPrice(price);
  }
}
