import { isInstant } from '../shared/index.js';
import type {
  AdjustStock,
  ReceiveStock,
  RefuseStockTransfer,
  ReleaseStock,
  ReserveStock,
  ReturnStock,
  ReverseStockTransfer,
  SetStockThreshold,
  ShipStock,
  StockCommand,
  TransferStockIn,
  TransferStockOut,
} from './commands.js';
import {
  insufficientStock,
  invalidAdjustment,
  invalidQuantity,
  invalidReason,
  invalidThreshold,
  invalidTime,
  invalidTransfer,
  reservationExists,
  reservationNotFound,
  returnExceedsShipped,
  transferExists,
  transferNotFound,
  transferReversed,
} from './errors.js';
import type { StockEvent } from './events.js';
import {
  availableStock,
  evolveStock,
  hasReceived,
  refusalOf,
  reservationOf,
  returnableFor,
  returnOf,
  stockLevel,
  transferOf,
  type StockLevel,
  type StockState,
} from './state.js';

/**
 * The events a stock command causes in `state`.
 *
 * Rules (each has a given/when/then test in tests/domain/stock*.test.ts):
 * - Invariant: available = on hand − reserved ≥ 0 after every event (reserve, adjust down,
 *   transfer out take only available units; ship and release act on a reservation).
 * - A reservation belongs to one order and is released or shipped whole; reserving the same
 *   quantity again is a no-op; it may carry an expiry.
 * - Adjustments are signed, need a reason, and cannot take reserved units.
 * - Returns put back at most what an order shipped from here; idempotent per return id.
 * - Transfers: the out half takes available units, the in half adds them; each half is
 *   idempotent per transfer id (the application runs both as one operation). A destination
 *   whose in half refused a transfer records it (`StockTransferRefused`, no units move) and
 *   then never receives that id (`transfer-reversed` for that transfer, `transfer-exists` for
 *   another); the sender is then reversed (units back, once) and its id never sends again
 *   (`transfer-reversed`).
 * - Alerts, once a threshold is set: when available crosses into `low` (≤ threshold),
 *   `out` (0), back from out, or back above the threshold, the command's events end with
 *   `LowStock`, `OutOfStock`, `BackInStock` or `LowStockCleared`.
 * @throws DomainError `invalid-quantity`, `invalid-adjustment`, `invalid-reason`, `invalid-threshold`,
 *   `invalid-time`, `invalid-transfer` (422); `insufficient-stock`, `reservation-exists`,
 *   `reservation-not-found`, `transfer-exists`, `transfer-not-found`, `transfer-reversed`,
 *   `return-exceeds-shipped` (409)
 */
export function decideStock(command: StockCommand, state: StockState): readonly StockEvent[] {
  return withAlerts(state, decideCounts(command, state));
}

