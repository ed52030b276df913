import { sql, type Kysely, type RawBuilder } from 'kysely';
import { catalogueCategoryPath } from '../../domain/product/index.js';
import type { Money } from '../../domain/shared/index.js';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';
import { readModelMoney } from './sales-queries.js';
import { foldForSearch } from './search-text.js';

/** `in-stock`, `low` (available at or below the SKU's threshold) or `out` (none available). */
export type StockStatus = 'in-stock' | 'low' | 'out';

/** A catalogue entry: price in minor units, `available` = on hand − reserved over all warehouses. */
export interface CatalogueItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money;
  readonly available: number;
  readonly stockStatus: StockStatus;
}

/** A catalogue entry with its stock per warehouse. */
export interface CatalogueItemDetail extends CatalogueItem {
  readonly lowStockThreshold: number;
  readonly warehouses: readonly { warehouseId: string; onHand: number; reserved: number; available: number }[];
}

/** Sort orders of `listCatalogue`: a field, `-` in front for descending. Ties by SKU. */
export const CATALOGUE_SORTS = ['sku', '-sku', 'name', '-name', 'price', '-price', 'available', '-available'] as const;
/** One of `CATALOGUE_SORTS`. */
export type CatalogueSort = (typeof CATALOGUE_SORTS)[number];

/** Filters, order and page of `listCatalogue`. */
export interface CatalogueFilter {
  /**
   * A category: it and everything under it (`home` matches `home/kitchen`), spelled as
   * products are registered with (`Home > Kitchen`, `Home/Kitchen`: see `catalogueCategoryPath`).
   */
  readonly category?: string;
  /** Words that must all start a word of the name (case-insensitive). */
  readonly q?: string;
  /** Price range in minor units, inclusive. */
  readonly minPrice?: number;
  readonly maxPrice?: number;
  /** `true`: only products with units available; `false`: only those with none (out of stock). */
  readonly inStock?: boolean;
  /** Only products of this stock status. */
  readonly stockStatus?: StockStatus;
  /** Default `sku`. */
  readonly sort?: CatalogueSort;
  readonly limit: number;
  readonly offset: number;
}

type Row = { sku: string; name: string; category: string; price_minor: string; currency: string; available: number; stock_status: string };

function toItem(row: Row): CatalogueItem {
  return {
    sku: row.sku,
    name: row.name,
    category: row.category,
    price: readModelMoney(row.price_minor, row.currency),
    available: row.available,
    stockStatus: row.stock_status as StockStatus,
  };
}

/**
 * The words of a search text as a `to_tsquery('simple', …)` prefix query (`dune mes` →
 * `dune:* & mes:*`), folded as the indexed names are (`foldForSearch`: `ÇAY` → `cay:*`);
 * only letters and digits are kept. Undefined when nothing is left.
 */
export function prefixQuery(text: string): string | undefined {
  const words = foldForSearch(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : undefined;
}

/**
 * SQL condition on a category path column (`column`: `category_path`, `path`, `category` of
 * a read model that stores `catalogueCategoryPath`s): it is the path of `category` (spelled
 * `Home > Kitchen`, `Home/Kitchen` or ` Home / Kitchen ` alike), or with `subtree` a path
 * under it as well (`Home/Kitchen/Pans`).
 */
export function inCategory(column: string, category: string, subtree: boolean): RawBuilder<boolean> {
  const path = catalogueCategoryPath(category);
  const ref = sql.ref(column);
  return subtree ? sql<boolean>`(${ref} = ${path} or ${ref} like ${`${path.replace(/[\\%_]/g, '\\$&')}/%`})` : sql<boolean>`${ref} = ${path}`;
}

const SORT_COLUMN = { sku: 'sku', name: 'name', price: 'price_minor', available: 'available' } as const;

/** A tenant's catalogue, filtered, sorted (default by SKU) and paginated. */
export async function listCatalogue(db: Kysely<ReadModelSchema>, tenantId: string, filter: CatalogueFilter): Promise<CatalogueItem[]> {
  let query = db
    .selectFrom('catalogue_products')
    .select(['sku', 'name', 'category', 'price_minor', 'currency', 'available', 'stock_status'])
    .where('tenant_id', '=', tenantId);
  if (filter.category) query = query.where(inCategory('category_path', filter.category, true));
  const tsquery = filter.q ? prefixQuery(filter.q) : undefined;
  if (filter.q !== undefined) {
    if (!tsquery) return [];
    query = query.where(sql<boolean>`search @@ to_tsquery('simple', ${tsquery})`);
  }
  if (filter.minPrice !== undefined) query = query.where('price_minor', '>=', String(filter.minPrice));
  if (filter.maxPrice !== undefined) query = query.where('price_minor', '<=', String(filter.maxPrice));
  if (filter.inStock !== undefined) query = query.where('available', filter.inStock ? '>' : '<=', 0);
  if (filter.stockStatus) query = query.where('stock_status', '=', filter.stockStatus);
  const sort = filter.sort ?? 'sku';
  const descending = sort.startsWith('-');
  const column = SORT_COLUMN[(descending ? sort.slice(1) : sort) as keyof typeof SORT_COLUMN];
  query = query.orderBy(column, descending ? 'desc' : 'asc');
  if (column !== 'sku') query = query.orderBy('sku');
  const rows = await query.limit(filter.limit).offset(filter.offset).execute();
  return rows.map(toItem);
}

/** One product of a tenant's catalogue with its stock per warehouse, or undefined. */
export async function findCatalogueItem(db: Kysely<ReadModelSchema>, tenantId: string, sku: string): Promise<CatalogueItemDetail | undefined> {
  const row = await db
    .selectFrom('catalogue_products')
    .select(['sku', 'name', 'category', 'price_minor', 'currency', 'available', 'stock_status', 'low_stock_threshold'])
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (!row) return undefined;
  const stock = await db.selectFrom('catalogue_stock').selectAll().where('tenant_id', '=', tenantId).where('sku', '=', sku).orderBy('warehouse_id').execute();
  return {
    ...toItem(row),
    lowStockThreshold: row.low_stock_threshold,
    warehouses: stock.map((s) => ({ warehouseId: s.warehouse_id, onHand: s.on_hand, reserved: s.reserved, available: s.on_hand - s.reserved })),
  };
}

/** A node of the category tree: its path, own name, products in its subtree, and children by name. */
export interface CategoryNode {
  readonly path: string;
  readonly name: string;
  readonly products: number;
  readonly children: CategoryNode[];
}

/**
 * The tenant's category tree (categories named `a/b` or `a > b` are children of `a`),
 * roots and children by name; or the subtree under `root` (spelled either way, see
 * `catalogueCategoryPath`; empty when it does not exist).
 */
export async function categoryTree(db: Kysely<ReadModelSchema>, tenantId: string, rootCategory?: string): Promise<CategoryNode[]> {
  const root = rootCategory ? catalogueCategoryPath(rootCategory) : undefined;
  let query = db.selectFrom('catalogue_categories').selectAll().where('tenant_id', '=', tenantId);
  if (rootCategory) query = query.where(inCategory('path', rootCategory, true));
  const rows = await query.orderBy('depth').orderBy('path').execute();
  const nodes = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node: CategoryNode = { path: r.path, name: r.name, products: r.products, children: [] };
    nodes.set(r.path, node);
    const parent = r.parent_path ? nodes.get(r.parent_path) : undefined;
    if (parent && r.path !== root) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
