/**
 * Reads an Olist directory (Kaggle "Brazilian E-Commerce Public Dataset by Olist", or its 2017
 * 10k-order subset) into validated orders ready to be turned into events.
 *
 * Files are streamed one after the other: orders first (they decide which rows of the other,
 * larger files matter), then items, payments, the category translation, products and customers.
 * Only the rows of the orders being read are kept in memory.
 */
import { basename } from 'node:path';
import { resolveCategory, type ResolvedCategory } from './categories.js';
import { readCsvRows } from './csv.js';
import { resolveOlistFiles, type OlistFiles } from './files.js';
import { groupItemRows, type LocatedItemRow } from './items.js';
import {
  REQUIRED_COLUMNS,
  categoryTranslationRowSchema,
  customerRowSchema,
  describeIssues,
  itemRowSchema,
  orderRowSchema,
  paymentRowSchema,
  productRowSchema,
  type CustomerRow,
  type OrderRow,
  type PaymentRow,
} from './rows.js';
import { normaliseTimeline, type TimelineField, type TimelineFix } from './timeline.js';
import { OLIST_TIME_ZONE, type OlistInstant } from './timestamps.js';
import type { OlistCustomer, OlistDataset, OlistOrder, OlistProduct, RowProblem } from './types.js';


/** An order id seen in the orders file, with what we have gathered for it so far. */
interface Candidate {
  readonly line: number;
  /** The validated orders row; undefined when the row was invalid. */
  readonly row: OrderRow | undefined;
  rejected: boolean;
  readonly items: LocatedItemRow[];
  readonly payments: { line: number; row: PaymentRow }[];
}

/** Problems collected while reading, plus the helpers every pass uses to add to them. */
class Problems {
  readonly rejected: RowProblem[] = [];
  readonly warnings: RowProblem[] = [];

  reject(file: string, line: number, message: string, orderId?: string): void {
    this.rejected.push(orderId === undefined ? { file, line, message } : { file, line, message, orderId });
  }

  rejectOrder(candidate: Candidate, orderId: string, file: string, line: number, message: string): void {
    candidate.rejected = true;
    this.reject(file, line, message, orderId);
  }

  warn(file: string, line: number, message: string, orderId?: string): void {
    this.warnings.push(orderId === undefined ? { file, line, message } : { file, line, message, orderId });
  }
}

/** Column name of each timeline field, for messages. */
const COLUMN: Record<'purchasedAt' | TimelineField, string> = {
  purchasedAt: 'order_purchase_timestamp',
  approvedAt: 'order_approved_at',
  shippedAt: 'order_delivered_carrier_date',
  deliveredAt: 'order_delivered_customer_date',
};

/**
 * Reads the Olist CSV files in `dir` (see `resolveOlistFiles` for the accepted file names).
 *
 * Every order is either fully in `orders` or rejected with at least one `rejected` entry giving
 * the file and line of the offending row. An order is rejected for: an invalid orders row
 * (unknown status, unparseable timestamp, empty id), a duplicate order id (every row of that id),
 * an invalid item row (bad price/freight, bad `order_item_id`), an invalid payment row (malformed
 * value, unknown type, duplicate `payment_sequential`), a `customer_id` missing from the
 * customers file, an item whose product is missing from the products file, a product repeated
 * with a different price or seller, and no items at all ('order has no items').
 * Item and payment rows of orders not in the orders file are ignored silently, as are customers
 * and products no order uses. Money is in BRL minor units (`OLIST_CURRENCY`).
 *
 * With `limit`, only the first `limit` orders of the orders file are considered: the rest
 * of the file is ignored (rows repeating the id of a considered order still reject it), so
 * `orders`, `rejected` and `warnings` describe those orders only.
 *
 * @param dir directory holding the Olist CSV files
 * @param options.limit consider only the first N orders of the orders file (a positive whole number)
 * @returns the orders read, rejected rows, warnings, and the products and customers they use
 * @throws OlistImportError when a file is missing, lacks a used column, or is not valid CSV
 */
