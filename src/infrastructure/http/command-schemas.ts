import { z } from 'zod';
import { categoryPath } from '../../domain/product/index.js';
import { isInstant } from '../../domain/shared/time.js';
import { currency, id, money, quantity, text } from './validation.js';

/**
 * Request bodies of the command routes. Every object is strict: an unknown key is a
 * 400 `validation-failed` naming it. Shapes only; business rules (positive prices,
 * matching currencies, stock, …) are the domain's and answer 409/422.
 */

/**
 * `POST /commands/products/register`; `category`: a path of segments separated by `/` or `>`
 * (`Home > Kitchen`), at least one of them not empty (` > ` is refused); `taxRate`: KDV
 * percent (0, 1, 10, 20 — the domain answers 422 `invalid-tax-rate` otherwise; default 20).
 */
export const registerProductBody = z.strictObject({
  sku: id,
  name: text(200),
  category: text(100).refine((c) => categoryPath(c) !== '', { error: 'must have a segment that is not empty (not only / or >)' }),
  price: money,
  taxRate: z.int({ error: 'must be a whole number of percent' }).optional(),
});

/** `POST /commands/products/change-price`. */
export const changeProductPriceBody = z.strictObject({ sku: id, price: money });

/** `POST /commands/stock/receive`. */
export const receiveStockBody = z.strictObject({ sku: id, warehouseId: id, quantity, reference: text(200) });

/** `POST /commands/wallets/open`. */
export const openWalletBody = z.strictObject({ customerId: id, currency });

/**
 * `POST /commands/wallets/credit`. `creditId` names the credit (derived from the command id when
 * absent): the same credit again is a no-op, the same id with other content `409 credit-exists`.
 */
