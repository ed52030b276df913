import { sql, type Kysely } from 'kysely';
import { InvalidMoneyError, money, type Money } from '../../domain/shared/index.js';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';
import { inCategory } from './catalogue-queries.js';

const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Money from an amount of a read model: an int8 column or a sum of one, which node-postgres
 * returns as a decimal string (or a bigint computed from them), and its currency (`char(3)`
 * padding trimmed). The one way queries turn stored amounts into the API's Money, whose
 * `minor` is a JSON number: exact up to 2^53 − 1 minor units, which is all Money carries
 * (`money`). A sum beyond that is refused rather than rounded (`Number("9007199254840001")`
 * is 9007199254840000): the query fails loudly instead of answering a wrong figure.
 * @throws InvalidMoneyError when the amount is beyond ±(2^53 − 1) minor units
 */
export function readModelMoney(minor: string | number | bigint, currency: string): Money {
  const exact = BigInt(minor);
  if (exact > MAX_MINOR || exact < -MAX_MINOR) {
    throw new InvalidMoneyError(`${exact} minor units of ${currency.trim()} are beyond 2^53 − 1: the amount cannot be given exactly as Money`);
  }
  return money(Number(exact), currency.trim());
}

/**
 * An order as the orders read model holds it; amounts in minor units of the order currency;
 * times ISO 8601 UTC or null. The figures add up:
 * subtotal − discount + shipping = total when `pricesIncludeTax` (Turkish retail prices include
 * KDV, Law No. 6502 art. 54: every order placed through checkout), and
 * subtotal − discount + tax + shipping = total when prices were net.
 */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  /** Σ line totals (unit price × quantity), before the discount. */
  readonly subtotal: Money;
  /** The order discount (a coupon); Σ of the lines' `discount`. 0 on orders placed before discounts were recorded. */
  readonly discount: Money;
  readonly shipping: Money;
  /**
   * The KDV (Turkish VAT) in the total: contained in the discounted line prices when
   * `pricesIncludeTax`, added to them otherwise; Σ of the lines' `tax`. Shipping carries none.
   * 0 on orders placed before KDV was recorded (not guessed).
   */
  readonly tax: Money;
  /** Whether line prices include KDV (true on orders placed before this was recorded). */
  readonly pricesIncludeTax: boolean;
  /** What the customer owes for the order: see the invariant above. */
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
  /**
   * Paid so far, as the order's events record it, gross of refunds: once the payment was
   * confirmed, the confirmed amount (Σ its payments, wallet part included: the total); before
   * that, the external part captured by the provider (at checkout or reported later), 0 if
   * none; a capture reported after a confirmed order was cancelled is added. The wallet part
   * counts from confirmation only (its debit is recorded in the wallet; a failed checkout
   * gives it back there, not through `refunded`).
   */
  readonly paid: Money;
  /**
   * Given back so far out of `paid`, each amount once, wallet part included: every order
   * refund (`OrderRefunded`: a return's or an admin's, with its wallet part; a cancelled
   * order's captured external payments) and every other wallet refund of the order once it
   * was confirmed (a cancelled order's wallet part, which its checkout process gives back).
   */
  readonly refunded: Money;
}

/** Units of an order line allocated to one warehouse (reserved there, shipped from there). */
export interface LineAllocationView {
  readonly warehouseId: string;
  readonly quantity: number;
}

/**
 * An order line, with the warehouses its units were allocated to (reserved in, shipped
 * from): `warehouseId` when all of them come from one; when they were split across several,
 * `warehouseId` is null and `allocations` lists each warehouse with its units (in allocation
 * order; they add up to `quantity`). `allocations` is absent on lines from one warehouse.
 */
export interface OrderLineView {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly warehouseId: string | null;
  readonly quantity: number;
  readonly unitPrice: Money;
  /** unitPrice × quantity, before the discount. */
  readonly lineTotal: Money;
  /** The line's share of the order discount (in proportion to line totals); 0 on orders placed before discounts were recorded. */
  readonly discount: Money;
  /** The line's KDV on lineTotal − discount (included in it or added, as the order's `pricesIncludeTax`); 0 when not recorded. */
  readonly tax: Money;
  /** The line's KDV rate in percent (0, 1, 10, 20); null on orders placed before it was recorded. */
  readonly taxRate: number | null;
  readonly allocations?: readonly LineAllocationView[];
}

