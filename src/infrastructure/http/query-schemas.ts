import { z } from 'zod';
import { TOP_SELLER_RANKINGS } from '../../application/queries/analytics-queries.js';
import { CATALOGUE_SORTS } from '../../application/queries/catalogue-queries.js';
import { SEGMENT_NAMES } from '../../application/queries/segmentation.js';
import { PAYMENT_OUTCOMES } from '../../projections/index.js';
import { currency, day, id, position, queryInt, text } from './validation.js';

/**
 * Querystrings and path parameters of the query routes. Strict: an unknown parameter is
 * a 400 `validation-failed` naming it; a repeated one fails as "expected string".
 * Every query takes `position` (`<commit>/<prepare>`) to wait for.
 */

const page = { limit: queryInt(1, 500).default(50), offset: queryInt(0, 1_000_000).default(0) };

/** Order statuses as the orders read model stores them. */
export const ORDER_STATUSES = ['pending', 'confirmed', 'processing', 'shipped', 'delivered', 'returned', 'cancelled'] as const;

/** `GET /queries/catalogue/:sku`. */
export const skuParams = z.strictObject({ sku: id });

/** `GET /queries/orders`: `status?`, `customerId?`, `limit`, `offset`, `position?`. */
export const ordersQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  customerId: id.optional(),
  ...page,
  position: position.optional(),
});

/** `GET /queries/orders/:orderId`. */
export const orderIdParams = z.strictObject({ orderId: id });

/** `GET /queries/sales/daily`: `from?`, `to?` (days `YYYY-MM-DD`, inclusive, from ≤ to), `category?` (one category, spelled `Home > Kitchen` or `Home/Kitchen`), `limit`, `offset`, `position?`. */
export const dailySalesQuery = z
  .strictObject({ from: day.optional(), to: day.optional(), category: text(200).optional(), ...page, position: position.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'must not be before from', path: ['to'] });

/** Querystring of routes that only take `position` (`GET /queries/catalogue/:sku`, `/orders/:orderId`, `/reports/sales`). */
export const positionOnlyQuery = z.strictObject({ position: position.optional() });

const minor = z
  .string()
  .regex(/^\d{1,15}$/, { error: 'must be a whole number of minor units' })
  .transform(Number);
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
/** An ISO 4217 currency code in use (`currency` of validation.ts). */
export const currencyCode = currency;
const period = { from: day.optional(), to: day.optional() };
const fromNotAfterTo = (q: { from?: string | undefined; to?: string | undefined }) => q.from === undefined || q.to === undefined || q.from <= q.to;
const periodRefine = { error: 'must not be before from', path: ['to'] };

/**
 * `GET /queries/catalogue`: `category?` (a category path: it and everything under it),
 * `q?` (words starting words of the name), `minPrice?`/`maxPrice?` (minor units,
 * inclusive, min ≤ max), `inStock?` (`true`: only products with units available; `false`:
 * only those out of stock, none available), `stockStatus?` (`in-stock`, `low`,
 * `out`), `sort?` (`sku`, `name`, `price`, `available`, `-` for descending; default `sku`),
 * `limit`, `offset`, `position?`.
 */
