import type { DomainEvent } from '../shared/index.js';

/** `quantity` units arrived; `onHand` is the on-hand count after the event. */
export type StockReceived = DomainEvent<
  'StockReceived',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly quantity: number;
    readonly reference: string;
    readonly onHand: number;
  }
>;

/** `quantity` units were reserved for `orderId`; `available` (onHand − reserved) is after the event. */
export type StockReserved = DomainEvent<
  'StockReserved',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly quantity: number;
    readonly available: number;
  }
>;

/** The `quantity` units reserved for `orderId` were given back; `available` is after the event. */
export type StockReleased = DomainEvent<
  'StockReleased',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly quantity: number;
    readonly reason: string;
    readonly available: number;
  }
>;

/** The `quantity` units reserved for `orderId` left the warehouse; `onHand` is after the event. */
export type StockShipped = DomainEvent<
  'StockShipped',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly quantity: number;
    readonly onHand: number;
  }
>;

/** Every event the stock decider emits. */
export type StockEvent = StockReceived | StockReserved | StockReleased | StockShipped;

const names: { readonly [K in StockEvent['type']]: K } = {
  StockReceived: 'StockReceived',
  StockReserved: 'StockReserved',
  StockReleased: 'StockReleased',
  StockShipped: 'StockShipped',
};

/** The type names of every stock event (for subscriptions and importers). */
export const stockEventTypes: readonly StockEvent['type'][] = Object.freeze(Object.values(names));