/** Filters and page of `listOrders`. */
export interface OrderFilter {
  readonly status?: string;
  readonly customerId?: string;
  readonly limit: number;
  readonly offset: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type OrderRow = {
  order_id: string; customer_id: string; status: string; currency: string; subtotal_minor: string; shipping_minor: string;
  total_minor: string; discount_minor: string; tax_minor: string; prices_include_tax: boolean; paid_minor: string; item_count: number; placed_at: Date; confirmed_at: Date | null; shipped_at: Date | null;
  delivered_at: Date | null; cancelled_at: Date | null; cancel_reason: string | null;
  processing_at: Date | null; returned_units: number; refunded_minor: string;
};

function toOrderView(r: OrderRow): OrderView {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    status: r.status,
    subtotal: readModelMoney(r.subtotal_minor, r.currency),
    discount: readModelMoney(r.discount_minor, r.currency),
    shipping: readModelMoney(r.shipping_minor, r.currency),
    tax: readModelMoney(r.tax_minor, r.currency),
    pricesIncludeTax: r.prices_include_tax,
    total: readModelMoney(r.total_minor, r.currency),
    itemCount: r.item_count,
    placedAt: r.placed_at.toISOString(),
    confirmedAt: iso(r.confirmed_at),
    shippedAt: iso(r.shipped_at),
    deliveredAt: iso(r.delivered_at),
    cancelledAt: iso(r.cancelled_at),
    cancelReason: r.cancel_reason,
    processingAt: iso(r.processing_at),
    returnedUnits: r.returned_units,
    paid: readModelMoney(r.paid_minor, r.currency),
    refunded: readModelMoney(r.refunded_minor, r.currency),
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
  const { rows: lines } = await sql<{
    sku: string; name: string; category: string; warehouse_id: string | null; quantity: number; unit_price_minor: string; line_total_minor: string;
    discount_minor: string; tax_minor: string; tax_rate: number | null; currency: string; allocations: LineAllocationView[];
  }>`
    select l.sku, l.name, l.category, l.warehouse_id, l.quantity, l.unit_price_minor, l.line_total_minor, l.discount_minor, l.tax_minor, l.tax_rate, l.currency,
           coalesce((select json_agg(json_build_object('warehouseId', a.warehouse_id, 'quantity', a.quantity) order by a.seq)
                     from order_line_allocations a
                     where a.tenant_id = l.tenant_id and a.order_id = l.order_id and a.line_no = l.line_no), '[]'::json) as allocations
    from order_lines l
    where l.tenant_id = ${tenantId} and l.order_id = ${orderId}
    order by l.line_no`.execute(db);
  return {
    ...toOrderView(row),
    lines: lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      category: l.category,
      warehouseId: l.warehouse_id,
      quantity: l.quantity,
      unitPrice: readModelMoney(l.unit_price_minor, l.currency),
      lineTotal: readModelMoney(l.line_total_minor, l.currency),
      discount: readModelMoney(l.discount_minor, l.currency),
      tax: readModelMoney(l.tax_minor, l.currency),
      taxRate: l.tax_rate,
      ...(l.warehouse_id === null ? { allocations: l.allocations } : {}),
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

/**
 * Daily sales by category between two local days (inclusive, `YYYY-MM-DD`), by day then
 * category (paths as the catalogue files them, `Home/Kitchen`); with `category`, that
 * category's rows, spelled `Home > Kitchen` or `Home/Kitchen` alike (see `inCategory`).
 */
export async function listDailySales(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  filter: { from?: string; to?: string; category?: string; limit: number; offset: number },
): Promise<DailySalesRow[]> {
  let query = db.selectFrom('daily_sales_by_category').selectAll().where('tenant_id', '=', tenantId);
  if (filter.from) query = query.where('day', '>=', filter.from);
  if (filter.to) query = query.where('day', '<=', filter.to);
  if (filter.category) query = query.where(inCategory('category', filter.category, false));
  const rows = await query.orderBy('day').orderBy('category').limit(filter.limit).offset(filter.offset).execute();
  return rows.map((r) => ({ day: r.day, category: r.category, gmv: readModelMoney(r.gmv_minor, r.currency), orders: r.orders, items: r.items }));
}

/**
 * The sales report of one tenant, read from the read models:
 * - `orders`: number of orders; `ordersByStatus`: that number per status;
 * - `gmv`: Σ line prices (shipping excluded) of orders not cancelled, per currency
 *   (`gmv` is the first currency's, `gmvByCurrency` all of them);
 * - `gmvByCategory`: the same per category (its catalogue path, `Home/Kitchen`, however the
 *   products spelled it), largest first, ties by name.
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
    .map((r) => ({ category: r.category, ...readModelMoney(r.minor, r.currency) }))
    .sort((a, b) => b.minor - a.minor || a.category.localeCompare(b.category));
  // Summed exactly (the categories' sums may each be safe and their total not).
  const byCurrency = new Map<string, bigint>();
  for (const r of byCategory) byCurrency.set(r.currency.trim(), (byCurrency.get(r.currency.trim()) ?? 0n) + BigInt(r.minor));
  const gmvByCurrency = [...byCurrency.keys()].sort().map((currency) => readModelMoney(byCurrency.get(currency)!, currency));
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
