import type { EventStore } from '../../ports/event-store.js';
import type { CatchUpLoop } from '../catch-up.js';
import { settlingSubscriber, type SettlingSubscriberOptions } from '../settling-subscriber.js';
import { ORDER_SHIPPED, type OrderShipmentProcessManager } from './manager.js';

/**
 * Feeds the order-shipment process manager from `$all`: a `settlingSubscriber` of the
 * `OrderShipped` events, so every shipped order gets its stock shipped, at least once, in
 * `$all` order; an order that can never be completed (a `DomainError`) is reported to
 * `onError` and passed over.
 */
export function orderShipmentSubscriber(store: EventStore, manager: OrderShipmentProcessManager, options: SettlingSubscriberOptions = {}): CatchUpLoop {
  return settlingSubscriber(store, ORDER_SHIPPED, (event) => manager.handle(event), options);
}
