import { sql, type Kysely } from 'kysely';
import type { Money } from '../../domain/shared/index.js';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';

/** An order as the orders read model holds it; amounts in minor units; times ISO 8601 UTC or null. */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly subtotal: Money;
  readonly shipping: Money;
  readonly total: Money;
  readonly itemCount: number;
  readonly placedAt: string;
  readonly confirmedAt: string | null;
  readonly shippedAt: string | null;
  readonly deliveredAt: string | null;
  readonly cancelledAt: string | null;
  readonly cancelReason: string | null;
  readonly processingAt: string | null;
  /** Units returned so far. */
  readonly returnedUnits: number;
  /** Refunded so far (minor units, order currency). */
  readonly refunded: Money;
}

/** An order line. */
export interface OrderLineView {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
}

/** Filters and page of `listOrders`. */
export interface OrderFilter {
  readonly status?: string;
  readonly customerId?: string;
  readonly limit: number;
  readonly offset: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const money = (minor: string | number, currency: string): Money => ({ minor: Number(minor), currency });

type OrderRow = {
  order_id: string; customer_id: string; status: string; currency: string; subtotal_minor: string; shipping_minor: string;
  total_minor: string; item_count: number; placed_at: Date; confirmed_at: Date | null; shipped_at: Date | null;
  delivered_at: Date | null; cancelled_at: Date | null; cancel_reason: string | null;
  processing_at: Date | null; returned_units: number; refunded_minor: string;
};

function toOrderView(r: OrderRow): OrderView {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    status: r.status,
    subtotal: money(r.subtotal_minor, r.currency),
    shipping: money(r.shipping_minor, r.currency),
    total: money(r.total_minor, r.currency),
    itemCount: r.item_count,
    placedAt: r.placed_at.toISOString(),
    confirmedAt: iso(r.confirmed_at),
    shippedAt: iso(r.shipped_at),
    deliveredAt: iso(r.delivered_at),
    cancelledAt: iso(r.cancelled_at),
    cancelReason: r.cancel_reason,
    processingAt: iso(r.processing_at),
    returnedUnits: r.returned_units,
    refunded: money(r.refunded_minor, r.currency),
  };
}

/** A tenant's orders, newest first. */
export async function listOrders(db: Kysely<ReadModelSchema>, tenantId: string, filter: OrderFilter): Promise<OrderView[]> {
  let query = db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  const rows = await query.orderBy('placed_at', 'desc').orderBy('order_id').limit(filter.limit).offset(filter.offset).execute();
  return rows.map(toOrderView);
}

/** One order with its lines, or undefined. */
export async function findOrder(db: Kysely<ReadModelSchema>, tenantId: string, orderId: string): Promise<(OrderView & { lines: OrderLineView[] }) | undefined> {
  const row = await db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).executeTakeFirst();
  if (!row) return undefined;
  const lines = await db.selectFrom('order_lines').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();
  return {
    ...toOrderView(row),
    lines: lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      category: l.category,
      warehouseId: l.warehouse_id,
      quantity: l.quantity,
      unitPrice: money(l.unit_price_minor, l.currency),
      lineTotal: money(l.line_total_minor, l.currency),
    })),
  };
}

/** A day's sales in one category: GMV in minor units, orders touching the category, items. */
export interface DailySalesRow {
  readonly day: string;
  readonly category: string;
  readonly gmv: Money;
  readonly orders: number;
  readonly items: number;
}

/** Daily sales by category between two local days (inclusive, `YYYY-MM-DD`), by day then category. */
export async function listDailySales(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  filter: { from?: string; to?: string; category?: string; limit: number; offset: number },
): Promise<DailySalesRow[]> {
  let query = db.selectFrom('daily_sales_by_category').selectAll().where('tenant_id', '=', tenantId);
  if (filter.from) query = query.where('day', '>=', filter.from);
  if (filter.to) query = query.where('day', '<=', filter.to);
  if (filter.category) query = query.where('category', '=', filter.category);
  const rows = await query.orderBy('day').orderBy('category').limit(filter.limit).offset(filter.offset).execute();
  return rows.map((r) => ({ day: r.day, category: r.category, gmv: money(r.gmv_minor, r.currency), orders: r.orders, items: r.items }));
}

/**
 * The sales report of one tenant, read from the read models:
 * - `orders`: number of orders; `ordersByStatus`: that number per status;
 * - `gmv`: Σ line prices (shipping excluded) of orders not cancelled, per currency
 *   (`gmv` is the first currency's, `gmvByCurrency` all of them);
 * - `gmvByCategory`: the same per category, largest first, ties by name.
 */
export interface SalesReport {
  readonly tenantId: string;
  readonly orders: number;
  readonly ordersByStatus: Record<string, number>;
  readonly gmv: Money | null;
  readonly gmvByCurrency: Money[];
  readonly gmvByCategory: { category: string; currency: string; minor: number }[];
}

/** Builds the `SalesReport` of a tenant. */
export async function salesReport(db: Kysely<ReadModelSchema>, tenantId: string): Promise<SalesReport> {
  const byStatus = await db
    .selectFrom('orders')
    .select(['status', sql<string>`count(*)`.as('n')])
    .where('tenant_id', '=', tenantId)
    .groupBy('status')
    .orderBy('status')
    .execute();
  const byCategory = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'l.tenant_id').onRef('o.order_id', '=', 'l.order_id'))
    .select(['l.category', 'l.currency', sql<string>`sum(l.line_total_minor)`.as('minor')])
    .where('l.tenant_id', '=', tenantId)
    .where('o.status', '<>', 'cancelled')
    .groupBy(['l.category', 'l.currency'])
    .execute();
  const gmvByCategory = byCategory
    .map((r) => ({ category: r.category, currency: r.currency, minor: Number(r.minor) }))
    .sort((a, b) => b.minor - a.minor || a.category.localeCompare(b.category));
  const gmvByCurrency = [...new Set(gmvByCategory.map((c) => c.currency))].sort().map((currency) => ({
    currency,
    minor: gmvByCategory.filter((c) => c.currency === currency).reduce((s, c) => s + c.minor, 0),
  }));
  const ordersByStatus = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]));
  return {
    tenantId,
    orders: Object.values(ordersByStatus).reduce((a, b) => a + b, 0),
    ordersByStatus,
    gmv: gmvByCurrency[0] ?? null,
    gmvByCurrency,
    gmvByCategory,
  };
}
