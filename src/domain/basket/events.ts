import type { DomainEvent, Money } from '../shared/index.js';

/** A basket line: `unitPrice` (minor units) snapshotted when the SKU was first added; `quantity` in units. */
export interface BasketItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
}

/** A basket was opened for `customerId` in `currency`. */
export type BasketOpened = DomainEvent<
  'BasketOpened',
  { readonly basketId: string; readonly customerId: string; readonly currency: string }
>;

/** A SKU not yet in the basket was added as a new line. */
export type ItemAdded = DomainEvent<'ItemAdded', { readonly basketId: string } & BasketItem>;

/** The line for `sku` was removed. */
export type ItemRemoved = DomainEvent<'ItemRemoved', { readonly basketId: string; readonly sku: string }>;

/** The line for `sku` now has `quantity` units (the new total, not a delta). */
export type ItemQuantityChanged = DomainEvent<
  'ItemQuantityChanged',
  { readonly basketId: string; readonly sku: string; readonly quantity: number }
>;

/**
 * The basket was checked out into order `orderId`. `lines` are in the order SKUs were first
 * added; `subtotal` = Σ unitPrice × quantity, in the basket currency.
 */
export type BasketCheckedOut = DomainEvent<
  'BasketCheckedOut',
  {
    readonly basketId: string;
    readonly orderId: string;
    readonly customerId: string;
    readonly lines: readonly BasketItem[];
    readonly subtotal: Money;
  }
>;

/** Every event the basket decider emits. */
export type BasketEvent = BasketOpened | ItemAdded | ItemRemoved | ItemQuantityChanged | BasketCheckedOut;

const names: { readonly [K in BasketEvent['type']]: K } = {
  BasketOpened: 'BasketOpened',
  ItemAdded: 'ItemAdded',
  ItemRemoved: 'ItemRemoved',
  ItemQuantityChanged: 'ItemQuantityChanged',
  BasketCheckedOut: 'BasketCheckedOut',
};

/** The type names of every basket event (for subscriptions and importers). */
export const basketEventTypes: readonly BasketEvent['type'][] = Object.freeze(Object.values(names));