export async function readOlist(dir: string, options: { limit?: number } = {}): Promise<OlistDataset> {
  const files = await resolveOlistFiles(dir);
  const problems = new Problems();
  const { candidates, orderIds } = await readOrders(files, problems, options.limit ?? Infinity);
  await readItems(files, candidates, problems);
  await readPayments(files, candidates, problems);
  const translations = await readTranslations(files, problems);
  const products = await readProducts(files, candidates, translations, problems);
  const customers = await readCustomers(files, candidates, problems);
  return assemble(files, orderIds, candidates, products, customers, problems);
}

/** Reads the orders file: the first `limit` orders (rows), and later rows repeating one of their ids. */
async function readOrders(
  files: OlistFiles,
  problems: Problems,
  limit: number,
): Promise<{ candidates: Map<string, Candidate>; orderIds: string[] }> {
  const file = basename(files.orders);
  const candidates = new Map<string, Candidate>();
  const orderIds: string[] = [];
  let considered = 0;
  for await (const { line, record } of readCsvRows(files.orders, REQUIRED_COLUMNS.orders)) {
    const orderId = record.order_id;
    const existing = orderId ? candidates.get(orderId) : undefined;
    if (orderId && existing) {
      problems.rejectOrder(existing, orderId, file, line, `duplicate order id ${orderId} (first on line ${existing.line}); all its rows are rejected`);
      continue;
    }
    if (considered === limit) continue;
    considered++;
    const parsed = orderRowSchema.safeParse(record);
    if (!orderId) {
      problems.reject(file, line, parsed.success ? 'order_id: must not be empty' : describeIssues(parsed.error));
      continue;
    }
    const candidate: Candidate = { line, row: parsed.data, rejected: false, items: [], payments: [] };
    candidates.set(orderId, candidate);
    orderIds.push(orderId);
    if (!parsed.success) problems.rejectOrder(candidate, orderId, file, line, describeIssues(parsed.error));
  }
  return { candidates, orderIds };
}

/** The candidate an items/payments row belongs to, or undefined when the row is to be ignored. */
function liveCandidate(candidates: Map<string, Candidate>, orderId: string | undefined): Candidate | undefined {
  const candidate = orderId === undefined ? undefined : candidates.get(orderId);
  return candidate && !candidate.rejected ? candidate : undefined;
}

async function readItems(files: OlistFiles, candidates: Map<string, Candidate>, problems: Problems): Promise<void> {
  const file = basename(files.items);
  for await (const { line, record } of readCsvRows(files.items, REQUIRED_COLUMNS.items)) {
    const orderId = record.order_id;
    const candidate = liveCandidate(candidates, orderId);
    if (!candidate || orderId === undefined) continue;
    const parsed = itemRowSchema.safeParse(record);
    if (parsed.success) candidate.items.push({ line, row: parsed.data });
    else problems.rejectOrder(candidate, orderId, file, line, describeIssues(parsed.error));
  }
}

async function readPayments(files: OlistFiles, candidates: Map<string, Candidate>, problems: Problems): Promise<void> {
  const file = basename(files.payments);
  for await (const { line, record } of readCsvRows(files.payments, REQUIRED_COLUMNS.payments)) {
    const orderId = record.order_id;
    const candidate = liveCandidate(candidates, orderId);
    if (!candidate || orderId === undefined) continue;
    const parsed = paymentRowSchema.safeParse(record);
    if (!parsed.success) {
      problems.rejectOrder(candidate, orderId, file, line, describeIssues(parsed.error));
    } else if (candidate.payments.some((p) => p.row.payment_sequential === parsed.data.payment_sequential)) {
      problems.rejectOrder(candidate, orderId, file, line, `duplicate payment_sequential ${parsed.data.payment_sequential} in order ${orderId}`);
    } else {
      candidate.payments.push({ line, row: parsed.data });
    }
  }
}