function decideCounts(command: StockCommand, state: StockState): readonly StockEvent[] {
  switch (command.type) {
    case 'ReceiveStock':
      return receive(command, state);
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
      return release(command, state);
    case 'ShipStock':
      return ship(command, state);
    case 'AdjustStock':
      return adjust(command, state);
    case 'ReturnStock':
      return returnStock(command, state);
    case 'TransferStockOut':
      return transferOut(command, state);
    case 'TransferStockIn':
      return transferIn(command, state);
    case 'RefuseStockTransfer':
      return refuseTransfer(command, state);
    case 'ReverseStockTransfer':
      return reverseTransfer(command, state);
    case 'SetStockThreshold':
      return setThreshold(command);
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
  if (data.expiresAt !== undefined && !isInstant(data.expiresAt)) throw invalidTime('expiresAt', data.expiresAt);
  const existing = reservationOf(state, data.orderId);
  if (existing === data.quantity) return [];
  if (existing !== undefined) throw reservationExists(data.orderId, existing, data.quantity);
  const available = availableStock(state);
  if (data.quantity > available) throw insufficientStock(data.sku, data.warehouseId, data.quantity, available);
  const { sku, warehouseId, orderId, quantity, expiresAt } = data;
  return [
    {
      type: 'StockReserved',
      data: { sku, warehouseId, orderId, quantity, available: available - quantity, ...(expiresAt === undefined ? {} : { expiresAt }) },
    },
  ];
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

function adjust({ data }: AdjustStock, state: StockState): readonly StockEvent[] {
  if (!Number.isSafeInteger(data.quantity) || data.quantity === 0) throw invalidAdjustment(data.quantity);
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  const available = availableStock(state);
  if (data.quantity < 0 && -data.quantity > available) throw insufficientStock(data.sku, data.warehouseId, -data.quantity, available);
  const onHand = state.onHand + data.quantity;
  if (!Number.isSafeInteger(onHand)) throw invalidAdjustment(data.quantity);
  const { sku, warehouseId, quantity, reference } = data;
  return [{ type: 'StockAdjusted', data: { sku, warehouseId, quantity, reason, reference, onHand, available: available + quantity } }];
}

function returnStock({ data }: ReturnStock, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  if (returnOf(state, data.orderId, data.returnId) !== undefined) return [];
  const returnable = returnableFor(state, data.orderId);
  if (data.quantity > returnable) throw returnExceedsShipped(data.orderId, returnable, data.quantity);
  const { sku, warehouseId, orderId, returnId, quantity } = data;
  const onHand = state.onHand + quantity;
  return [{ type: 'StockReturned', data: { sku, warehouseId, orderId, returnId, quantity, onHand, available: availableStock(state) + quantity } }];
}

function transferOut({ data }: TransferStockOut, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  if (data.toWarehouseId === data.warehouseId) throw invalidTransfer(data.warehouseId);
  const existing = transferOf(state, data.transferId);
  if (existing) {
    if (existing.direction !== 'out' || existing.quantity !== data.quantity || existing.counterpart !== data.toWarehouseId) throw transferExists(data.transferId);
    // Sending it again would be a no-op here, but the in half could then be accepted and
    // create units: a reversed id is spent.
    if (existing.reversed === true) throw transferReversed(data.transferId, existing.reason ?? '');
    return [];
  }
  const available = availableStock(state);
  if (data.quantity > available) throw insufficientStock(data.sku, data.warehouseId, data.quantity, available);
  const { sku, warehouseId, transferId, toWarehouseId, quantity } = data;
  return [
    {
      type: 'StockTransferredOut',
      data: { sku, warehouseId, transferId, toWarehouseId, quantity, onHand: state.onHand - quantity, available: available - quantity },
    },
  ];
}

function transferIn({ data }: TransferStockIn, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  if (data.fromWarehouseId === data.warehouseId) throw invalidTransfer(data.warehouseId);
  const refused = refusalOf(state, data.transferId, data.fromWarehouseId);
  if (refused) throw transferReversed(data.transferId, refused.reason);
  if (hasReceived(state, data)) return [];
  if (transferOf(state, data.transferId) || refusalOf(state, data.transferId)) throw transferExists(data.transferId);
  const onHand = state.onHand + data.quantity;
  if (!Number.isSafeInteger(onHand)) throw invalidQuantity(data.quantity);
  const { sku, warehouseId, transferId, fromWarehouseId, quantity } = data;
  return [
    {
      type: 'StockTransferredIn',
      data: { sku, warehouseId, transferId, fromWarehouseId, quantity, onHand, available: availableStock(state) + quantity },
    },
  ];
}

function refuseTransfer({ data }: RefuseStockTransfer, state: StockState): readonly StockEvent[] {
  assertPositiveQuantity(data.quantity);
  if (data.fromWarehouseId === data.warehouseId) throw invalidTransfer(data.warehouseId);
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  if (refusalOf(state, data.transferId, data.fromWarehouseId) || hasReceived(state, data)) return [];
  const { sku, warehouseId, transferId, fromWarehouseId, quantity } = data;
  return [{ type: 'StockTransferRefused', data: { sku, warehouseId, transferId, fromWarehouseId, quantity, reason } }];
}

function reverseTransfer({ data }: ReverseStockTransfer, state: StockState): readonly StockEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  const sent = transferOf(state, data.transferId);
  if (!sent || sent.direction !== 'out') throw transferNotFound(data.transferId);
  if (sent.reversed === true) return [];
  const onHand = state.onHand + sent.quantity;
  if (!Number.isSafeInteger(onHand)) throw invalidQuantity(sent.quantity);
  const { sku, warehouseId, transferId } = data;
  return [
    {
      type: 'StockTransferReversed',
      data: { sku, warehouseId, transferId, toWarehouseId: sent.counterpart, quantity: sent.quantity, reason, onHand, available: availableStock(state) + sent.quantity },
    },
  ];
}

function setThreshold({ data }: SetStockThreshold): readonly StockEvent[] {
  if (!Number.isSafeInteger(data.lowStock) || data.lowStock < 0) throw invalidThreshold(data.lowStock);
  const { sku, warehouseId, lowStock } = data;
  return [{ type: 'StockThresholdSet', data: { sku, warehouseId, lowStock } }];
}

/**
 * The command's events followed by the alert its change of level causes, if any
 * (levels compare before the first and after the last event; no threshold, no alert).
 */
function withAlerts(state: StockState, events: readonly StockEvent[]): readonly StockEvent[] {
  if (events.length === 0) return events;
  const after = events.reduce(evolveStock, state);
  const alert = alertFor(stockLevel(state), stockLevel(after), after);
  return alert ? [...events, alert] : events;
}

function alertFor(before: StockLevel, after: StockLevel, state: StockState): StockEvent | undefined {
  if (after === 'untracked' || before === after || state.lowStock === undefined) return undefined;
  const figures = { sku: state.sku, warehouseId: state.warehouseId, available: availableStock(state), threshold: state.lowStock };
  if (after === 'out') return { type: 'OutOfStock', data: figures };
  if (before === 'out') return { type: 'BackInStock', data: { ...figures, low: after === 'low' } };
  if (after === 'low') return { type: 'LowStock', data: figures };
  if (before === 'low') return { type: 'LowStockCleared', data: figures };
  return undefined;
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
