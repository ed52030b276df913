/**
 * What `readOlist` returns: Olist orders in a shape close to our domain, plus the rows it
 * rejected or adjusted.
 */
import type { OlistOrderStatus, OlistPaymentType } from './rows.js';
import type { TimelineFix } from './timeline.js';

/**
 * A row the importer rejected or adjusted.
 * - `file`: base name of the CSV file, e.g. `olist_order_items_dataset.csv`.
 * - `line`: 1-based physical line in that file (the header is line 1).
 * - `message`: what is wrong, in English.
 * - `orderId`: the order concerned, when the row belongs to one.
 */
export interface RowProblem {
  file: string;
  line: number;
  message: string;
  orderId?: string;
}

/**
 * One product line of an order. Olist has one CSV row per unit; rows of the same product are
 * merged here (within an order a product has one price and one seller).
 * - `unitPriceMinor`: price of one unit in BRL minor units (centavos).
 * - `quantity`: number of item rows for the product (≥ 1).
 * - `freightMinor`: freight of all those rows summed, BRL minor units.
 * - `category`: English category slug (see `categories.ts`).
 */
export interface OlistOrderItem {
  productId: string;
  sellerId: string;
  category: string;
  unitPriceMinor: number;
  quantity: number;
  freightMinor: number;
}

/**
 * One payment of an order (an order may be paid in several parts, e.g. card + voucher).
 * - `sequential`: Olist's `payment_sequential` (1-based); payments are sorted by it.
 * - `installments`: number of instalments (0 occurs in Olist's data and is kept).
 * - `valueMinor`: amount in BRL minor units.
 */
export interface OlistPayment {
  sequential: number;
  type: OlistPaymentType;
  installments: number;
  valueMinor: number;
}

/**
 * One imported order.
 * - `customerId`: Olist's `customer_unique_id` (the person), not the per-order `customer_id`.
 * - timestamps: ISO 8601 with the São Paulo offset, e.g. `'2017-10-02T10:56:33.000-03:00'`;
 *   `shippedAt` is `order_delivered_carrier_date`. Absent when NULL in the file, except that
 *   delivered orders always have all four (see `timelineFixes`).
 * - `timelineFixes`: adjustments made by `normaliseTimeline` (empty when none); each also
 *   appears in `OlistDataset.warnings`.
 * - `items`: in order of first appearance in the items file; at least one.
 * - `payments`: sorted by `sequential`; may be empty (a warning is raised).
 * - `source`: the orders-file row (`file` is the base name).
 */
export interface OlistOrder {
  orderId: string;
  customerId: string;
  status: OlistOrderStatus;
  purchasedAt: string;
  approvedAt?: string;
  shippedAt?: string;
  deliveredAt?: string;
  timelineFixes: TimelineFix[];
  items: OlistOrderItem[];
  payments: OlistPayment[];
  source: { file: string; line: number };
}

/** A product used by an imported order; `category` is the English slug. */
export interface OlistProduct {
  productId: string;
  category: string;
}

/**
 * A customer (person) of an imported order. `customerUniqueId` is Olist's `customer_unique_id`.
 * A person with orders from several addresses gets the city/state of their latest purchase.
 */
export interface OlistCustomer {
  customerUniqueId: string;
  city: string;
  state: string;
}

/**
 * Result of `readOlist`.
 * - `orders`: orders that passed validation, in orders-file order.
 * - `rejected`: one entry per offending row; each rejected order has at least one entry (with
 *   `orderId`), and none of its rows are in `orders`. Rows of an order already rejected are not
 *   inspected further.
 * - `warnings`: quirks that were kept but adjusted (timeline fixes, untranslated categories,
 *   orders without payments, local times in the DST gap).
 * - `products`: products referenced by `orders`, by product id.
 * - `customers`: customers of `orders`, by `customer_unique_id`.
 */
export interface OlistDataset {
  orders: OlistOrder[];
  rejected: RowProblem[];
  warnings: RowProblem[];
  products: Map<string, OlistProduct>;
  customers: Map<string, OlistCustomer>;
}