async function readTranslations(files: OlistFiles, problems: Problems): Promise<Map<string, string>> {
  const file = basename(files.categoryTranslation);
  const translations = new Map<string, string>();
  for await (const { line, record } of readCsvRows(files.categoryTranslation, REQUIRED_COLUMNS.categoryTranslation)) {
    const parsed = categoryTranslationRowSchema.safeParse(record);
    if (parsed.success) translations.set(parsed.data.product_category_name, parsed.data.product_category_name_english);
    else problems.reject(file, line, describeIssues(parsed.error));
  }
  return translations;
}

/** A product used by a live order, with where it came from (for warnings). */
interface ProductInfo {
  readonly line: number;
  readonly portuguese: string;
  readonly resolved: ResolvedCategory;
}

async function readProducts(
  files: OlistFiles,
  candidates: Map<string, Candidate>,
  translations: ReadonlyMap<string, string>,
  problems: Problems,
): Promise<Map<string, ProductInfo>> {
  const file = basename(files.products);
  const needed = new Set<string>();
  for (const candidate of candidates.values()) {
    if (!candidate.rejected) for (const { row } of candidate.items) needed.add(row.product_id);
  }
  const products = new Map<string, ProductInfo>();
  for await (const { line, record } of readCsvRows(files.products, REQUIRED_COLUMNS.products)) {
    const productId = record.product_id;
    if (productId === undefined || !needed.has(productId) || products.has(productId)) continue;
    const parsed = productRowSchema.safeParse(record);
    if (!parsed.success) {
      problems.reject(file, line, describeIssues(parsed.error));
      continue;
    }
    const portuguese = parsed.data.product_category_name;
    products.set(productId, { line, portuguese, resolved: resolveCategory(portuguese, translations) });
  }
  return products;
}

async function readCustomers(
  files: OlistFiles,
  candidates: Map<string, Candidate>,
  problems: Problems,
): Promise<Map<string, CustomerRow>> {
  const file = basename(files.customers);
  const needed = new Set<string>();
  for (const candidate of candidates.values()) {
    if (!candidate.rejected && candidate.row) needed.add(candidate.row.customer_id);
  }
  const customers = new Map<string, CustomerRow>();
  for await (const { line, record } of readCsvRows(files.customers, REQUIRED_COLUMNS.customers)) {
    const customerId = record.customer_id;
    if (customerId === undefined || !needed.has(customerId) || customers.has(customerId)) continue;
    const parsed = customerRowSchema.safeParse(record);
    if (parsed.success) customers.set(customerId, parsed.data);
    else problems.reject(file, line, describeIssues(parsed.error));
  }
  return customers;
}

/** Warning text for one timeline fix. */
function describeFix(fix: TimelineFix): string {
  return fix.kind === 'filled'
    ? `delivered order has no ${COLUMN[fix.field]}; ${fix.field} filled with ${fix.from} (${fix.value})`
    : `${COLUMN[fix.field]} ${fix.original ?? ''} is before ${COLUMN[fix.from]}; ${fix.field} clamped to ${fix.value}`;
}