export const catalogueSearchQuery = z
  .strictObject({
    category: text(200).optional(),
    q: text(200).optional(),
    minPrice: minor.optional(),
    maxPrice: minor.optional(),
    inStock: flag.optional(),
    stockStatus: z.enum(['in-stock', 'low', 'out']).optional(),
    sort: z.enum(CATALOGUE_SORTS).optional(),
    ...page,
    position: position.optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, { error: 'must not be below minPrice', path: ['maxPrice'] });

/** `GET /queries/catalogue/categories`: `root?` (a category path), `position?`. */
export const categoriesQuery = z.strictObject({ root: text(200).optional(), position: position.optional() });

/** `GET /queries/analytics/sales`: `granularity` (`day` default, or `hour`), `from?`, `to?`, `currency?`, `limit`, `offset`, `position?`. */
export const analyticsSalesQuery = z
  .strictObject({ granularity: z.enum(['day', 'hour']).default('day'), ...period, currency: currencyCode.optional(), ...page, position: position.optional() })
  .refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/categories`: `from?`, `to?`, `currency?`, `limit`, `offset`, `position?`. */
export const analyticsCategoriesQuery = z
  .strictObject({ ...period, currency: currencyCode.optional(), ...page, position: position.optional() })
  .refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/products`: `from?`, `to?`, `sku?`, `limit`, `offset`, `position?`. */
export const analyticsProductsQuery = z.strictObject({ ...period, sku: id.optional(), ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/**
 * `GET /queries/analytics/top-sellers`: `from?`, `to?`, `by` (`units` default, `gmv`, or
 * `net-units`: units − cancelled − returned in the period), `category?`, `currency?`,
 * `limit` (default 10), `offset`, `position?`.
 */
export const topSellersQuery = z
  .strictObject({
    ...period,
    by: z.enum(TOP_SELLER_RANKINGS).default('units'),
    category: text(200).optional(),
    currency: currencyCode.optional(),
    limit: queryInt(1, 500).default(10),
    offset: queryInt(0, 1_000_000).default(0),
    position: position.optional(),
  })
  .refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/returns`: `from?`, `to?`, `kind?` (`cancellation`, `wallet-refund`, …), `limit`, `offset`, `position?`. */
export const returnsQuery = z.strictObject({ ...period, kind: text(50).optional(), ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/wallet-flows`: `from?`, `to?`, `flow?` (`top-up`, `payment`, `refund`, `top-up-requested`, `withdrawal-rejected`, …: `WALLET_FLOWS`), `limit`, `offset`, `position?`. */
export const walletFlowsQuery = z.strictObject({ ...period, flow: text(50).optional(), ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/wallet-freezes`: `from?`, `to?`, `limit`, `offset`, `position?`. */
export const walletFreezesQuery = z.strictObject({ ...period, ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/payments`: `from?`, `to?`, `outcome?` (`captured`, `declined`), `method?` (`card`, `bank-transfer`, `boleto`), `currency?`, `limit`, `offset`, `position?`. */
export const paymentsQuery = z
  .strictObject({ ...period, outcome: z.enum(PAYMENT_OUTCOMES).optional(), method: text(50).optional(), currency: currencyCode.optional(), ...page, position: position.optional() })
  .refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/coupons`: `from?`, `to?`, `code?` (a campaign code), `limit`, `offset`, `position?`. */
export const couponsQuery = z.strictObject({ ...period, code: text(100).optional(), ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/** `GET /queries/analytics/stock-alerts`: `level?` (`low`, `out`), `warehouseId?`, `limit`, `offset`, `position?`. */
export const stockAlertsQuery = z.strictObject({ level: z.enum(['low', 'out']).optional(), warehouseId: id.optional(), ...page, position: position.optional() });

/** `GET /queries/analytics/baskets`: `from?`, `to?`, `limit`, `offset` (of the days), `position?`. */
export const basketsQuery = z.strictObject({ ...period, ...page, position: position.optional() }).refine(fromNotAfterTo, periodRefine);

/** `GET /queries/segments`: `currency?`. */
export const segmentsQuery = z.strictObject({ currency: currencyCode.optional() });

/** `GET /queries/segments/customers`: `segment?` (one of `SEGMENT_NAMES`), `cluster?`, `currency?`, `limit`, `offset`. */
export const segmentCustomersQuery = z.strictObject({
  segment: z.enum(SEGMENT_NAMES).optional(),
  cluster: queryInt(0, 1000).optional(),
  currency: currencyCode.optional(),
  ...page,
});

/** `GET /queries/segments/customers/:customerId`. */
export const customerIdParams = z.strictObject({ customerId: id });

/** Clusters of a segmentation run (1–20): the body's `k` and the CLI's `--k`. */
export const segmentationK = z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' });

/** k-means++ seed of a segmentation run (0–2147483647): the body's `seed` and the CLI's `--seed`. */
export const segmentationSeed = z.int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }).max(2_147_483_647, { error: 'must be at most 2147483647' });

/** `POST /queries/segments/recompute` body: `k?` (1–20, default 4), `seed?` (default 42), `asOf?` (a day), `currency?`. */
export const recomputeBody = z
  .strictObject({
    k: segmentationK.optional(),
    seed: segmentationSeed.optional(),
    asOf: day.optional(),
    currency: currencyCode.optional(),
  })
  .nullish();
