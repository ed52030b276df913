/**
 * Expected report figures for an Olist directory, computed straight from the CSV files.
 *
 * Deliberately independent of `readOlist`: plain synchronous csv-parse, whole files in memory,
 * money via `Math.round(Number(x) * 100)` (exact for Olist's two-decimal amounts), no zod, no
 * luxon. The only thing shared with the importer is the small table of category translations
 * Olist's file lacks (a documented decision, not logic).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { SUPPLEMENTARY_CATEGORY_TRANSLATIONS } from '../../src/infrastructure/import/olist/categories.js';

/** Statuses as the report shows them. */
export type ReportStatus = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';

/**
 * What the report must show after importing an Olist directory.
 * - `orders`: number of orders counted (see {@link computeExpectedOlistFigures}).
 * - `ordersByStatus`: counted orders per report status; every status present, 0 when none.
 * - `gmv`: gross merchandise value in BRL minor units (centavos).
 * - `gmvByCategory`: GMV per English category, largest first, ties by category name;
 *   only categories with at least one counted item.
 */
export interface ExpectedOlistFigures {
  orders: number;
  ordersByStatus: Record<ReportStatus, number>;
  gmv: { currency: 'BRL'; minor: number };
  gmvByCategory: { category: string; minor: number }[];
}

/** Olist `order_status` → report status. */
const STATUS: Record<string, ReportStatus> = {
  delivered: 'delivered',
  shipped: 'shipped',
  invoiced: 'confirmed',
  processing: 'confirmed',
  approved: 'confirmed',
  created: 'pending',
  canceled: 'cancelled',
  unavailable: 'cancelled',
};

type Row = Record<string, string>;

function readCsv(path: string): Row[] {
  return parse<Row>(readFileSync(path), { bom: true, columns: true });
}

function firstExisting(dir: string, names: string[]): string {
  const name = names.find((n) => existsSync(join(dir, n)));
  if (!name) throw new Error(`${dir}: none of ${names.join(', ')}`);
  return join(dir, name);
}

function toMinor(amount: string): number {
  return Math.round(Number(amount) * 100);
}

/**
 * Computes the expected report figures from the CSVs in `dir` (orders/items under either the
 * Kaggle names or the `_2017_first10k` names).
 *
 * Rules:
 * 1. An order is counted when it is in the orders file, has at least one item row, and its id is
 *    not in `excludeOrderIds` (pass the ids `readOlist` rejected for data problems).
 * 2. Status: delivered → delivered, shipped → shipped, invoiced/processing/approved → confirmed,
 *    created → pending, canceled/unavailable → cancelled.
 * 3. GMV = Σ item-row prices (one row per unit; freight excluded) of counted orders whose report
 *    status is not `cancelled`.
 * 4. Category of an item: its product's `product_category_name` translated with
 *    `product_category_name_translation.csv`, else with the importer's supplementary table, else
 *    the Portuguese slug; an empty category is `uncategorized`.
 *
 * @throws Error when a file is missing or an order has a status outside rule 2
 */
export function computeExpectedOlistFigures(
  dir: string,
  options: { excludeOrderIds?: Iterable<string> } = {},
): ExpectedOlistFigures {
  const excluded = new Set(options.excludeOrderIds ?? []);
  const orders = readCsv(firstExisting(dir, ['olist_orders_dataset.csv', 'olist_orders_dataset_2017_first10k.csv']));
  const items = readCsv(firstExisting(dir, ['olist_order_items_dataset.csv', 'olist_order_items_dataset_2017_first10k.csv']));
  const products = readCsv(join(dir, 'olist_products_dataset.csv'));
  const translations = readCsv(join(dir, 'product_category_name_translation.csv'));

  const english = new Map<string, string>(SUPPLEMENTARY_CATEGORY_TRANSLATIONS);
  for (const t of translations) english.set(t.product_category_name ?? '', t.product_category_name_english ?? '');
  const categoryOf = new Map<string, string>();
  for (const p of products) {
    const portuguese = p.product_category_name ?? '';
    categoryOf.set(p.product_id ?? '', portuguese === '' ? 'uncategorized' : (english.get(portuguese) ?? portuguese));
  }

  const itemsByOrder = new Map<string, Row[]>();
  for (const item of items) {
    const list = itemsByOrder.get(item.order_id ?? '') ?? [];
    list.push(item);
    itemsByOrder.set(item.order_id ?? '', list);
  }

  const ordersByStatus: Record<ReportStatus, number> = { pending: 0, confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 };
  const byCategory = new Map<string, number>();
  let counted = 0;
  let gmv = 0;
  for (const order of orders) {
    const orderId = order.order_id ?? '';
    const orderItems = itemsByOrder.get(orderId) ?? [];
    if (excluded.has(orderId) || orderItems.length === 0) continue;
    const status = STATUS[order.order_status ?? ''];
    if (!status) throw new Error(`order ${orderId}: unexpected status ${order.order_status}`);
    counted += 1;
    ordersByStatus[status] += 1;
    if (status === 'cancelled') continue;
    for (const item of orderItems) {
      const price = toMinor(item.price ?? '');
      const category = categoryOf.get(item.product_id ?? '') ?? 'unknown-product';
      gmv += price;
      byCategory.set(category, (byCategory.get(category) ?? 0) + price);
    }
  }

  const gmvByCategory = [...byCategory]
    .map(([category, minor]) => ({ category, minor }))
    .sort((a, b) => b.minor - a.minor || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  return { orders: counted, ordersByStatus, gmv: { currency: 'BRL', minor: gmv }, gmvByCategory };
}