export const creditWalletBody = z.strictObject({
  customerId: id,
  creditId: id.optional(),
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

/**
 * `POST /commands/baskets/check-out`; `orderId` is derived from the command id (UUID-shaped)
 * when absent, so a retry with the same Idempotency-Key resumes the same order; `warehouses`:
 * other warehouses the lines may be allocated from, in priority order. `shipping` and
 * `payment.external.captured: true` are an admin's only (the route refuses them from a customer);
 * `shipping` absent → priced by the configured shipping policy.
 */
export const checkOutBody = z.strictObject({
  basketId: id,
  orderId: id.optional(),
  shipping: money.optional(),
  warehouses: z.array(id).max(20, { error: 'must list at most 20 warehouses' }).optional(),
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

/**
 * An ISO 8601 time with a UTC offset or `Z` (e.g. `2026-12-31T23:59:59.000+03:00`) that
 * exists as written (the domain's `isInstant`): a real calendar day (not `2030-02-30`,
 * which `Date.parse` reads as 2030-03-02), hours 00–23, an offset of at most ±14:00,
 * in the years 0001–9999.
 */
export const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, { error: 'must be an ISO 8601 time with an offset, e.g. 2026-12-31T23:59:59+03:00' })
  .refine(isInstant, { error: 'must be a time that exists' });

/** A signed stock correction: a whole number from −1,000,000 to 1,000,000 (0 is refused by the domain). */
const signedQuantity = z
  .int({ error: 'must be a whole number' })
  .min(-1_000_000, { error: 'must be at least -1000000' })
  .max(1_000_000, { error: 'must be at most 1000000' });

/** `POST /commands/stock/adjust`. */
export const adjustStockBody = z.strictObject({ sku: id, warehouseId: id, quantity: signedQuantity, reason: text(200), reference: text(200) });

/** `POST /commands/stock/transfer`; `transferId` is derived from the command id when absent. */
export const transferStockBody = z.strictObject({ sku: id, fromWarehouseId: id, toWarehouseId: id, quantity, transferId: id.optional() });

/** `POST /commands/stock/set-threshold`. */
export const setStockThresholdBody = z.strictObject({
  sku: id,
  warehouseId: id,
  lowStock: z.int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }).max(1_000_000, { error: 'must be at most 1000000' }),
});

/** `POST /commands/wallets/request-top-up`; `requestId` derived from the command id when absent. */
export const requestTopUpBody = z.strictObject({
  customerId: id,
  requestId: id.optional(),
  amount: money,
  method: z.enum(['card', 'bank-transfer']),
  reference: text(200),
});

/** `POST /commands/wallets/approve-top-up` and `approve-withdrawal`. */
export const walletRequestBody = z.strictObject({ customerId: id, requestId: id });

/** `POST /commands/wallets/reject-top-up` and `reject-withdrawal`. */
export const rejectWalletRequestBody = z.strictObject({ customerId: id, requestId: id, reason: text(500) });

/** `POST /commands/wallets/grant-bonus`; `lotId` derived from the command id when absent. */
export const grantBonusBody = z.strictObject({
  customerId: id,
  lotId: id.optional(),
  amount: money,
  expiresAt: isoTime,
  reason: text(200),
  reference: text(200),
});

/** `POST /commands/wallets/expire-bonus` (a scheduler's call; the time is the server's). */
export const expireBonusBody = z.strictObject({ customerId: id });

/** `POST /commands/wallets/request-withdrawal`; `requestId` derived from the command id when absent. */
export const requestWithdrawalBody = z.strictObject({ customerId: id, requestId: id.optional(), amount: money, destination: text(64) });

/** `POST /commands/wallets/transfer`; `transferId` derived from the command id when absent. */
export const transferBody = z.strictObject({ fromCustomerId: id, toCustomerId: id, amount: money, transferId: id.optional() });

/** `POST /commands/wallets/freeze`. */
export const freezeWalletBody = z.strictObject({ customerId: id, reason: text(500) });

/** `POST /commands/wallets/unfreeze`. */
export const unfreezeWalletBody = z.strictObject({ customerId: id });

/** `POST /commands/gift-cheques/issue`. */
export const issueGiftChequeBody = z.strictObject({ code: id, amount: money, expiresAt: isoTime, note: text(200).optional() });

/** `POST /commands/gift-cheques/redeem`. */
export const redeemGiftChequeBody = z.strictObject({ code: id, customerId: id });

/** `POST /commands/baskets/open-guest`; `guestId` is the caller's subject for customers; `basketId` generated when absent. */
export const openGuestBasketBody = z.strictObject({ basketId: id.optional(), guestId: text(256).optional(), currency });

/** `POST /commands/baskets/assign`: give guest basket `basketId` (of session `guestId`) to the caller, merging into `customerBasketId` when given. */
export const assignBasketBody = z.strictObject({ basketId: id, guestId: text(256), customerId: id.optional(), customerBasketId: id.optional() });

/** `POST /commands/baskets/apply-coupon`. */
export const applyCouponBody = z.strictObject({ basketId: id, code: id });

/** `POST /commands/baskets/remove-coupon`. */
export const removeCouponBody = z.strictObject({ basketId: id });

/** `POST /commands/baskets/abandon` (a scheduler's call; the time is the server's). */
export const abandonBasketBody = z.strictObject({
  basketId: id,
  idleMinutes: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(525_600, { error: 'must be at most 525600' }).optional(),
});

/** `POST /commands/orders/record-payment`: the card provider's (or an admin's, for a bank transfer) result. */
export const recordPaymentBody = z.strictObject({
  orderId: id,
  method: z.enum(['card', 'bank-transfer', 'boleto']),
  reference: text(200),
  amount: money,
  outcome: z.enum(['captured', 'declined']),
  reason: text(500).optional(),
});

/** `POST /commands/orders/expire-unpaid` (a scheduler's call; the time is the server's). */
export const expireUnpaidBody = z.strictObject({ orderId: id });

/** `POST /commands/orders/start-processing`. */
export const startProcessingBody = z.strictObject({ orderId: id });

/** `POST /commands/orders/return-items`; `returnId` derived from the command id when absent. */
export const returnItemsBody = z.strictObject({
  orderId: id,
  returnId: id.optional(),
  items: z
    .array(z.strictObject({ sku: id, quantity }))
    .min(1, { error: 'must list at least one item' })
    .max(200, { error: 'must list at most 200 items' }),
  reason: text(500),
  restock: z.boolean().optional(),
});

/** `POST /commands/orders/refund`; `refundId` derived from the command id when absent. */
export const refundOrderBody = z.strictObject({ orderId: id, refundId: id.optional(), amount: money, reason: text(500) });

/** `POST /commands/promotions/create`. */
export const createCampaignBody = z.strictObject({
  code: id,
  name: text(200),
  discount: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('percentage'), percent: z.int({ error: 'must be a whole number' }) }),
    z.strictObject({ kind: z.literal('fixed'), amount: money }),
  ]),
  currency,
  minimumBasket: money.optional(),
  validFrom: isoTime,
  validUntil: isoTime,
  totalUsageLimit: z.int({ error: 'must be a whole number' }).optional(),
  perCustomerLimit: z.int({ error: 'must be a whole number' }).optional(),
});

/** `POST /commands/promotions/end`. */
export const endCampaignBody = z.strictObject({ code: id, reason: text(500) });
