import type { DomainCommand, Money } from '../shared/index.js';

/** How (part of) an order was paid. */
export type PaymentMethod = 'wallet' | 'card' | 'bank-transfer' | 'boleto';

/** One payment towards an order: `amount` (minor units > 0, order currency) and the provider's `reference`. */
export interface OrderPayment {
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly reference: string;
}

/** A line as the caller sends it: `unitPrice` in minor units (> 0), `quantity` a positive integer. */
export interface PlaceOrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
}

/**
 * Places an order from a checked-out basket. All line prices and `shipping` (minor units ≥ 0)
 * share one currency, which becomes the order's currency.
 */
export type PlaceOrder = DomainCommand<
  'PlaceOrder',
  {
    readonly orderId: string;
    readonly customerId: string;
    readonly basketId: string;
    readonly lines: readonly PlaceOrderLine[];
    readonly shipping: Money;
  }
>;

/** Records that `payments` (summing exactly to the order total) settled a pending order. */
export type ConfirmOrderPayment = DomainCommand<
  'ConfirmOrderPayment',
  { readonly orderId: string; readonly payments: readonly OrderPayment[] }
>;

/** Marks a confirmed order as handed to a carrier; carrier and tracking number are optional. */
export type ShipOrder = DomainCommand<
  'ShipOrder',
  { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
>;

/** Marks a shipped order as delivered. */
export type DeliverOrder = DomainCommand<'DeliverOrder', { readonly orderId: string }>;

/** Cancels a pending or confirmed order; `reason` must be non-empty after trim. */
export type CancelOrder = DomainCommand<'CancelOrder', { readonly orderId: string; readonly reason: string }>;

/** Every command the order decider accepts. */
export type OrderCommand = PlaceOrder | ConfirmOrderPayment | ShipOrder | DeliverOrder | CancelOrder;
