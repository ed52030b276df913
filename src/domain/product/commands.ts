import type { DomainCommand, Money } from '../shared/index.js';

/**
 * Registers a new product in the catalogue.
 * `sku`: the product's stream id; `name`, `category`: non-empty after trim;
 * `price`: unit price in minor units, `minor` > 0.
 */
export type RegisterProduct = DomainCommand<
  'RegisterProduct',
  { readonly sku: string; readonly name: string; readonly category: string; readonly price: Money }
>;

/** Changes a registered product's unit price; `price.minor` > 0, same currency as the registered price. */
export type ChangeProductPrice = DomainCommand<'ChangeProductPrice', { readonly sku: string; readonly price: Money }>;

/** Every command the product decider accepts. */
export type ProductCommand = RegisterProduct | ChangeProductPrice;
