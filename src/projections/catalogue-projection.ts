import { sql } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { productEventTypes } from '../domain/product/index.js';
import { int, moneyOf, str, type Projection } from './projection.js';
import { addToCounters, columns, insertRows, updateRows, type Executor } from './sql.js';

/** Units at or below which an SKU counts as low on stock (summed over warehouses) when no threshold was set for it. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

/**
 * The category path of a category name: segments separated by `/` or `>`, trimmed,
 * joined by `/` (`Home > Kitchen` → `Home/Kitchen`). A name without separators is a root.
 */
export function categoryPath(category: string): string {
  return category
    .split(/[/>]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('/');
}

/** Every ancestor path of a category path, itself included, root first (`a/b/c` → `a`, `a/b`, `a/b/c`). */
export function categoryAncestors(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** On-hand and reserved deltas a stock event makes (`StockAdjusted` carries a signed quantity); `undefined` for stock events that do not move units. */
export function stockDelta(type: string, data: Record<string, unknown>): { onHand: number; reserved: number } | undefined {
  switch (type) {
    case 'StockReceived':
      return { onHand: int(data, 'quantity'), reserved: 0 };
    case 'StockReserved':
      return { onHand: 0, reserved: int(data, 'quantity') };
    case 'StockReleased':
      return { onHand: 0, reserved: -int(data, 'quantity') };
    case 'StockShipped':
      return { onHand: -int(data, 'quantity'), reserved: -int(data, 'quantity') };
    case 'StockAdjusted':
      return { onHand: int(data, 'quantity'), reserved: 0 };
    case 'StockReturned':
    case 'StockTransferredIn':
      return { onHand: int(data, 'quantity'), reserved: 0 };
    case 'StockTransferredOut':
      return { onHand: -int(data, 'quantity'), reserved: 0 };
    default:
      return undefined;
  }
}

const K = '\u0000';
/** Stock events the catalogue reads: those that move units, and thresholds (alerts are the analytics' business). */
const STOCK_TYPES = ['StockReceived', 'StockReserved', 'StockReleased', 'StockShipped', 'StockAdjusted', 'StockReturned', 'StockTransferredOut', 'StockTransferredIn', 'StockThresholdSet'];
const productTypes = new Set<string>(productEventTypes);

async function setup(db: Executor): Promise<void> {
  await sql`
    create table catalogue_products (
      tenant_id     text    not null,
      sku           text    not null,
      name          text    not null,
      category      text    not null,
      category_path text    not null,
      price_minor   bigint  not null,
      currency      char(3) not null,
      registered_at timestamptz not null,
      updated_at    timestamptz not null,
      on_hand       integer not null default 0,
      reserved      integer not null default 0,
      available     integer not null default 0,
      low_stock_threshold integer not null default ${sql.lit(DEFAULT_LOW_STOCK_THRESHOLD)},
      stock_status  text    not null default 'out',
      search        tsvector generated always as (to_tsvector('simple', name)) stored,
      primary key (tenant_id, sku)
    )`.execute(db);
  await sql`create index catalogue_products_category on catalogue_products (tenant_id, category_path text_pattern_ops)`.execute(db);
  await sql`create index catalogue_products_price on catalogue_products (tenant_id, price_minor)`.execute(db);
  await sql`create index catalogue_products_search on catalogue_products using gin (search)`.execute(db);
  await sql`
    create table catalogue_stock (
      tenant_id    text    not null,
      sku          text    not null,
      warehouse_id text    not null,
      on_hand      integer not null default 0,
      reserved     integer not null default 0,
      low_stock_threshold integer,
      primary key (tenant_id, sku, warehouse_id)
    )`.execute(db);
  await sql`
    create table catalogue_categories (
      tenant_id   text    not null,
      path        text    not null,
      parent_path text,
      name        text    not null,
      depth       integer not null,
      products    integer not null,
      primary key (tenant_id, path)
    )`.execute(db);
}

type ProductRow = [tenant: string, sku: string, name: string, category: string, path: string, price: number, currency: string, at: string, at2: string];

async function apply(db: Executor, events: readonly RecordedEvent[]): Promise<void> {
  const added = new Map<string, ProductRow>();
  const prices = new Map<string, [string, string, number, string, string]>();
  const stock = new Map<string, [string, string, string, number, number]>();
  const touched = new Map<string, [string, string]>();
  const categories = new Map<string, [string, string, string | null, string, number, number]>();
  const thresholds = new Map<string, [string, string, string, number]>();

  for (const e of events) {
    const tenant = e.metadata.tenantId;
    const at = e.metadata.occurredAt;
    const d = e.data;
    if (productTypes.has(e.type)) {
      const sku = str(d, 'sku');
      const key = tenant + K + sku;
      if (e.type === 'ProductRegistered') {
        const price = moneyOf(d, 'price');
        const category = str(d, 'category');
        const path = categoryPath(category) || category;
        added.set(key, [tenant, sku, str(d, 'name'), category, path, price.minor, price.currency, at, at]);
        touched.set(key, [tenant, sku]);
        for (const [depth, node] of categoryAncestors(path).entries()) {
          const ck = tenant + K + node;
          const prev = categories.get(ck);
          const parent = depth === 0 ? null : node.slice(0, node.lastIndexOf('/'));
          categories.set(ck, [tenant, node, parent, node.slice(node.lastIndexOf('/') + 1), depth, (prev?.[5] ?? 0) + 1]);
        }
      } else if (e.type === 'ProductPriceChanged') {
        const price = moneyOf(d, 'price');
        const row = added.get(key);
        if (row) {
          row[5] = price.minor;
          row[6] = price.currency;
          row[8] = at;
        } else prices.set(key, [tenant, sku, price.minor, price.currency, at]);
      }
      continue;
    }
    if (e.type === 'StockThresholdSet') {
      thresholds.set([tenant, str(d, 'sku'), str(d, 'warehouseId')].join(K), [tenant, str(d, 'sku'), str(d, 'warehouseId'), int(d, 'lowStock')]);
      touched.set(tenant + K + str(d, 'sku'), [tenant, str(d, 'sku')]);
      continue;
    }
    const delta = stockDelta(e.type, d);
    if (!delta) continue;
    const sku = str(d, 'sku');
    const warehouse = str(d, 'warehouseId');
    const key = tenant + K + sku + K + warehouse;
    const prev = stock.get(key);
    stock.set(key, [tenant, sku, warehouse, (prev?.[3] ?? 0) + delta.onHand, (prev?.[4] ?? 0) + delta.reserved]);
    touched.set(tenant + K + sku, [tenant, sku]);
  }

  await insertRows(
    db,
    'catalogue_products',
    columns(['tenant_id', 'text'], ['sku', 'text'], ['name', 'text'], ['category', 'text'], ['category_path', 'text'], ['price_minor', 'int8'], ['currency', 'text'], ['registered_at', 'timestamptz'], ['updated_at', 'timestamptz']),
    [...added.values()],
  );
  await updateRows(
    db,
    'catalogue_products',
    columns(['tenant_id', 'text'], ['sku', 'text']),
    columns(['price_minor', 'int8'], ['currency', 'text'], ['updated_at', 'timestamptz']),
    [...prices.values()],
    'price_minor = u.price_minor, currency = u.currency, updated_at = u.updated_at',
  );
  await addToCounters(db, 'catalogue_stock', columns(['tenant_id', 'text'], ['sku', 'text'], ['warehouse_id', 'text']), columns(['on_hand', 'int4'], ['reserved', 'int4']), [...stock.values()]);
  await insertRows(
    db,
    'catalogue_stock',
    columns(['tenant_id', 'text'], ['sku', 'text'], ['warehouse_id', 'text'], ['low_stock_threshold', 'int4']),
    [...thresholds.values()].map((t) => [t[0], t[1], t[2], t[3]]),
    'on conflict (tenant_id, sku, warehouse_id) do update set low_stock_threshold = excluded.low_stock_threshold',
  );
  await insertRows(
    db,
    'catalogue_categories',
    columns(['tenant_id', 'text'], ['path', 'text'], ['parent_path', 'text'], ['name', 'text'], ['depth', 'int4'], ['products', 'int4']),
    [...categories.values()],
    'on conflict (tenant_id, path) do update set products = catalogue_categories.products + excluded.products',
  );
  if (touched.size > 0) {
    const keys = [...touched.values()];
    await sql`
      update catalogue_products p
      set on_hand = s.on_hand, reserved = s.reserved, available = s.on_hand - s.reserved, low_stock_threshold = s.threshold,
          stock_status = case when s.on_hand - s.reserved <= 0 then 'out'
                              when s.on_hand - s.reserved <= s.threshold then 'low' else 'in-stock' end
      from (
        select st.tenant_id, st.sku, sum(st.on_hand)::int as on_hand, sum(st.reserved)::int as reserved,
               coalesce(sum(st.low_stock_threshold)::int, ${DEFAULT_LOW_STOCK_THRESHOLD}) as threshold
        from catalogue_stock st
        where (st.tenant_id, st.sku) in (select * from unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[]))
        group by st.tenant_id, st.sku
      ) s
      where p.tenant_id = s.tenant_id and p.sku = s.sku`.execute(db);
  }
}

/**
 * The catalogue read model:
 * - `catalogue_products`: per SKU its name, category (and normalised `category_path`),
 *   price in minor units, on hand / reserved / available summed over warehouses, the
 *   low-stock threshold (the sum of the warehouses' `StockThresholdSet`, else
 *   `DEFAULT_LOW_STOCK_THRESHOLD`) and `stock_status` (`out`: available ≤ 0; `low`: ≤
 *   threshold; else `in-stock`), and a `simple` text-search vector of the name;
 * - `catalogue_stock`: on hand, reserved and threshold per SKU per warehouse;
 * - `catalogue_categories`: the category tree (`a/b` is a child of `a`) with the number
 *   of products in each node's subtree.
 */
export const catalogueProjection: Projection = {
  name: 'catalogue',
  version: 1,
  description: 'products, prices, stock per warehouse, availability flags, category tree',
  eventTypes: new Set<string>([...productEventTypes, ...STOCK_TYPES]),
  tables: ['catalogue_products', 'catalogue_stock', 'catalogue_categories'],
  setup,
  apply,
};
