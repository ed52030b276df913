import type { DomainCommand } from '../shared/index.js';

/** Adds `quantity` units (positive integer) of `sku` to `warehouseId`'s on-hand stock; `reference` names the delivery (e.g. a purchase order). */
export type ReceiveStock = DomainCommand<
  'ReceiveStock',
  { readonly sku: string; readonly warehouseId: string; readonly quantity: number; readonly reference: string }
>;

/** Holds `quantity` units (positive integer) of available stock for `orderId`. */
export type ReserveStock = DomainCommand<
  'ReserveStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string; readonly quantity: number }
>;

/** Gives back the whole reservation held for `orderId`; `reason` is free text (e.g. `order-cancelled`). */
export type ReleaseStock = DomainCommand<
  'ReleaseStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string; readonly reason: string }
>;

/** Ships the whole reservation held for `orderId`: removes it and the same quantity from on-hand stock. */
export type ShipStock = DomainCommand<
  'ShipStock',
  { readonly sku: string; readonly warehouseId: string; readonly orderId: string }
>;

/** Every command the stock decider accepts. */
export type StockCommand = ReceiveStock | ReserveStock | ReleaseStock | ShipStock;
