import { z } from 'zod';
import { currency, id, money, quantity, text } from './validation.js';

/**
 * Request bodies of the command routes. Every object is strict: an unknown key is a
 * 400 `validation-failed` naming it. Shapes only; business rules (positive prices,
 * matching currencies, stock, …) are the domain's and answer 409/422.
 */

/** `POST /commands/products/register`. */
export const registerProductBody = z.strictObject({ sku: id, name: text(200), category: text(100), price: money });

/** `POST /commands/products/change-price`. */
export const changeProductPriceBody = z.strictObject({ sku: id, price: money });

/** `POST /commands/stock/receive`. */
export const receiveStockBody = z.strictObject({ sku: id, warehouseId: id, quantity, reference: text(200) });

/** `POST /commands/wallets/open`. */
export const openWalletBody = z.strictObject({ customerId: id, currency });

/** `POST /commands/wallets/credit`. */
export const creditWalletBody = z.strictObject({
  customerId: id,
  amount: money,
  reason: z.enum(['top-up', 'voucher', 'gift', 'adjustment']),
  reference: text(200),
});

/** `POST /commands/baskets/open`; `basketId` is generated (UUID) when absent. */
export const openBasketBody = z.strictObject({ basketId: id.optional(), customerId: id, currency });

/** `POST /commands/baskets/add-item`. */
export const addItemBody = z.strictObject({ basketId: id, sku: id, quantity, warehouseId: id });

/** `POST /commands/baskets/remove-item`. */
export const removeItemBody = z.strictObject({ basketId: id, sku: id });

/** `POST /commands/baskets/change-quantity`. */
export const changeQuantityBody = z.strictObject({ basketId: id, sku: id, quantity });

/** `POST /commands/baskets/check-out`; `orderId` is generated (UUID) when absent. */
export const checkOutBody = z.strictObject({
  basketId: id,
  orderId: id.optional(),
  shipping: money,
  payment: z.strictObject({
    wallet: money.optional(),
    external: z
      .strictObject({
        method: z.enum(['card', 'bank-transfer', 'boleto']),
        reference: text(200),
        captured: z.boolean(),
      })
      .optional(),
  }),
});

/** `POST /commands/orders/confirm-payment`. */
export const confirmPaymentBody = z.strictObject({
  orderId: id,
  payments: z
    .array(
      z.strictObject({
        method: z.enum(['wallet', 'card', 'bank-transfer', 'boleto']),
        amount: money,
        reference: text(200),
      }),
    )
    .min(1, { error: 'must list at least one payment' })
    .max(20, { error: 'must list at most 20 payments' }),
});

/** `POST /commands/orders/ship`. */
export const shipOrderBody = z.strictObject({ orderId: id, carrier: text(100).optional(), trackingNumber: text(100).optional() });

/** `POST /commands/orders/deliver`. */
export const deliverOrderBody = z.strictObject({ orderId: id });

/** `POST /commands/orders/cancel`. */
export const cancelOrderBody = z.strictObject({ orderId: id, reason: text(500) });
