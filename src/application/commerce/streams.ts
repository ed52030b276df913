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

/**
 * A stream of a category the event-store port does not list (yet): same convention,
 * `<category>-<tenant>:<id>`, the category being everything before the first `-`.
 */
function categoryStream(category: 'promotion' | 'giftcheque' | 'checkout', tenantId: string, id: string): string {
  return `${category}-${tenantId}:${id}`;
}

/** Stream of a campaign, keyed by its coupon code: `promotion-<tenant>:<code>`. */
export const promotionStream = (tenantId: string, code: string) => categoryStream('promotion', tenantId, code);
/** Stream of a gift cheque, keyed by its code: `giftcheque-<tenant>:<code>`. */
export const giftChequeStream = (tenantId: string, code: string) => categoryStream('giftcheque', tenantId, code);
/** Stream of the checkout process of an order: `checkout-<tenant>:<orderId>`. */
export const checkoutStream = (tenantId: string, orderId: string) => categoryStream('checkout', tenantId, orderId);
