import type { StockEvent } from './events.js';

/**
 * One SKU in one warehouse. Counts are whole units. `reserved` is the sum of
 * `reservations` (orderId → units held); `reservationExpiry` holds each hold's expiry when
 * it has one. `shipped`/`returned` count units per order (for returns); `transfers` maps
 * transfer ids seen here to their direction, quantity and other warehouse (`reversed`: an out
 * transfer given back, with `reason`); `refusals` maps transfer ids this warehouse refused to
 * receive to the refused transfers by source warehouse (such an id is spent here: never
 * received afterwards); `returns` maps `<orderId>:<returnId>` to units.
 * `lowStock` is the alert threshold, undefined until set (no alerts before).
 * A stream with no events has empty ids and zero counts; stock that never arrived simply has none available.
 */
export interface StockState {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly reservations: Readonly<Record<string, number>>;
  readonly reservationExpiry: Readonly<Record<string, string>>;
  readonly shipped: Readonly<Record<string, number>>;
  readonly returned: Readonly<Record<string, number>>;
  readonly returns: Readonly<Record<string, number>>;
  readonly transfers: Readonly<Record<string, StockTransferRecord>>;
  readonly refusals: Readonly<Record<string, Readonly<Record<string, StockTransferRefusal>>>>;
  readonly lowStock: number | undefined;
}

/** A transfer as one warehouse saw it: `counterpart` is the other warehouse; `reversed` (out only) once given back, with `reason`. */
export interface StockTransferRecord {
  readonly direction: 'out' | 'in';
  readonly quantity: number;
  readonly counterpart: string;
  readonly reversed?: boolean;
  readonly reason?: string;
}

/** A transfer this warehouse refused to receive: its `quantity` and the refusal's `reason` (`transfer-refused:<code>`). */
export interface StockTransferRefusal {
  readonly quantity: number;
  readonly reason: string;
}

/** The state of a stock stream with no events. */
export const initialStockState: StockState = {
  sku: '',
  warehouseId: '',
  onHand: 0,
  reserved: 0,
  reservations: {},
  reservationExpiry: {},
  shipped: {},
  returned: {},
  returns: {},
  transfers: {},
  refusals: {},
  lowStock: undefined,
};

/** Where available stock stands against the threshold; `untracked` while no threshold is set. */
export type StockLevel = 'untracked' | 'ok' | 'low' | 'out';

/** Units that can still be reserved: onHand − reserved. */
export function availableStock(state: StockState): number {
  return state.onHand - state.reserved;
}

/**
 * The level of `available` units against a low-stock `threshold`: `out` at 0 (or below),
 * `low` at or below the threshold, else `ok`. The one rule of the stock aggregate's alerts;
 * read models that show stock levels apply it too, so they agree with the alerts.
 */
export function stockLevelOf(available: number, threshold: number): Exclude<StockLevel, 'untracked'> {
  if (available <= 0) return 'out';
  return available <= threshold ? 'low' : 'ok';
}

