import { streamName } from '../ports/event-store.js';

/** Stream of a product: one per SKU. */
export const productStream = (tenantId: string, sku: string) => streamName('product', tenantId, sku);
/** Stream of one SKU's stock in one warehouse: `stock-<tenant>:<sku>@<warehouse>`. */
export const stockStream = (tenantId: string, sku: string, warehouseId: string) =>
  streamName('stock', tenantId, `${sku}@${warehouseId}`);
/** Stream of a basket. */
export const basketStream = (tenantId: string, basketId: string) => streamName('basket', tenantId, basketId);
/** Stream of an order. */
export const orderStream = (tenantId: string, orderId: string) => streamName('order', tenantId, orderId);
/** Stream of a customer's wallet (one wallet per customer: wallet id = customer id). */
export const walletStream = (tenantId: string, walletId: string) => streamName('wallet', tenantId, walletId);
