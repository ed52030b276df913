import type { DomainEvent, Money } from '../shared/index.js';

/**
 * A product entered the catalogue. `name`/`category` are stored trimmed; `price` is the unit price.
 * `taxRate` (new, optional): KDV rate in percent when given at registration (absent: 20).
 */
export type ProductRegistered = DomainEvent<
  'ProductRegistered',
  { readonly sku: string; readonly name: string; readonly category: string; readonly price: Money; readonly taxRate?: number }
>;

/** A product's unit price changed from `previousPrice` to `price` (same currency). */
export type ProductPriceChanged = DomainEvent<
  'ProductPriceChanged',
  { readonly sku: string; readonly previousPrice: Money; readonly price: Money }
>;

/** Every event the product decider emits. */
export type ProductEvent = ProductRegistered | ProductPriceChanged;

const names: { readonly [K in ProductEvent['type']]: K } = {
  ProductRegistered: 'ProductRegistered',
  ProductPriceChanged: 'ProductPriceChanged',
};

/** The type names of every product event (for subscriptions and importers). */
export const productEventTypes: readonly ProductEvent['type'][] = Object.freeze(Object.values(names));
