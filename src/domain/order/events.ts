import type { DomainEvent, Money } from '../shared/index.js';
import type { ExternalPaymentMethod, OrderAllocation, OrderPayment } from './commands.js';

/**
 * Where an order is in its life (see `orderTransitions`): pending → confirmed → processing →
 * shipped → delivered (→ returned when every unit came back); cancelled from pending,
 * confirmed or processing.
 */
export type OrderStatus = 'none' | 'pending' | 'confirmed' | 'processing' | 'shipped' | 'delivered' | 'returned' | 'cancelled';

/**
 * An order line; `lineTotal` = unitPrice × quantity (minor units, order currency), unchanged
 * in meaning (GMV = Σ lineTotal). New fields, present on orders placed since KDV is recorded:
 * `taxRate` (percent), `discount` (the line's share of the order discount) and `tax` (the
 * line's KDV on lineTotal − discount, included in it or added to it as the order says).
 */
export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly lineTotal: Money;
  readonly taxRate?: number;
  readonly discount?: Money;
  readonly tax?: Money;
}

/**
 * The payment plan: `wallet` taken at checkout, `external` (= total − wallet) by `method`;
 * `capturedReference` when the provider captured the external part before the order was placed
 * (absent on orders placed before it was recorded).
 */
export interface OrderPaymentPlan {
  readonly wallet: Money;
  readonly external: Money;
  readonly method?: ExternalPaymentMethod;
  readonly capturedReference?: string;
}

/**
 * An order was placed (one currency): subtotal = Σ lineTotal, total = subtotal − discount +
 * tax + shipping. KDV: with `pricesIncludeTax` (the default: Turkish retail prices include
 * KDV) `tax` is 0 and `includedTax` is the KDV contained in the discounted line prices; with
 * net prices `tax` is the KDV added and `includedTax` 0. New fields are absent on orders
 * placed before they existed (read them as 0 / true / none).
 */
export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  {
    readonly orderId: string;
    readonly customerId: string;
    readonly basketId: string;
    readonly lines: readonly OrderLine[];
    readonly subtotal: Money;
    readonly shipping: Money;
    readonly total: Money;
    readonly discount?: Money;
    readonly tax?: Money;
    readonly includedTax?: Money;
    readonly pricesIncludeTax?: boolean;
    readonly couponCode?: string;
    readonly allocations?: readonly OrderAllocation[];
    readonly paymentDueBy?: string;
    readonly payment?: OrderPaymentPlan;
  }
>;

/** The order was paid in full by `payments`; `amount` is their sum (= the order total). */
export type OrderPaymentConfirmed = DomainEvent<
  'OrderPaymentConfirmed',
  { readonly orderId: string; readonly payments: readonly OrderPayment[]; readonly amount: Money }
>;

/** The provider (card) or an admin (bank transfer) reported the external part captured; the order confirms next. */
export type OrderPaymentCaptured = DomainEvent<
  'OrderPaymentCaptured',
  { readonly orderId: string; readonly method: ExternalPaymentMethod; readonly reference: string; readonly amount: Money }
>;

/** The external payment was declined; the checkout process cancels the order. */
export type OrderPaymentDeclined = DomainEvent<
  'OrderPaymentDeclined',
  { readonly orderId: string; readonly method: ExternalPaymentMethod; readonly reference: string; readonly amount: Money; readonly reason: string }
>;

/** The warehouse started processing (picking, packing) the confirmed order. */
export type OrderProcessingStarted = DomainEvent<'OrderProcessingStarted', { readonly orderId: string }>;

/** The order left the warehouse; `carrier`/`trackingNumber` are present only when given. */
export type OrderShipped = DomainEvent<
  'OrderShipped',
  { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
>;

/** The order reached the customer. */
export type OrderDelivered = DomainEvent<'OrderDelivered', { readonly orderId: string }>;

/**
 * The order was cancelled from `previousStatus`; `reason` is trimmed (`reservation-expired`
 * when an unpaid order's reservations lapsed, `checkout-failed:<code>` when checkout failed).
 * When external payments had been captured, an `OrderRefunded` (refund id `cancellation`)
 * follows in the same append; the wallet part goes back through the checkout process.
 */
export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  { readonly orderId: string; readonly reason: string; readonly previousStatus: 'pending' | 'confirmed' | 'processing' }
>;

/**
 * Units of a delivered order came back (return `returnId`): per item the units and the amount
 * due back (its paid price: line total less its discount share, plus added KDV, pro rata);
 * `amount` = Σ; `fullyReturned` when every unit of the order is now back (status `returned`).
 * `refunded`: what the return's refund gives back, `amount` capped at what the order has left
 * to refund (paid − refunded so far), recorded in the same append as `OrderRefunded`
 * `return:<returnId>` when above 0. `restock`: whether the units go back on hand (false:
 * damaged goods). Both are absent on returns recorded before they existed (their refund was a
 * later command; their restock choice was not kept).
 */
export type OrderItemsReturned = DomainEvent<
  'OrderItemsReturned',
  {
    readonly orderId: string;
    readonly returnId: string;
    readonly items: readonly { readonly sku: string; readonly quantity: number; readonly amount: Money }[];
    readonly amount: Money;
    readonly reason: string;
    readonly fullyReturned: boolean;
    readonly refunded?: Money;
    readonly restock?: boolean;
  }
>;

/**
 * `amount` of the order was refunded (minor units, order currency). `toWallet` goes back to the
 * customer's wallet (up to what the wallet paid, net of earlier refunds), `toExternal` to the
 * external method; `refundedTotal` is Σ refunds so far.
 * - After delivery (partial refunds allowed): `refundId` the caller's (`return:<returnId>` for a
 *   return, appended with its `OrderItemsReturned`).
 * - Of a cancelled order: the captured external payments go back where they came from, so
 *   `toWallet` is 0 and `toPayments` lists each payment's `method`, provider `reference` and
 *   `amount` (Σ = `toExternal`) for the payment provider to refund. `refundId` is
 *   `cancellation` (with the cancellation), `capture:<reference>` (a capture reported after the
 *   cancellation) or an admin's (a manual correction).
 */
export type OrderRefunded = DomainEvent<
  'OrderRefunded',
  {
    readonly orderId: string;
    readonly refundId: string;
    readonly amount: Money;
    readonly reason: string;
    readonly toWallet: Money;
    readonly toExternal: Money;
    readonly refundedTotal: Money;
    readonly toPayments?: readonly OrderPayment[];
  }
>;

/** Every event the order decider emits. */
export type OrderEvent =
  | OrderPlaced
  | OrderPaymentConfirmed
  | OrderPaymentCaptured
  | OrderPaymentDeclined
  | OrderProcessingStarted
  | OrderShipped
  | OrderDelivered
  | OrderCancelled
  | OrderItemsReturned
  | OrderRefunded;

const names: { readonly [K in OrderEvent['type']]: K } = {
  OrderPlaced: 'OrderPlaced',
  OrderPaymentConfirmed: 'OrderPaymentConfirmed',
  OrderPaymentCaptured: 'OrderPaymentCaptured',
  OrderPaymentDeclined: 'OrderPaymentDeclined',
  OrderProcessingStarted: 'OrderProcessingStarted',
  OrderShipped: 'OrderShipped',
  OrderDelivered: 'OrderDelivered',
  OrderCancelled: 'OrderCancelled',
  OrderItemsReturned: 'OrderItemsReturned',
  OrderRefunded: 'OrderRefunded',
};

/** The type names of every order event (for subscriptions and importers). */
export const orderEventTypes: readonly OrderEvent['type'][] = Object.freeze(Object.values(names));
