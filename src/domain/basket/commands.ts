import type { DomainCommand, Money } from '../shared/index.js';

/** Opens an empty basket for `customerId`; every price in it will be in `currency` (ISO 4217). */
export type OpenBasket = DomainCommand<
  'OpenBasket',
  { readonly basketId: string; readonly customerId: string; readonly currency: string }
>;

/**
 * Adds `quantity` units (positive integer) of `sku`, to be taken from `warehouseId`, at
 * `unitPrice` (minor units > 0, basket currency). The application reads name, category and
 * price from the catalogue and passes them in; they are snapshotted here.
 */
export type AddItem = DomainCommand<
  'AddItem',
  {
    readonly basketId: string;
    readonly sku: string;
    readonly name: string;
    readonly category: string;
    readonly warehouseId: string;
    readonly unitPrice: Money;
    readonly quantity: number;
  }
>;

/** Removes the line for `sku` from the basket. */
export type RemoveItem = DomainCommand<'RemoveItem', { readonly basketId: string; readonly sku: string }>;

/** Sets the quantity (positive integer, the new total) of the line for `sku`. */
export type ChangeItemQuantity = DomainCommand<
  'ChangeItemQuantity',
  { readonly basketId: string; readonly sku: string; readonly quantity: number }
>;

/** Closes the basket and hands its lines to the order `orderId` (chosen by the application). */
export type CheckOutBasket = DomainCommand<'CheckOutBasket', { readonly basketId: string; readonly orderId: string }>;

/** Every command the basket decider accepts. */
export type BasketCommand = OpenBasket | AddItem | RemoveItem | ChangeItemQuantity | CheckOutBasket;
