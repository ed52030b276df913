/**
 * zod schemas for one CSV row of each Olist file. Each schema checks the columns the importer
 * uses and converts them: money to integer minor units, timestamps to {@link OlistInstant}s.
 * Other columns are ignored (not validated).
 */
import { z } from 'zod';
import { parseMinorUnits } from './money.js';
import { parseOlistTimestamp, type OlistInstant } from './timestamps.js';

/** Order statuses found in Olist's `order_status` column. */
export const OLIST_ORDER_STATUSES = [
  'delivered',
  'shipped',
  'canceled',
  'unavailable',
  'invoiced',
  'processing',
  'created',
  'approved',
] as const;

/** An Olist `order_status`. */
export type OlistOrderStatus = (typeof OLIST_ORDER_STATUSES)[number];

/** Payment types found in Olist's `payment_type` column. */
export const OLIST_PAYMENT_TYPES = ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'] as const;

/** An Olist `payment_type`. */
export type OlistPaymentType = (typeof OLIST_PAYMENT_TYPES)[number];

const id = z.string().min(1, 'must not be empty');

/** A money field → integer minor units (see `parseMinorUnits`). */
const minorUnits = z.string().transform((text, ctx): number => {
  try {
    return parseMinorUnits(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, input: text });
    return z.NEVER;
  }
});

function toInstant(text: string, ctx: z.RefinementCtx): OlistInstant {
  try {
    return parseOlistTimestamp(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, input: text });
    return z.NEVER;
  }
}

/** A required timestamp field → {@link OlistInstant}. */
const timestamp = z.string().transform((text, ctx) => toInstant(text, ctx));

/** An optional timestamp field: empty text means NULL → `undefined`. */
const optionalTimestamp = z.string().transform((text, ctx) => (text === '' ? undefined : toInstant(text, ctx)));

/** A whole number written in decimal digits only. */
const count = (min: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(Number.MAX_SAFE_INTEGER));

/** A row of the orders file. `order_estimated_delivery_date` is not used and not checked. */
export const orderRowSchema = z.object({
  order_id: id,
  customer_id: id,
  order_status: z.enum(OLIST_ORDER_STATUSES, { error: (issue) => `unknown order status ${JSON.stringify(issue.input)}` }),
  order_purchase_timestamp: timestamp,
  order_approved_at: optionalTimestamp,
  order_delivered_carrier_date: optionalTimestamp,
  order_delivered_customer_date: optionalTimestamp,
});
/** A validated orders row. */
export type OrderRow = z.output<typeof orderRowSchema>;

/** A row of the order-items file (one row per unit sold). `shipping_limit_date` is not used and not checked. */
export const itemRowSchema = z.object({
  order_id: id,
  order_item_id: count(1),
  product_id: id,
  seller_id: id,
  price: minorUnits,
  freight_value: minorUnits,
});
/** A validated order-items row; `price` and `freight_value` in minor units. */
export type ItemRow = z.output<typeof itemRowSchema>;

/** A row of the payments file. `payment_installments` may be 0 (it is in Olist's data). */
export const paymentRowSchema = z.object({
  order_id: id,
  payment_sequential: count(1),
  payment_type: z.enum(OLIST_PAYMENT_TYPES, { error: (issue) => `unknown payment type ${JSON.stringify(issue.input)}` }),
  payment_installments: count(0),
  payment_value: minorUnits,
});
/** A validated payments row; `payment_value` in minor units. */
export type PaymentRow = z.output<typeof paymentRowSchema>;

/** A row of the customers file (only the columns we keep). */
export const customerRowSchema = z.object({
  customer_id: id,
  customer_unique_id: id,
  customer_city: z.string(),
  customer_state: z.string(),
});
/** A validated customers row. */
export type CustomerRow = z.output<typeof customerRowSchema>;

/** A row of the products file; an empty `product_category_name` is allowed (uncategorised). */
export const productRowSchema = z.object({
  product_id: id,
  product_category_name: z.string(),
});
/** A validated products row. */
export type ProductRow = z.output<typeof productRowSchema>;

/** A row of `product_category_name_translation.csv`. */
export const categoryTranslationRowSchema = z.object({
  product_category_name: id,
  product_category_name_english: id,
});
/** A validated category translation row. */
export type CategoryTranslationRow = z.output<typeof categoryTranslationRowSchema>;

/** The columns each schema reads; a file missing one of them cannot be imported at all. */
export const REQUIRED_COLUMNS = {
  orders: Object.keys(orderRowSchema.shape),
  items: Object.keys(itemRowSchema.shape),
  payments: Object.keys(paymentRowSchema.shape),
  customers: Object.keys(customerRowSchema.shape),
  products: Object.keys(productRowSchema.shape),
  categoryTranslation: Object.keys(categoryTranslationRowSchema.shape),
} as const;

/**
 * One-line description of a failed row validation, e.g.
 * `price: '1.234' is not a non-negative decimal amount with at most 2 decimal places`.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'row'}: ${issue.message}`).join('; ');
}
