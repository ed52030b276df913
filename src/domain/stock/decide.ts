import type { ReceiveStock, ReleaseStock, ReserveStock, ShipStock, StockCommand } from './commands.js';
import { insufficientStock, invalidQuantity, reservationExists, reservationNotFound } from './errors.js';
import type { StockEvent } from './events.js';
import { availableStock, reservationOf, type StockState } from './state.js';

/**
 * The events a stock command causes in `state`.
 * @throws DomainError `invalid-quantity` (422); `insufficient-stock`, `reservation-exists`,
 *   `reservation-not-found` (409)
 */
export function decideStock(command: StockCommand, state: StockState): readonly StockEvent[] {
  switch (command.type) {
    case 'ReceiveStock':
      return receive(command, state);
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
      return release(command, state);
    case 'ShipStock':
      return ship(command, state);
  }
}

function receive({ data }: ReceiveStock, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  const onHand = state.onHand + data.quantity;
  if (!Number.isSafeInteger(onHand)) throw invalidQuantity(data.quantity);
  const { sku, warehouseId, quantity, reference } = data;
  return [{ type: 'StockReceived', data: { sku, warehouseId, quantity, reference, onHand } }];
}

function reserve({ data }: ReserveStock, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  const existing = reservationOf(state, data.orderId);
  if (existing === data.quantity) return [];
  if (existing !== undefined) throw reservationExists(data.orderId, existing, data.quantity);
  const available = availableStock(state);
  if (data.quantity > available) throw insufficientStock(data.sku, data.warehouseId, data.quantity, available);
  const { sku, warehouseId, orderId, quantity } = data;
  return [{ type: 'StockReserved', data: { sku, warehouseId, orderId, quantity, available: available - quantity } }];
}

function release({ data }: ReleaseStock, state: StockState): readonly StockEvent[] {
  const quantity = heldBy(state, data);
  const { sku, warehouseId, orderId, reason } = data;
  const available = availableStock(state) + quantity;
  return [{ type: 'StockReleased', data: { sku, warehouseId, orderId, quantity, reason, available } }];
}

function ship({ data }: ShipStock, state: StockState): readonly StockEvent[] {
  const quantity = heldBy(state, data);
  const { sku, warehouseId, orderId } = data;
  return [{ type: 'StockShipped', data: { sku, warehouseId, orderId, quantity, onHand: state.onHand - quantity } }];
}

/** The units `orderId` holds here. @throws reservation-not-found */
function heldBy(state: StockState, ref: { sku: string; warehouseId: string; orderId: string }): number {
  const quantity = reservationOf(state, ref.orderId);
  if (quantity === undefined) throw reservationNotFound(ref.sku, ref.warehouseId, ref.orderId);
  return quantity;
}

function assertPositiveQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw invalidQuantity(quantity);
}
