import type { StockEvent } from './events.js';

/**
 * One SKU in one warehouse. Counts are whole units. `reserved` is the sum of
 * `reservations` (orderId → units held). A stream with no events has empty ids and
 * zero counts; there is no status field (stock that never arrived simply has none available).
 */
export interface StockState {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly reservations: Readonly<Record<string, number>>;
}

/** The state of a stock stream with no events. */
export const initialStockState: StockState = { sku: '', warehouseId: '', onHand: 0, reserved: 0, reservations: {} };

/** Units that can still be reserved: onHand − reserved. */
export function availableStock(state: StockState): number {
  return state.onHand - state.reserved;
}

/** The units reserved for `orderId`, or undefined when it holds none (own keys only). */
export function reservationOf(state: StockState, orderId: string): number | undefined {
  return Object.hasOwn(state.reservations, orderId) ? state.reservations[orderId] : undefined;
}

/**
 * The stock state after one event. Counts are recomputed from the event's quantity;
 * the "after" figures in events are for projections. Total: never throws.
 */
export function evolveStock(state: StockState, event: StockEvent): StockState {
  const { sku, warehouseId } = event.data;
  switch (event.type) {
    case 'StockReceived':
      return { ...state, sku, warehouseId, onHand: state.onHand + event.data.quantity };
    case 'StockReserved':
      return {
        ...state,
        sku,
        warehouseId,
        reserved: state.reserved + event.data.quantity,
        reservations: { ...state.reservations, [event.data.orderId]: event.data.quantity },
      };
    case 'StockReleased':
      return { ...dropReservation(state, event.data.orderId, event.data.quantity), sku, warehouseId };
    case 'StockShipped':
      return {
        ...dropReservation(state, event.data.orderId, event.data.quantity),
        sku,
        warehouseId,
        onHand: state.onHand - event.data.quantity,
      };
  }
}

function dropReservation(state: StockState, orderId: string, quantity: number): StockState {
  const { [orderId]: _dropped, ...reservations } = state.reservations;
  return { ...state, reserved: state.reserved - quantity, reservations };
}
