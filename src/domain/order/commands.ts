import type { DomainCommand, Money } from '../shared/index.js';

/** How (part of) an order was paid. `boleto` is kept for the Olist import (Brazil). */
export type PaymentMethod = 'wallet' | 'card' | 'bank-transfer' | 'boleto';

/** A payment method outside the wallet, whose result arrives from a provider or an admin. */
export type ExternalPaymentMethod = Exclude<PaymentMethod, 'wallet'>;

/** One payment towards an order: `amount` (minor units > 0, order currency) and the provider's `reference`. */
export interface OrderPayment {
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly reference: string;
}

/**
 * A line as the caller sends it: `unitPrice` in minor units (> 0), `quantity` a positive
 * integer, `taxRate` the KDV rate in percent (0, 1, 10 or 20; default 20, the general rate).
 */
export interface PlaceOrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly taxRate?: number;
}

/** `quantity` units of line `lineIndex` (`sku`) reserved in `warehouseId`. */
export interface OrderAllocation {
  readonly lineIndex: number;
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

/**
 * How the order will be paid: `wallet` (minor units ≥ 0, taken from the customer's wallet at
 * checkout) and the rest by `method`, which is required when the wallet part is below the total.
 * `capturedReference`: the provider's reference when the external part was already captured
 * before the order was placed (a card captured at checkout); the order then starts with that
 * payment captured, so a cancellation refunds it. Ignored when there is no external part.
 */
export interface PlaceOrderPayment {
  readonly wallet?: Money;
  readonly method?: ExternalPaymentMethod;
  readonly capturedReference?: string;
}

/**
 * Places an order from a checked-out basket. All line prices, `shipping` (minor units ≥ 0)
 * and `discount` (minor units ≥ 0, at most the subtotal; from `couponCode`) share one
 * currency, which becomes the order's currency. `pricesIncludeTax` (default true, Turkish
 * retail) tells whether unit prices include KDV. `allocations` (default: each line whole
 * from its warehouse) must cover every line exactly. `paymentDueBy` (ISO 8601): when an
 * unpaid order's reservations lapse. `payment`: the plan (absent: settled by `ConfirmOrderPayment`).
 */
export type PlaceOrder = DomainCommand<
  'PlaceOrder',
  {
    readonly orderId: string;
    readonly customerId: string;
    readonly basketId: string;
    readonly lines: readonly PlaceOrderLine[];
    readonly shipping: Money;
    readonly discount?: Money;
    readonly couponCode?: string;
    readonly pricesIncludeTax?: boolean;
    readonly allocations?: readonly OrderAllocation[];
    readonly paymentDueBy?: string;
    readonly payment?: PlaceOrderPayment;
  }
>;

/** Records that `payments` (summing exactly to the order total) settled a pending order. */
export type ConfirmOrderPayment = DomainCommand<
  'ConfirmOrderPayment',
  { readonly orderId: string; readonly payments: readonly OrderPayment[] }
>;

/**
 * The result of an external payment of a pending order, as the provider (card) or an admin
 * (bank transfer received) reports it: `captured` (amount = the plan's external part) or
 * `declined` with a `reason`. A capture reported for an order cancelled meanwhile (e.g. expired
 * unpaid) is recorded and refunded at once.
 */
export type RecordPaymentResult = DomainCommand<
  'RecordPaymentResult',
  {
    readonly orderId: string;
    readonly method: ExternalPaymentMethod;
    readonly reference: string;
    readonly amount: Money;
    readonly outcome: 'captured' | 'declined';
    readonly reason?: string;
  }
>;

/** Cancels a pending order whose payment is due (`paymentDueBy` ≤ `now`, ISO 8601 from the scheduler) and not captured. */
export type ExpireUnpaidOrder = DomainCommand<'ExpireUnpaidOrder', { readonly orderId: string; readonly now: string }>;

/** The warehouse starts picking and packing a confirmed order. */
export type StartOrderProcessing = DomainCommand<'StartOrderProcessing', { readonly orderId: string }>;

/** Marks a confirmed or processing order as handed to a carrier; carrier and tracking number are optional. */
export type ShipOrder = DomainCommand<
  'ShipOrder',
  { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
>;

/** Marks a shipped order as delivered. */
export type DeliverOrder = DomainCommand<'DeliverOrder', { readonly orderId: string }>;

/**
 * Cancels a pending, confirmed or processing order; `reason` must be non-empty after trim. The
 * external payments it captured are refunded with it (`OrderRefunded`, refund id `cancellation`).
 */
export type CancelOrder = DomainCommand<'CancelOrder', { readonly orderId: string; readonly reason: string }>;

/**
 * Records the return of `items` (SKU and units) of a delivered order with its refund: their paid
 * price, capped at what the order has left to refund. `restock` (default true): whether the
 * units go back on hand. Idempotent per `returnId`: the same return again (same units per SKU,
 * reason and restock) is a no-op; other content is refused (`return-exists`).
 */
export type ReturnOrderItems = DomainCommand<
  'ReturnOrderItems',
  {
    readonly orderId: string;
    readonly returnId: string;
    readonly items: readonly { readonly sku: string; readonly quantity: number }[];
    readonly reason: string;
    readonly restock?: boolean;
  }
>;

/**
 * Refunds `amount` (minor units > 0, order currency) of a delivered or returned order (up to what
 * was paid, net of refunds), or of a cancelled order (up to what its external payments captured,
 * net of refunds: a manual correction; the wallet part went back with the cancellation).
 * Idempotent per `refundId`: the same refund again (same amount and reason) is a no-op; another
 * amount or reason is refused (`refund-exists`).
 */
export type RefundOrder = DomainCommand<
  'RefundOrder',
  { readonly orderId: string; readonly refundId: string; readonly amount: Money; readonly reason: string }
>;

/** Every command the order decider accepts. */
export type OrderCommand =
  | PlaceOrder
  | ConfirmOrderPayment
  | RecordPaymentResult
  | ExpireUnpaidOrder
  | StartOrderProcessing
  | ShipOrder
  | DeliverOrder
  | CancelOrder
  | ReturnOrderItems
  | RefundOrder;
