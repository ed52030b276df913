import type { DomainCommand } from '../shared/index.js';

/** Adds `quantity` units (positive integer) of `sku` to `warehouseId`'s on-hand stock; `reference` names the delivery (e.g. a purchase order). */
export type ReceiveStock = DomainCommand<
  'ReceiveStock',
  { readonly sku: string; readonly warehouseId: string; readonly quantity: number; readonly reference: string }
>;

/**
 * Holds `quantity` units (positive integer) of available stock for `orderId`, until
 * `expiresAt` (ISO 8601) when given: the checkout process cancels the unpaid order at that
 * time and releases the hold (see `ExpireUnpaidOrder` on the order). Reserving the same
 * quantity again for the same order is a no-op (retry-safe).
 */
export type ReserveStock = DomainCommand<
  'ReserveStock',
  {
    readonly sku: string;
    readonly warehouseId: string;
    readonly orderId: string;
    readonly quantity: number;
    readonly expiresAt?: string;
  }
>;

/** Gives back the whole reservation held for `orderId`; `reason` is free text (e.g. `order-cancelled`). */
export type ReleaseStock = DomainCommand<
  'ReleaseStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string; readonly reason: string }
>;

/** Commits the whole reservation held for `orderId` on shipment: removes it and the same quantity from on-hand stock. */
export type ShipStock = DomainCommand<
  'ShipStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string }
>;

/**
 * Corrects on-hand stock by `quantity` (a non-zero integer: + found, − lost/damaged) for
 * `reason` (non-empty, e.g. `stock-count`, `damaged`), `reference` (e.g. the count sheet).
 */
export type AdjustStock = DomainCommand<
  'AdjustStock',
  { readonly sku: string; readonly warehouseId: string; readonly quantity: number; readonly reason: string; readonly reference: string }
>;

/**
 * Puts `quantity` units of a shipped order back on hand (a customer return, `returnId`).
 * At most what the order shipped from here minus what it returned; idempotent per `returnId`.
 */
export type ReturnStock = DomainCommand<
  'ReturnStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string; readonly quantity: number; readonly returnId: string }
>;

/**
 * The sending half of transfer `transferId`: `quantity` available units leave for `toWarehouseId`.
 * Idempotent per transfer; once reversed (`ReverseStockTransfer`) the id is spent (`transfer-reversed`).
 */
export type TransferStockOut = DomainCommand<
  'TransferStockOut',
  { readonly sku: string; readonly warehouseId: string; readonly transferId: string; readonly toWarehouseId: string; readonly quantity: number }
>;

/**
 * The receiving half of transfer `transferId`: `quantity` units arrive from `fromWarehouseId`.
 * Idempotent per transfer; refused for good once this warehouse recorded a refusal of the id
 * (`RefuseStockTransfer`): `transfer-reversed` for that transfer, `transfer-exists` for another.
 */
export type TransferStockIn = DomainCommand<
  'TransferStockIn',
  { readonly sku: string; readonly warehouseId: string; readonly transferId: string; readonly fromWarehouseId: string; readonly quantity: number }
>;

/**
 * Records on the destination that it will never receive transfer `transferId` of `quantity`
 * units from `fromWarehouseId` (its `TransferStockIn` was refused; `reason` non-empty, e.g.
 * `transfer-refused:transfer-exists`), so that the source may be reversed without the
 * destination ever accepting the transfer later: the id is spent here. A no-op when this
 * refusal is recorded already, or when this very transfer was received (the receipt stands:
 * read the state to see which). Recorded even when the id is held here by another transfer
 * (the usual cause of the refusal), without touching that transfer.
 */
export type RefuseStockTransfer = DomainCommand<
  'RefuseStockTransfer',
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
 * Gives back the units of transfer `transferId` sent from here whose receiving half was
 * refused (compensation): they are on hand and available again. `reason` is non-empty
 * (e.g. `transfer-refused:transfer-exists`). Idempotent per transfer. Send it only once the
 * destination can no longer receive the transfer (`RefuseStockTransfer` recorded there): the
 * decider cannot see the other warehouse.
 */
export type ReverseStockTransfer = DomainCommand<
  'ReverseStockTransfer',
  { readonly sku: string; readonly warehouseId: string; readonly transferId: string; readonly reason: string }
>;

/**
 * Sets the low-stock threshold of this SKU in this warehouse (a whole number ≥ 0) and turns
 * stock alerts on: available ≤ threshold is low, 0 is out of stock.
 */
export type SetStockThreshold = DomainCommand<
  'SetStockThreshold',
  { readonly sku: string; readonly warehouseId: string; readonly lowStock: number }
>;

/** Every command the stock decider accepts. */
export type StockCommand =
  | ReceiveStock
  | ReserveStock
  | ReleaseStock
  | ShipStock
  | AdjustStock
  | ReturnStock
  | TransferStockOut
  | TransferStockIn
  | RefuseStockTransfer
  | ReverseStockTransfer
  | SetStockThreshold;
