import type { CommandHandler } from '../../command-handler.js';
import { shipOrder } from '../../commerce/orders.js';
import type { RecordedEvent } from '../../ports/event-store.js';

/** The actor of every command the order-shipment process manager sends. */
export const ORDER_SHIPMENT_ACTOR = 'system:order-shipment';

/** The event type the manager reacts to. */
export const ORDER_SHIPPED = 'OrderShipped';

/**
 * The order-shipment process manager: makes every shipped order (`OrderShipped`) end with its
 * reserved stock shipped (`StockShipped` in each warehouse it was allocated to), whatever
 * happened to the request that shipped it (the service crashed between `OrderShipped` and the
 * last stock shipment). It keeps no state of its own: it runs `shipOrder` on the shipped order,
 * which ships only what the stock streams still hold reserved for it.
 *
 * Idempotent: its command ids are derived from the event (`<stream>@<revision>/ship`), and a
 * stock stream ships for an order once; delivering an event again, or racing the request that
 * shipped the order, ships nothing twice. Every command carries the event's correlation id and
 * business time (`occurredAt`), never the clock's, and the actor `system:order-shipment`.
 */
export class OrderShipmentProcessManager {
  constructor(private readonly handler: CommandHandler) {}

  /**
   * Reacts to one recorded event (at least once): an `OrderShipped` of an order stream gets its
   * missing stock shipments; any other event is ignored.
   * @returns whether the event was one it reacts to
   * @throws DomainError when the order cannot be completed (e.g. `order-not-found` for an event its stream contradicts)
   * @throws other errors (store unreachable, conflicts past the retries): deliver it again later
   */
  async handle(event: RecordedEvent): Promise<boolean> {
    if (event.type !== ORDER_SHIPPED || !event.streamId.startsWith('order-')) return false;
    const context = {
      tenantId: event.metadata.tenantId,
      actor: ORDER_SHIPMENT_ACTOR,
      correlationId: event.metadata.correlationId,
      commandId: `${event.streamId}@${event.revision}/ship`,
      occurredAt: event.metadata.occurredAt,
    };
    await shipOrder(this.handler, context, { orderId: (event.data as { orderId: string }).orderId });
    return true;
  }
}
