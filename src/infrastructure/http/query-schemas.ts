import { z } from 'zod';
import { day, id, position, queryInt, text } from './validation.js';

/**
 * Querystrings and path parameters of the query routes. Strict: an unknown parameter is
 * a 400 `validation-failed` naming it; a repeated one fails as "expected string".
 * Every query takes `position` (`<commit>/<prepare>`) to wait for.
 */

const page = { limit: queryInt(1, 500).default(50), offset: queryInt(0, 1_000_000).default(0) };

/** Order statuses as the orders read model stores them. */
export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;

/** `GET /queries/catalogue`: `category?`, `limit` 1–500 (50), `offset` ≥ 0 (0), `position?`. */
export const catalogueQuery = z.strictObject({ category: text(100).optional(), ...page, position: position.optional() });

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

/** `GET /queries/sales/daily`: `from?`, `to?` (days `YYYY-MM-DD`, inclusive, from ≤ to), `category?`, `limit`, `offset`, `position?`. */
export const dailySalesQuery = z
  .strictObject({ from: day.optional(), to: day.optional(), category: text(100).optional(), ...page, position: position.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'must not be before from', path: ['to'] });

/** Querystring of routes that only take `position` (`GET /queries/catalogue/:sku`, `/orders/:orderId`, `/reports/sales`). */
export const positionOnlyQuery = z.strictObject({ position: position.optional() });
