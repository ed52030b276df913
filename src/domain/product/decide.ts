import type { Money } from '../shared/index.js';
import type { ChangeProductPrice, ProductCommand, RegisterProduct } from './commands.js';
import { currencyMismatch, invalidPrice, invalidProduct, productAlreadyRegistered, productNotFound } from './errors.js';
import type { ProductEvent } from './events.js';
import type { ProductState } from './state.js';

/**
 * The events a product command causes in `state`.
 * Payload checks run before state checks, so a malformed command is a 422 whatever the state.
 * @throws DomainError `invalid-price`, `invalid-product`, `currency-mismatch` (422);
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
  if (category === '') throw invalidProduct('category');
  if (state.status !== 'none') throw productAlreadyRegistered(data.sku);
  return [{ type: 'ProductRegistered', data: { sku: data.sku, name, category, price: data.price } }];
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
