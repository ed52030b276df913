import type { DomainEvent } from '../shared/index.js';

/*
 * Counts are whole units. `onHand` is the on-hand count after the event; `available`
 * = on hand − reserved after the event.
 */

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

/**
 * `quantity` units were reserved for `orderId`; `available` (onHand − reserved) is after the event.
 * `expiresAt` (new, optional): when the hold lapses if the order is still unpaid.
 */
export type StockReserved = DomainEvent<
  'StockReserved',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly quantity: number;
    readonly available: number;
    readonly expiresAt?: string;
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

/** On-hand stock was corrected by `quantity` (signed) for `reason`; counts after. */
export type StockAdjusted = DomainEvent<
  'StockAdjusted',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly quantity: number;
    readonly reason: string;
    readonly reference: string;
    readonly onHand: number;
    readonly available: number;
  }
>;

/** `quantity` units shipped for `orderId` came back (return `returnId`) and are on hand again; counts after. */
export type StockReturned = DomainEvent<
  'StockReturned',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly returnId: string;
    readonly quantity: number;
    readonly onHand: number;
    readonly available: number;
  }
>;

/** `quantity` units left for `toWarehouseId` (transfer `transferId`); counts after. */
export type StockTransferredOut = DomainEvent<
  'StockTransferredOut',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly transferId: string;
    readonly toWarehouseId: string;
    readonly quantity: number;
    readonly onHand: number;
    readonly available: number;
  }
>;

/** `quantity` units arrived from `fromWarehouseId` (transfer `transferId`); counts after. */
export type StockTransferredIn = DomainEvent<
  'StockTransferredIn',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly transferId: string;
    readonly fromWarehouseId: string;
    readonly quantity: number;
    readonly onHand: number;
    readonly available: number;
  }
>;

/**
 * This warehouse refused transfer `transferId` of `quantity` units from `fromWarehouseId` for
 * `reason` (`transfer-refused:<error code>` of its receiving half, e.g. `transfer-exists` when
 * another transfer holds the id here) and will never receive it: the id is spent here. Moves
 * no units; the source is reversed after it (`StockTransferReversed`).
 */
export type StockTransferRefused = DomainEvent<
  'StockTransferRefused',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly transferId: string;
    readonly fromWarehouseId: string;
    readonly quantity: number;
    readonly reason: string;
  }
>;

/**
 * Compensation of transfer `transferId` sent from here: its receiving half at `toWarehouseId`
 * was refused, so the `quantity` units are back on hand here; `reason` says why
 * (`transfer-refused:<error code>`); counts after. The transfer id is spent here.
 */
export type StockTransferReversed = DomainEvent<
  'StockTransferReversed',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly transferId: string;
    readonly toWarehouseId: string;
    readonly quantity: number;
    readonly reason: string;
    readonly onHand: number;
    readonly available: number;
  }
>;

/** The low-stock threshold of this SKU here is now `lowStock` units; alerts are on. */
export type StockThresholdSet = DomainEvent<
  'StockThresholdSet',
  { readonly sku: string; readonly warehouseId: string; readonly lowStock: number }
>;

/** Alert: available fell to `available` ≤ `threshold` (but above 0) from above the threshold. */
export type LowStock = DomainEvent<
  'LowStock',
  { readonly sku: string; readonly warehouseId: string; readonly available: number; readonly threshold: number }
>;

/** Alert: nothing is available any more (`available` = 0). */
export type OutOfStock = DomainEvent<
  'OutOfStock',
  { readonly sku: string; readonly warehouseId: string; readonly available: number; readonly threshold: number }
>;

/** Alert cleared: available went from 0 to `available`; `low` tells whether it is still at or below the threshold. */
export type BackInStock = DomainEvent<
  'BackInStock',
  { readonly sku: string; readonly warehouseId: string; readonly available: number; readonly threshold: number; readonly low: boolean }
>;

/** Alert cleared: available rose from at-or-below the threshold to above it. */
export type LowStockCleared = DomainEvent<
  'LowStockCleared',
  { readonly sku: string; readonly warehouseId: string; readonly available: number; readonly threshold: number }
>;

/** Every event the stock decider emits. */
export type StockEvent =
  | StockReceived
  | StockReserved
  | StockReleased
  | StockShipped
  | StockAdjusted
  | StockReturned
  | StockTransferredOut
  | StockTransferredIn
  | StockTransferRefused
  | StockTransferReversed
  | StockThresholdSet
  | LowStock
  | OutOfStock
  | BackInStock
  | LowStockCleared;

const names: { readonly [K in StockEvent['type']]: K } = {
  StockReceived: 'StockReceived',
  StockReserved: 'StockReserved',
  StockReleased: 'StockReleased',
  StockShipped: 'StockShipped',
  StockAdjusted: 'StockAdjusted',
  StockReturned: 'StockReturned',
  StockTransferredOut: 'StockTransferredOut',
  StockTransferredIn: 'StockTransferredIn',
  StockTransferRefused: 'StockTransferRefused',
  StockTransferReversed: 'StockTransferReversed',
  StockThresholdSet: 'StockThresholdSet',
  LowStock: 'LowStock',
  OutOfStock: 'OutOfStock',
  BackInStock: 'BackInStock',
  LowStockCleared: 'LowStockCleared',
};

/** The type names of every stock event (for subscriptions and importers). */
export const stockEventTypes: readonly StockEvent['type'][] = Object.freeze(Object.values(names));

/** The stock alert events (low, out, back in, low cleared): they change no count. */
export const stockAlertEventTypes: readonly StockEvent['type'][] = Object.freeze(['LowStock', 'OutOfStock', 'BackInStock', 'LowStockCleared']);
