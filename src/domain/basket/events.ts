import type { DomainEvent, Money } from '../shared/index.js';

/**
 * A basket line: `unitPrice` (minor units, KDV included) snapshotted when the SKU was first
 * added; `quantity` in units; `taxRate` the product's KDV rate in percent (0, 1, 10 or 20)
 * when known (absent on lines added before rates were recorded: the order then uses 20).
 */
export interface BasketItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly taxRate?: number;
}

/** How the customer pays at checkout: `wallet` now, the rest by an `external` method (card, bank transfer, boleto). */
export interface CheckoutPaymentTerms {
  readonly wallet?: Money;
  /** `captured`: the provider already captured it (card); otherwise the order waits for the provider's result or an admin. */
  readonly external?: { readonly method: 'card' | 'bank-transfer' | 'boleto'; readonly reference: string; readonly captured: boolean };
}

/**
 * The customer's checkout choices, carried by `BasketCheckedOut` so the checkout process can
 * run (and resume) from the event alone: `shipping` (minor units ≥ 0), `payment`, the coupon
 * `discount` computed at checkout (minor units ≥ 0), `paymentDueBy` (ISO 8601: when the
 * stock reservations of an unpaid order lapse), `warehouses` (candidates for allocation, in
 * priority order, besides each line's own).
 */
export interface CheckoutTerms {
  readonly shipping: Money;
  readonly payment: CheckoutPaymentTerms;
  readonly discount?: Money;
  readonly paymentDueBy?: string;
  readonly warehouses?: readonly string[];
}

/**
 * A basket was opened in `currency`: for `customerId`, or for a guest session (`guestId`,
 * with `customerId` '' until the basket is assigned or merged at login).
 */
export type BasketOpened = DomainEvent<
  'BasketOpened',
  { readonly basketId: string; readonly customerId: string; readonly currency: string; readonly guestId?: string; readonly at?: string }
>;

/** A SKU not yet in the basket was added as a new line. */
export type ItemAdded = DomainEvent<'ItemAdded', { readonly basketId: string; readonly at?: string } & BasketItem>;

/** The line for `sku` was removed. */
export type ItemRemoved = DomainEvent<'ItemRemoved', { readonly basketId: string; readonly sku: string; readonly at?: string }>;

/** The line for `sku` now has `quantity` units (the new total, not a delta). */
export type ItemQuantityChanged = DomainEvent<
  'ItemQuantityChanged',
  { readonly basketId: string; readonly sku: string; readonly quantity: number; readonly at?: string }
>;

/** Coupon `code` was applied (replacing any other). */
export type CouponApplied = DomainEvent<'CouponApplied', { readonly basketId: string; readonly code: string; readonly at?: string }>;

/** Coupon `code` was removed. */
export type CouponRemoved = DomainEvent<'CouponRemoved', { readonly basketId: string; readonly code: string; readonly at?: string }>;

/** Guest basket `basketId` now belongs to `customerId`. */
export type BasketAssigned = DomainEvent<
  'BasketAssigned',
  { readonly basketId: string; readonly customerId: string; readonly guestId: string; readonly at?: string }
>;

/**
 * Lines of guest basket `fromBasketId` were merged in: `added` are new lines (guest's snapshot),
 * `increased` the lines whose quantity grew (new totals); `couponCode` when the guest's coupon was taken over.
 */
export type BasketItemsMerged = DomainEvent<
  'BasketItemsMerged',
  {
    readonly basketId: string;
    readonly fromBasketId: string;
    readonly added: readonly BasketItem[];
    readonly increased: readonly { readonly sku: string; readonly quantity: number }[];
    readonly couponCode?: string;
    readonly at?: string;
  }
>;

/**
 * Guest basket `basketId` was claimed for a merge into customer basket `intoBasketId` of
 * `customerId`: it no longer changes, and only `intoBasketId` may take its lines. Not a
 * close: it ends with `BasketMerged`, or `GuestBasketReleased` (open again).
 */
export type GuestBasketClaimed = DomainEvent<
  'GuestBasketClaimed',
  { readonly basketId: string; readonly intoBasketId: string; readonly customerId: string; readonly at?: string }
>;

/** Guest basket `basketId`, claimed for `intoBasketId`, is open again: that basket refused its lines (`reason`). */
export type GuestBasketReleased = DomainEvent<
  'GuestBasketReleased',
  { readonly basketId: string; readonly intoBasketId: string; readonly reason: string }
>;

/**
 * Guest basket `basketId` was merged into `intoBasketId` of `customerId` and is closed (after
 * `GuestBasketClaimed` for that basket; logs written before claims existed have no claim).
 */
export type BasketMerged = DomainEvent<
  'BasketMerged',
  { readonly basketId: string; readonly intoBasketId: string; readonly customerId: string; readonly at?: string }
>;

/**
 * The basket was checked out into order `orderId` (converted). `lines` are in the order SKUs
 * were first added; `subtotal` = Σ unitPrice × quantity, in the basket currency. New optional
 * fields: `couponCode` applied, `terms` for the checkout process, `at`.
 */
export type BasketCheckedOut = DomainEvent<
  'BasketCheckedOut',
  {
    readonly basketId: string;
    readonly orderId: string;
    readonly customerId: string;
    readonly lines: readonly BasketItem[];
    readonly subtotal: Money;
    readonly couponCode?: string;
    readonly terms?: CheckoutTerms;
    readonly at?: string;
  }
>;

/** The checkout into `orderId` failed and was undone; the basket is open again with its lines (`reason`: the failure). */
export type BasketReopened = DomainEvent<'BasketReopened', { readonly basketId: string; readonly orderId: string; readonly reason: string }>;

/**
 * The open basket was abandoned: idle since `lastActivityAt` for at least `idleMinutes` at `at`;
 * `itemCount` units worth `subtotal` were left in it (for abandonment figures).
 */
export type BasketAbandoned = DomainEvent<
  'BasketAbandoned',
  {
    readonly basketId: string;
    readonly customerId: string;
    readonly lastActivityAt: string | null;
    readonly at: string;
    readonly idleMinutes: number;
    readonly itemCount: number;
    readonly subtotal: Money;
  }
>;

/** Every event the basket decider emits. */
export type BasketEvent =
  | BasketOpened
  | ItemAdded
  | ItemRemoved
  | ItemQuantityChanged
  | CouponApplied
  | CouponRemoved
  | BasketAssigned
  | GuestBasketClaimed
  | BasketItemsMerged
  | GuestBasketReleased
  | BasketMerged
  | BasketCheckedOut
  | BasketReopened
  | BasketAbandoned;

const names: { readonly [K in BasketEvent['type']]: K } = {
  BasketOpened: 'BasketOpened',
  ItemAdded: 'ItemAdded',
  ItemRemoved: 'ItemRemoved',
  ItemQuantityChanged: 'ItemQuantityChanged',
  CouponApplied: 'CouponApplied',
  CouponRemoved: 'CouponRemoved',
  BasketAssigned: 'BasketAssigned',
  GuestBasketClaimed: 'GuestBasketClaimed',
  BasketItemsMerged: 'BasketItemsMerged',
  GuestBasketReleased: 'GuestBasketReleased',
  BasketMerged: 'BasketMerged',
  BasketCheckedOut: 'BasketCheckedOut',
  BasketReopened: 'BasketReopened',
  BasketAbandoned: 'BasketAbandoned',
};

/** The type names of every basket event (for subscriptions and importers). */
export const basketEventTypes: readonly BasketEvent['type'][] = Object.freeze(Object.values(names));