function assemble(
  files: OlistFiles,
  orderIds: readonly string[],
  candidates: ReadonlyMap<string, Candidate>,
  products: ReadonlyMap<string, ProductInfo>,
  customerRows: ReadonlyMap<string, CustomerRow>,
  problems: Problems,
): OlistDataset {
  const ordersFile = basename(files.orders);
  const itemsFile = basename(files.items);
  const productsFile = basename(files.products);
  const orders: OlistOrder[] = [];
  const usedProducts = new Map<string, OlistProduct>();
  const customers = new Map<string, OlistCustomer & { purchasedMillis: number }>();
  const warnedCategories = new Set<string>();

  for (const orderId of orderIds) {
    const candidate = candidates.get(orderId);
    const row = candidate?.row;
    if (!candidate || !row || candidate.rejected) continue;
    const customer = customerRows.get(row.customer_id);
    if (!customer) {
      problems.rejectOrder(candidate, orderId, ordersFile, candidate.line, `customer_id ${row.customer_id} is not in the customers file`);
      continue;
    }
    if (candidate.items.length === 0) {
      problems.rejectOrder(candidate, orderId, ordersFile, candidate.line, 'order has no items');
      continue;
    }
    const unknown = candidate.items.find((item) => !products.has(item.row.product_id));
    if (unknown) {
      problems.rejectOrder(candidate, orderId, itemsFile, unknown.line, `product_id ${unknown.row.product_id} is not in the products file`);
      continue;
    }
    const grouped = groupItemRows(candidate.items);
    if (!grouped.ok) {
      problems.rejectOrder(candidate, orderId, itemsFile, grouped.line, grouped.message);
      continue;
    }

    const { timeline, fixes } = normaliseTimeline<OlistInstant>(
      {
        purchasedAt: row.order_purchase_timestamp,
        approvedAt: row.order_approved_at,
        shippedAt: row.order_delivered_carrier_date,
        deliveredAt: row.order_delivered_customer_date,
      },
      row.order_status === 'delivered',
    );
    for (const fix of fixes) problems.warn(ordersFile, candidate.line, describeFix(fix), orderId);
    for (const field of ['purchasedAt', 'approvedAt', 'shippedAt', 'deliveredAt'] as const) {
      const instant = timeline[field];
      if (instant?.shiftedFromGap) {
        problems.warn(ordersFile, candidate.line, `${COLUMN[field]} falls in the DST gap of ${OLIST_TIME_ZONE}; read as ${instant.iso}`, orderId);
      }
    }
    if (candidate.payments.length === 0) problems.warn(ordersFile, candidate.line, 'order has no payments', orderId);

    const items = grouped.items.map((item) => {
      const product = products.get(item.productId);
      const category = product?.resolved.category ?? '';
      if (product && product.resolved.source === 'untranslated' && !warnedCategories.has(product.portuguese)) {
        warnedCategories.add(product.portuguese);
        problems.warn(productsFile, product.line, `category ${product.portuguese} has no English translation; kept as is`);
      }
      usedProducts.set(item.productId, { productId: item.productId, category });
      return { ...item, category };
    });
    const payments = candidate.payments
      .map(({ row: p }) => ({
        sequential: p.payment_sequential,
        type: p.payment_type,
        installments: p.payment_installments,
        valueMinor: p.payment_value,
      }))
      .sort((a, b) => a.sequential - b.sequential);

    orders.push({
      orderId,
      customerId: customer.customer_unique_id,
      status: row.order_status,
      purchasedAt: timeline.purchasedAt.iso,
      ...(timeline.approvedAt && { approvedAt: timeline.approvedAt.iso }),
      ...(timeline.shippedAt && { shippedAt: timeline.shippedAt.iso }),
      ...(timeline.deliveredAt && { deliveredAt: timeline.deliveredAt.iso }),
      timelineFixes: fixes,
      items,
      payments,
      source: { file: ordersFile, line: candidate.line },
    });

    const purchasedMillis = timeline.purchasedAt.epochMillis;
    const known = customers.get(customer.customer_unique_id);
    if (!known || purchasedMillis >= known.purchasedMillis) {
      customers.set(customer.customer_unique_id, {
        customerUniqueId: customer.customer_unique_id,
        city: customer.customer_city,
        state: customer.customer_state,
        purchasedMillis,
      });
    }
  }

  return {
    orders,
    rejected: problems.rejected,
    warnings: problems.warnings,
    products: usedProducts,
    customers: new Map(
      [...customers].map(([id, { customerUniqueId, city, state }]) => [id, { customerUniqueId, city, state }]),
    ),
  };
}
