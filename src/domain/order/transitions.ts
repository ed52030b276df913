import type { OrderCommand } from './commands.js';
import type { OrderStatus } from './events.js';

/** A lifecycle command: the statuses it may run from and the error code naming the illegal transition. */
export interface OrderTransition {
  readonly from: readonly OrderStatus[];
  readonly error: string;
}

/**
 * The order transition table. Every command but `PlaceOrder` (from `none` only,
 * `order-already-placed`) and `ExpireUnpaidOrder` (a no-op outside `pending`) is allowed
 * only from the listed statuses; anything else is the named error (409):
 *
 * | command              | from                          | to                     | error                   |
 * | -------------------- | ----------------------------- | ---------------------- | ----------------------- |
 * | ConfirmOrderPayment  | pending                       | confirmed              | order-not-payable       |
 * | RecordPaymentResult  | pending (¹)                   | pending (captured/declined) | order-not-payable  |
 * | StartOrderProcessing | confirmed                     | processing             | order-not-processable   |
 * | ShipOrder            | confirmed, processing         | shipped                | order-not-shippable     |
 * | DeliverOrder         | shipped                       | delivered              | order-not-deliverable   |
 * | CancelOrder          | pending, confirmed, processing| cancelled              | order-not-cancellable   |
 * | ReturnOrderItems     | delivered                     | delivered / returned   | order-not-returnable    |
 * | RefundOrder          | delivered, returned, cancelled| same                   | order-not-refundable    |
 *
 * (¹) A capture reported for a cancelled order is recorded and refunded at once (the money was
 * taken); a decline for it is `order-not-payable`. A cancelled order is refundable only up to
 * its external payments not yet refunded (see `decideOrder`).
 */
export const orderTransitions: { readonly [K in Exclude<OrderCommand['type'], 'PlaceOrder' | 'ExpireUnpaidOrder'>]: OrderTransition } = {
  ConfirmOrderPayment: { from: ['pending'], error: 'order-not-payable' },
  RecordPaymentResult: { from: ['pending'], error: 'order-not-payable' },
  StartOrderProcessing: { from: ['confirmed'], error: 'order-not-processable' },
  ShipOrder: { from: ['confirmed', 'processing'], error: 'order-not-shippable' },
  DeliverOrder: { from: ['shipped'], error: 'order-not-deliverable' },
  CancelOrder: { from: ['pending', 'confirmed', 'processing'], error: 'order-not-cancellable' },
  ReturnOrderItems: { from: ['delivered'], error: 'order-not-returnable' },
  RefundOrder: { from: ['delivered', 'returned', 'cancelled'], error: 'order-not-refundable' },
};
