import type { Money } from '../shared/index.js';
import type { OrderPayment } from './commands.js';
import type { OrderEvent, OrderLine, OrderStatus } from './events.js';

/** A placed order: its lines and amounts (minor units) as placed, and the payments that settled it (empty until confirmed). */
export interface PlacedOrderState {
  readonly status: Exclude<OrderStatus, 'none'>;
  readonly orderId: string;
  readonly customerId: string;
  readonly basketId: string;
  readonly lines: readonly OrderLine[];
  readonly subtotal: Money;
  readonly shipping: Money;
  readonly total: Money;
  readonly payments: readonly OrderPayment[];
}

/** An order stream: not placed yet, or a placed order in some status. */
export type OrderState = { readonly status: 'none' } | PlacedOrderState;

/** The state of an order stream with no events. */
export const initialOrderState: OrderState = { status: 'none' };

/** The order state after one event. Total: events other than OrderPlaced on an unplaced order are ignored. */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, basketId, lines, subtotal, shipping, total } = event.data;
    return { status: 'pending', orderId, customerId, basketId, lines, subtotal, shipping, total, payments: [] };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderPaymentConfirmed':
      return { ...state, status: 'confirmed', payments: event.data.payments };
    case 'OrderShipped':
      return { ...state, status: 'shipped' };
    case 'OrderDelivered':
      return { ...state, status: 'delivered' };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled' };
  }
}
