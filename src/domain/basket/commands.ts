import type { DomainCommand, Money } from '../shared/index.js';
import type { BasketItem, CheckoutTerms } from './events.js';

/*
 * `at` (optional on every command that changes a basket) is the business time of the change,
 * ISO 8601 with an offset; the basket keeps the last one as its last activity, which decides
 * when it counts as idle (`AbandonBasket`). Commands without it leave the last activity as is.
 */

/** Opens an empty basket for `customerId`; every price in it will be in `currency` (ISO 4217). */
export type OpenBasket = DomainCommand<
  'OpenBasket',
  { readonly basketId: string; readonly customerId: string; readonly currency: string; readonly at?: string }
>;

/** Opens an empty guest basket (no customer yet) for the anonymous session `guestId`. */
export type OpenGuestBasket = DomainCommand<
  'OpenGuestBasket',
  { readonly basketId: string; readonly guestId: string; readonly currency: string; readonly at?: string }
>;

/**
 * Adds `quantity` units (positive integer) of `sku`, to be taken from `warehouseId`, at
 * `unitPrice` (minor units > 0, basket currency). The application reads name, category,
 * price and KDV rate from the catalogue and passes them in; they are snapshotted here.
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
    readonly taxRate?: number;
    readonly at?: string;
  }
>;

/** Removes the line for `sku` from the basket. */
export type RemoveItem = DomainCommand<'RemoveItem', { readonly basketId: string; readonly sku: string; readonly at?: string }>;

/** Sets the quantity (positive integer, the new total) of the line for `sku`. */
export type ChangeItemQuantity = DomainCommand<
  'ChangeItemQuantity',
  { readonly basketId: string; readonly sku: string; readonly quantity: number; readonly at?: string }
>;

/**
 * Applies coupon `code` (one per basket; applying another replaces it). The application
 * checks the coupon against its campaign first; the order's discount is computed at checkout.
 */
export type ApplyCoupon = DomainCommand<'ApplyCoupon', { readonly basketId: string; readonly code: string; readonly at?: string }>;

/** Removes the applied coupon. */
export type RemoveCoupon = DomainCommand<'RemoveCoupon', { readonly basketId: string; readonly at?: string }>;

/** Gives a guest basket to `customerId` (at login, when the customer has no open basket to merge it into). */
export type AssignBasket = DomainCommand<'AssignBasket', { readonly basketId: string; readonly customerId: string; readonly at?: string }>;

/**
 * Merges the lines (and the coupon, when this basket has none) of guest basket `fromBasketId`
 * into this customer basket: quantities of SKUs already here add up (this basket's price
 * snapshot stays), new SKUs come with the guest's snapshot. Idempotent per `fromBasketId`.
 */
export type MergeBasket = DomainCommand<
  'MergeBasket',
  {
    readonly basketId: string;
    readonly fromBasketId: string;
    readonly items: readonly BasketItem[];
    readonly couponCode?: string;
    readonly currency: string;
    readonly at?: string;
  }
>;

/**
 * Claims open guest basket `basketId` for a merge into customer basket `intoBasketId` of
 * `customerId`, before its lines are copied there: a claimed guest basket no longer changes
 * and cannot be claimed for another basket, so at most one basket ever takes its lines.
 * Claiming it again for the same basket is a no-op (a retry), as is claiming it for the
 * basket it was merged into.
 */
export type ClaimGuestBasket = DomainCommand<
  'ClaimGuestBasket',
  { readonly basketId: string; readonly intoBasketId: string; readonly customerId: string; readonly at?: string }
>;

/**
 * Gives back guest basket `basketId`, claimed for `intoBasketId`, when that basket refused its
 * lines (`reason`, non-empty: the refusal): the guest basket is open again, lines untouched.
 * A no-op when it is open already.
 */
export type ReleaseGuestBasket = DomainCommand<
  'ReleaseGuestBasket',
  { readonly basketId: string; readonly intoBasketId: string; readonly reason: string }
>;

/** Closes guest basket `basketId`, claimed for `intoBasketId` of `customerId`, after its lines were merged there. */
export type MarkBasketMerged = DomainCommand<
  'MarkBasketMerged',
  { readonly basketId: string; readonly intoBasketId: string; readonly customerId: string; readonly at?: string }
>;

/**
 * Closes the basket and hands its lines to the order `orderId` (chosen by the application),
 * with the customer's checkout `terms` (shipping, payment, discount, reservation expiry)
 * for the checkout process. Checking out again into the same order is a no-op (retry-safe).
 */
export type CheckOutBasket = DomainCommand<
  'CheckOutBasket',
  { readonly basketId: string; readonly orderId: string; readonly terms?: CheckoutTerms; readonly at?: string }
>;

/** Reopens a basket whose checkout into `orderId` failed (compensation); a no-op when already open. */
export type ReopenBasket = DomainCommand<'ReopenBasket', { readonly basketId: string; readonly orderId: string; readonly reason: string }>;

/**
 * Marks an open basket abandoned when it has been idle for at least `idleMinutes` (a positive
 * whole number, configured at the edge) at `now` (ISO 8601, from the scheduler).
 */
export type AbandonBasket = DomainCommand<'AbandonBasket', { readonly basketId: string; readonly now: string; readonly idleMinutes: number }>;

/** Every command the basket decider accepts. */
export type BasketCommand =
  | OpenBasket
  | OpenGuestBasket
  | AddItem
  | RemoveItem
  | ChangeItemQuantity
  | ApplyCoupon
  | RemoveCoupon
  | AssignBasket
  | ClaimGuestBasket
  | MergeBasket
  | ReleaseGuestBasket
  | MarkBasketMerged
  | CheckOutBasket
  | ReopenBasket
  | AbandonBasket;
