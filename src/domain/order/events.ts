import type { DomainEvent, Money } from '../shared/index.js';
import type { OrderPayment } from './commands.js';

/** Where an order is in its life. */
export type OrderStatus = 'none' | 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';

/** An order line; `lineTotal` = unitPrice × quantity (minor units, order currency). */
export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly lineTotal: Money;
}

/** An order was placed: subtotal = Σ lineTotal, total = subtotal + shipping (one currency). */
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
  }
>;

/** The order was paid in full by `payments`; `amount` is their sum (= the order total). */
export type OrderPaymentConfirmed = DomainEvent<
  'OrderPaymentConfirmed',
  { readonly orderId: string; readonly payments: readonly OrderPayment[]; readonly amount: Money }
>;

/** The order left the warehouse; `carrier`/`trackingNumber` are present only when given. */
export type OrderShipped = DomainEvent<
  'OrderShipped',
  { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
>;

/** The order reached the customer. */
export type OrderDelivered = DomainEvent<'OrderDelivered', { readonly orderId: string }>;

/** The order was cancelled from `previousStatus` ('pending' or 'confirmed'); `reason` is trimmed. */
export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  { readonly orderId: string; readonly reason: string; readonly previousStatus: 'pending' | 'confirmed' }
>;

/** Every event the order decider emits. */
export type OrderEvent = OrderPlaced | OrderPaymentConfirmed | OrderShipped | OrderDelivered | OrderCancelled;

const names: { readonly [K in OrderEvent['type']]: K } = {
  OrderPlaced: 'OrderPlaced',
  OrderPaymentConfirmed: 'OrderPaymentConfirmed',
  OrderShipped: 'OrderShipped',
  OrderDelivered: 'OrderDelivered',
  OrderCancelled: 'OrderCancelled',
};

/** The type names of every order event (for subscriptions and importers). */
export const orderEventTypes: readonly OrderEvent['type'][] = Object.freeze(Object.values(names));