/** `stockLevelOf` the state's available units and threshold; `untracked` without a threshold. */
export function stockLevel(state: StockState): StockLevel {
  if (state.lowStock === undefined) return 'untracked';
  return stockLevelOf(availableStock(state), state.lowStock);
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The units reserved for `orderId`, or undefined when it holds none (own keys only). */
export function reservationOf(state: StockState, orderId: string): number | undefined {
  return own(state.reservations, orderId);
}

/** Units shipped for `orderId` from here and not yet returned. */
export function returnableFor(state: StockState, orderId: string): number {
  return (own(state.shipped, orderId) ?? 0) - (own(state.returned, orderId) ?? 0);
}

/** The transfer `transferId` as recorded here, if any. */
export function transferOf(state: StockState, transferId: string): StockState['transfers'][string] | undefined {
  return own(state.transfers, transferId);
}

/** Whether this very transfer (`transferId` of `quantity` units from `fromWarehouseId`) was received here. */
export function hasReceived(state: StockState, transfer: { transferId: string; fromWarehouseId: string; quantity: number }): boolean {
  const held = transferOf(state, transfer.transferId);
  return held?.direction === 'in' && held.counterpart === transfer.fromWarehouseId && held.quantity === transfer.quantity;
}

/**
 * The refusal recorded here of transfer `transferId` from `fromWarehouseId`, if any; with
 * `fromWarehouseId` undefined, whether any transfer under that id was refused here (the first
 * such refusal).
 */
export function refusalOf(state: StockState, transferId: string, fromWarehouseId?: string): StockTransferRefusal | undefined {
  const bySource = own(state.refusals, transferId);
  if (bySource === undefined) return undefined;
  return fromWarehouseId === undefined ? Object.values(bySource)[0] : own(bySource, fromWarehouseId);
}

/** Units already put back for return `returnId` of order `orderId`, if any (return ids are per order). */
export function returnOf(state: StockState, orderId: string, returnId: string): number | undefined {
  return own(state.returns, `${orderId}:${returnId}`);
}

/**
 * The stock state after one event. Counts are recomputed from the event's quantity;
 * the "after" figures in events are for projections. Alert events change nothing. Total: never throws.
 */
export function evolveStock(state: StockState, event: StockEvent): StockState {
  const { sku, warehouseId } = event.data;
  const base = { ...state, sku, warehouseId };
  switch (event.type) {
    case 'StockReceived':
      return { ...base, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { orderId, quantity, expiresAt } = event.data;
      return {
        ...base,
        reserved: state.reserved + quantity,
        reservations: { ...state.reservations, [orderId]: quantity },
        reservationExpiry: expiresAt === undefined ? state.reservationExpiry : { ...state.reservationExpiry, [orderId]: expiresAt },
      };
    }
    case 'StockReleased':
      return { ...dropReservation(base, event.data.orderId, event.data.quantity) };
    case 'StockShipped': {
      const { orderId, quantity } = event.data;
      return {
        ...dropReservation(base, orderId, quantity),
        onHand: state.onHand - quantity,
        shipped: { ...state.shipped, [orderId]: (own(state.shipped, orderId) ?? 0) + quantity },
      };
    }
    case 'StockAdjusted':
      return { ...base, onHand: state.onHand + event.data.quantity };
    case 'StockReturned': {
      const { orderId, quantity, returnId } = event.data;
      return {
        ...base,
        onHand: state.onHand + quantity,
        returned: { ...state.returned, [orderId]: (own(state.returned, orderId) ?? 0) + quantity },
        returns: { ...state.returns, [`${orderId}:${returnId}`]: quantity },
      };
    }
    case 'StockTransferredOut': {
      const { transferId, quantity, toWarehouseId } = event.data;
      return {
        ...base,
        onHand: state.onHand - quantity,
        transfers: { ...state.transfers, [transferId]: { direction: 'out', quantity, counterpart: toWarehouseId } },
      };
    }
    case 'StockTransferredIn': {
      const { transferId, quantity, fromWarehouseId } = event.data;
      return {
        ...base,
        onHand: state.onHand + quantity,
        transfers: { ...state.transfers, [transferId]: { direction: 'in', quantity, counterpart: fromWarehouseId } },
      };
    }
    case 'StockTransferRefused': {
      const { transferId, fromWarehouseId, quantity, reason } = event.data;
      const bySource = { ...own(state.refusals, transferId), [fromWarehouseId]: { quantity, reason } };
      return { ...base, refusals: { ...state.refusals, [transferId]: bySource } };
    }
    case 'StockTransferReversed': {
      const { transferId, quantity, toWarehouseId, reason } = event.data;
      return {
        ...base,
        onHand: state.onHand + quantity,
        transfers: { ...state.transfers, [transferId]: { direction: 'out', quantity, counterpart: toWarehouseId, reversed: true, reason } },
      };
    }
    case 'StockThresholdSet':
      return { ...base, lowStock: event.data.lowStock };
    case 'LowStock':
    case 'OutOfStock':
    case 'BackInStock':
    case 'LowStockCleared':
      return base;
  }
}

function dropReservation(state: StockState, orderId: string, quantity: number): StockState {
  const { [orderId]: _dropped, ...reservations } = state.reservations;
  const { [orderId]: _expiry, ...reservationExpiry } = state.reservationExpiry;
  return { ...state, reserved: state.reserved - quantity, reservations, reservationExpiry };
}
