/**
 * Which CSV files make up an Olist directory, and finding them.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { OlistImportError } from './errors.js';

/** File names of the Olist tables the importer reads (besides orders and items, see {@link OLIST_ORDER_FILE_VARIANTS}). */
export const OLIST_FILE_NAMES = {
  payments: 'olist_order_payments_dataset.csv',
  customers: 'olist_customers_dataset.csv',
  products: 'olist_products_dataset.csv',
  sellers: 'olist_sellers_dataset.csv',
  categoryTranslation: 'product_category_name_translation.csv',
} as const;

/**
 * The two accepted names for the orders and order-items files, in order of preference:
 * the complete Kaggle files, then the 2017 10k-order subset. A directory must hold both files of
 * one variant; the orders and items files are never mixed across variants.
 */
export const OLIST_ORDER_FILE_VARIANTS = [
  { variant: 'full', orders: 'olist_orders_dataset.csv', items: 'olist_order_items_dataset.csv' },
  {
    variant: 'subset-2017-first10k',
    orders: 'olist_orders_dataset_2017_first10k.csv',
    items: 'olist_order_items_dataset_2017_first10k.csv',
  },
] as const;

/**
 * Absolute paths of the files {@link readOlist} reads, plus which orders/items variant was found.
 * (The sellers file is not read: items only need a seller id.)
 */
export interface OlistFiles {
  readonly variant: (typeof OLIST_ORDER_FILE_VARIANTS)[number]['variant'];
  readonly orders: string;
  readonly items: string;
  readonly payments: string;
  readonly customers: string;
  readonly products: string;
  readonly categoryTranslation: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Locates the Olist files in `dir`.
 *
 * Orders/items: the full Kaggle pair when both are present, else the `_2017_first10k` pair.
 * @throws OlistImportError when neither pair is complete or another required file is missing
 */
export async function resolveOlistFiles(dir: string): Promise<OlistFiles> {
  let pair: (typeof OLIST_ORDER_FILE_VARIANTS)[number] | undefined;
  for (const candidate of OLIST_ORDER_FILE_VARIANTS) {
    if ((await exists(join(dir, candidate.orders))) && (await exists(join(dir, candidate.items)))) {
      pair = candidate;
      break;
    }
  }
  if (!pair) {
    const names = OLIST_ORDER_FILE_VARIANTS.map((v) => `${v.orders} + ${v.items}`).join(' or ');
    throw new OlistImportError(`${dir}: no orders/items pair found (expected ${names})`);
  }
  const others = {
    payments: join(dir, OLIST_FILE_NAMES.payments),
    customers: join(dir, OLIST_FILE_NAMES.customers),
    products: join(dir, OLIST_FILE_NAMES.products),
    categoryTranslation: join(dir, OLIST_FILE_NAMES.categoryTranslation),
  };
  for (const path of Object.values(others)) {
    if (!(await exists(path))) throw new OlistImportError(`${path}: required Olist file is missing`);
  }
  return { variant: pair.variant, orders: join(dir, pair.orders), items: join(dir, pair.items), ...others };
}
