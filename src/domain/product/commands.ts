import type { DomainCommand, Money } from '../shared/index.js';

/**
 * Registers a new product in the catalogue.
 * `sku`: the product's stream id; `name`: non-empty after trim; `category`: a path of segments
 * separated by `/` or `>` (`Home > Kitchen`), at least one of them non-empty;
 * `price`: unit price in minor units, `minor` > 0 (KDV included, as Turkish retail prices are);
 * `taxRate`: the product's KDV rate in percent, 0, 1, 10 or 20 (default 20, the general rate).
 */
export type RegisterProduct = DomainCommand<
  'RegisterProduct',
  { readonly sku: string; readonly name: string; readonly category: string; readonly price: Money; readonly taxRate?: number }
>;

/** Changes a registered product's unit price; `price.minor` > 0, same currency as the registered price. */
export type ChangeProductPrice = DomainCommand<'ChangeProductPrice', { readonly sku: string; readonly price: Money }>;

/** Every command the product decider accepts. */
export type ProductCommand = RegisterProduct | ChangeProductPrice;
