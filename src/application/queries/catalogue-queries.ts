import { sql, type Kysely } from 'kysely';
import type { Money } from '../../domain/shared/index.js';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';

/** A catalogue entry: price in minor units, `available` = on hand − reserved over all warehouses. */
export interface CatalogueItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money;
  readonly available: number;
}

/** Filters and page of `listCatalogue`. */
export interface CatalogueFilter {
  readonly category?: string;
  readonly limit: number;
  readonly offset: number;
}

function catalogueQuery(db: Kysely<ReadModelSchema>, tenantId: string) {
  return db
    .selectFrom('catalogue_products as p')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('catalogue_stock')
          .select(['tenant_id', 'sku', sql<string>`sum(on_hand - reserved)`.as('available')])
          .where('tenant_id', '=', tenantId)
          .groupBy(['tenant_id', 'sku'])
          .as('s'),
      (join) => join.onRef('s.tenant_id', '=', 'p.tenant_id').onRef('s.sku', '=', 'p.sku'),
    )
    .select(['p.sku', 'p.name', 'p.category', 'p.price_minor', 'p.currency', 's.available'])
    .where('p.tenant_id', '=', tenantId);
}

type CatalogueRow = { sku: string; name: string; category: string; price_minor: string; currency: string; available: string | null };

function toItem(row: CatalogueRow): CatalogueItem {
  return {
    sku: row.sku,
    name: row.name,
    category: row.category,
    price: { minor: Number(row.price_minor), currency: row.currency },
    available: Number(row.available ?? 0),
  };
}

/** A tenant's catalogue, ordered by SKU, optionally of one category. */
export async function listCatalogue(db: Kysely<ReadModelSchema>, tenantId: string, filter: CatalogueFilter): Promise<CatalogueItem[]> {
  let query = catalogueQuery(db, tenantId);
  if (filter.category) query = query.where('p.category', '=', filter.category);
  const rows = await query.orderBy('p.sku').limit(filter.limit).offset(filter.offset).execute();
  return rows.map(toItem);
}

/** One product of a tenant's catalogue, or undefined. */
export async function findCatalogueItem(db: Kysely<ReadModelSchema>, tenantId: string, sku: string): Promise<CatalogueItem | undefined> {
  const row = await catalogueQuery(db, tenantId).where('p.sku', '=', sku).executeTakeFirst();
  return row ? toItem(row) : undefined;
}
