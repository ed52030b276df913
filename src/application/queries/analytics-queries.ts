import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Money } from '../../domain/shared/index.js';
import type { ReadModelSchema } from '../../infrastructure/database/schema.js';
import { inCategory } from './catalogue-queries.js';
import { readModelMoney } from './sales-queries.js';

/** A period of local days, inclusive at both ends (`YYYY-MM-DD`); either end may be open. */
export interface Period {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** Page of a list query. */
export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** a − b of two int8 amounts (decimal strings), exactly. */
const minus = (a: string, b: string): bigint => BigInt(a) - BigInt(b);

/** `total` ÷ `count` rounded half away from zero to a whole minor unit, exactly. */
function average(total: bigint, count: number): bigint {
  const n = BigInt(count);
  const twice = (2n * total) / n;
  return twice >= 0n ? (twice + 1n) / 2n : (twice - 1n) / 2n;
}

/** `and day >= from and day <= to` for the ends the period has: the period's condition in a raw query. */
const periodFilter = (period: Period) => sql`${period.from ? sql`and day >= ${period.from}` : sql``} ${period.to ? sql`and day <= ${period.to}` : sql``}`;

/** The query narrowed to rows whose `day` is in the period. */
function inPeriod<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, period: Period): SelectQueryBuilder<DB, TB, O> {
  let q = query;
  if (period.from) q = q.where(sql<boolean>`day >= ${period.from}`);
  if (period.to) q = q.where(sql<boolean>`day <= ${period.to}`);
  return q;
}

/**
 * A bucket of sales (a day, or an hour of a day) in one currency, net of cancellations:
 * `orders`, `gmv` (line totals, shipping excluded) and `items` of orders placed in it minus
 * those later cancelled; `averageOrderValue` = gmv ÷ orders rounded to a minor unit (null
 * without orders); `cancelledOrders` / `cancelledGmv`: what cancellations took back.
 */
export interface SalesBucket {
  readonly day: string;
  /** 0–23 for hourly buckets; absent for daily ones. */
  readonly hour?: number;
  readonly orders: number;
  readonly gmv: Money;
  readonly items: number;
  readonly averageOrderValue: Money | null;
  readonly cancelledOrders: number;
  readonly cancelledGmv: Money;
}

/** Daily or hourly sales over a period, by day (then hour) then currency. */
export async function salesSeries(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  options: Period & { granularity: 'day' | 'hour'; currency?: string | undefined } & Page,
): Promise<SalesBucket[]> {
  const hourly = options.granularity === 'hour';
  const { rows } = await sql<{ day: string; hour: number | null; currency: string; orders: number; gmv: string; items: number; c_orders: number; c_gmv: string }>`
    select day::text as day, ${hourly ? sql`hour` : sql`null::int`} as hour, currency,
           sum(orders - cancelled_orders)::int as orders, sum(gmv_minor - cancelled_gmv_minor)::text as gmv,
           sum(items - cancelled_items)::int as items, sum(cancelled_orders)::int as c_orders, sum(cancelled_gmv_minor)::text as c_gmv
    from analytics_sales_hourly
    where tenant_id = ${tenantId}
      ${periodFilter(options)}
      ${options.currency ? sql`and currency = ${options.currency}` : sql``}
    group by day, ${hourly ? sql`hour,` : sql``} currency
    order by day, ${hourly ? sql`hour,` : sql``} currency
    limit ${options.limit} offset ${options.offset}`.execute(db);
  return rows.map((r) => ({
    day: r.day,
    ...(hourly ? { hour: r.hour! } : {}),
    orders: r.orders,
    gmv: readModelMoney(r.gmv, r.currency),
    items: r.items,
    averageOrderValue: r.orders > 0 ? readModelMoney(average(BigInt(r.gmv), r.orders), r.currency) : null,
    cancelledOrders: r.c_orders,
    cancelledGmv: readModelMoney(r.c_gmv, r.currency),
  }));
}

/**
 * Sales of one category (or product) over a period, net of cancellations. `orders`: orders
 * containing it; `returnedUnits`: units of it returned in the period (`units` −
 * `returnedUnits` is the period's sales net of returns too).
 */
export interface SalesTotal {
  readonly key: string;
  readonly name?: string;
  readonly category?: string;
  readonly orders: number;
  readonly units: number;
  readonly gmv: Money;
  readonly returnedUnits: number;
}

/**
 * Net sales per category over a period (optionally one currency), largest GMV first (ties
 * by name): `orders` counts each order once per category it has a line of, however many
 * of the category's products it holds (net of cancelled orders, as `/sales/daily`).
 */
export async function salesByCategory(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page & { currency?: string | undefined }): Promise<SalesTotal[]> {
  const { rows } = await sql<{ key: string; currency: string; orders: number; units: number; gmv: string; returned_units: number }>`
    select category as key, currency, sum(orders - cancelled_orders)::int as orders, sum(units - cancelled_units)::int as units,
           sum(gmv_minor - cancelled_gmv_minor)::text as gmv, sum(returned_units)::int as returned_units
    from analytics_category_daily
    where tenant_id = ${tenantId}
      ${periodFilter(options)}
      ${options.currency ? sql`and currency = ${options.currency}` : sql``}
    group by category, currency
    order by sum(gmv_minor - cancelled_gmv_minor) desc, category, currency
    limit ${options.limit} offset ${options.offset}`.execute(db);
  return rows.map((r) => ({ key: r.key, orders: r.orders, units: r.units, gmv: readModelMoney(r.gmv, r.currency), returnedUnits: r.returned_units }));
}

/**
 * Rankings of `topSellers`: `units` (sold, net of cancellations; the default), `gmv` (net
 * of cancellations) or `net-units` (units sold − cancelled − returned, within the period).
 */
export const TOP_SELLER_RANKINGS = ['units', 'gmv', 'net-units'] as const;
/** One of `TOP_SELLER_RANKINGS`. */
export type TopSellerRanking = (typeof TOP_SELLER_RANKINGS)[number];

/**
 * A best seller of a period: its `SalesTotal` (units and GMV net of cancellations,
 * `returnedUnits` returned in the period) and `netUnits` = units − returnedUnits, the
 * figure of the `net-units` ranking (may be ≤ 0 in the other rankings).
 */
export interface TopSeller extends SalesTotal {
  readonly name: string;
  readonly category: string;
  readonly netUnits: number;
}

/**
 * Best-selling products over a period, optionally of one category (and everything under
 * it; spelled `Home > Kitchen` or `Home/Kitchen`, see `inCategory`) and one currency:
 * - `units`: by units sold net of cancellations (ties by GMV, then SKU); products with
 *   none left out;
 * - `gmv`: by GMV net of cancellations (ties by units, then SKU); products with no units
 *   left out;
 * - `net-units`: by units sold − cancelled − returned within the period (ties by GMV,
 *   then SKU); products whose net units are ≤ 0 left out. A sale counts on the day of
 *   placement (its cancellation with it), a return on the day of its event: units sold
 *   before the period and returned in it are taken off the period's net units, units sold
 *   in it and returned after it are not.
 *
 * GMV is never netted of returns: the returned amount (`returned_amount_minor`) is the
 * paid price (line total less its discount share, plus tax), not a GMV figure.
 */
export async function topSellers(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  options: Period & Page & { by: TopSellerRanking; category?: string | undefined; currency?: string | undefined },
): Promise<TopSeller[]> {
  const units = sql`sum(units - cancelled_units)`;
  const gmv = sql`sum(gmv_minor - cancelled_gmv_minor)`;
  const netUnits = sql`sum(units - cancelled_units - returned_units)`;
  const [first, second] = options.by === 'units' ? [units, gmv] : options.by === 'gmv' ? [gmv, units] : [netUnits, gmv];
  const { rows } = await sql<{ key: string; name: string; category: string; currency: string; orders: number; units: number; gmv: string; returned_units: number; net_units: number }>`
    select sku as key, (array_agg(name order by day desc))[1] as name, (array_agg(category order by day desc))[1] as category, currency,
           sum(orders - cancelled_orders)::int as orders, ${units}::int as units, ${gmv}::text as gmv, sum(returned_units)::int as returned_units,
           ${netUnits}::int as net_units
    from analytics_product_daily
    where tenant_id = ${tenantId}
      ${periodFilter(options)}
      ${options.currency ? sql`and currency = ${options.currency}` : sql``}
      ${options.category ? sql`and ${inCategory('category', options.category, true)}` : sql``}
    group by sku, currency
    having ${options.by === 'net-units' ? netUnits : units} > 0
    order by ${first} desc, ${second} desc, sku
    limit ${options.limit} offset ${options.offset}`.execute(db);
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    category: r.category,
    orders: r.orders,
    units: r.units,
    gmv: readModelMoney(r.gmv, r.currency),
    returnedUnits: r.returned_units,
    netUnits: r.net_units,
  }));
}

/**
 * A product's net sales on one day, and its units returned that day with the amount due
 * back for them (`returnedAmount`: the paid price — line total less its discount share,
 * plus tax —, not GMV).
 */
export interface ProductDay {
  readonly day: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly orders: number;
  readonly units: number;
  readonly gmv: Money;
  readonly returnedUnits: number;
  readonly returnedAmount: Money;
}

/** Net sales per product and day over a period (optionally one SKU), by day then SKU. */
export async function salesByProduct(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page & { sku?: string | undefined }): Promise<ProductDay[]> {
  let query = inPeriod(db.selectFrom('analytics_product_daily').selectAll().where('tenant_id', '=', tenantId), options);
  if (options.sku) query = query.where('sku', '=', options.sku);
  const rows = await query.orderBy('day').orderBy('sku').orderBy('currency').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({
    day: r.day,
    sku: r.sku,
    name: r.name,
    category: r.category,
    orders: r.orders - r.cancelled_orders,
    units: r.units - r.cancelled_units,
    gmv: readModelMoney(minus(r.gmv_minor, r.cancelled_gmv_minor), r.currency),
    returnedUnits: r.returned_units,
    returnedAmount: readModelMoney(r.returned_amount_minor, r.currency),
  }));
}

/**
 * One day's cancellations, returns or money given back, of one `kind` (day of the event):
 * - `cancellation`: orders cancelled, `amount` their GMV (paid or not);
 * - `return`: returns of items, `amount` the paid price due back for them;
 * - `refund`: money given back to external payments (card, bank transfer, boleto): each
 *   order refund's external part (`toExternal`; refunds wholly to the wallet not counted);
 * - `wallet-refund`: money given back to wallets (each `WalletRefunded`: a return's or
 *   refund's wallet part, a cancelled or failed checkout's wallet payment).
 * `refund` and `wallet-refund` are disjoint: their sum is all the money given back. The money
 * of a cancellation or a return is in them, its value in `cancellation` / `return`: adding
 * every kind counts it twice.
 */
export interface ReturnsDay {
  readonly day: string;
  readonly kind: string;
  readonly count: number;
  readonly amount: Money;
}

/** Cancellations, returns and money given back per day and kind (`ReturnsDay`) over a period. */
export async function cancellationsAndRefunds(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page & { kind?: string | undefined }): Promise<ReturnsDay[]> {
  let query = inPeriod(db.selectFrom('analytics_returns_daily').selectAll().where('tenant_id', '=', tenantId), options);
  if (options.kind) query = query.where('kind', '=', options.kind);
  const rows = await query.orderBy('day').orderBy('kind').orderBy('currency').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({ day: r.day, kind: r.kind, count: r.count, amount: readModelMoney(r.amount_minor, r.currency) }));
}

/** Money moved (or asked to move) through wallets on one day in one flow (`WALLET_FLOWS`: `top-up`, `payment`, `refund`, `top-up-requested`, `withdrawal-rejected`, …). */
export interface WalletFlowDay {
  readonly day: string;
  readonly flow: string;
  readonly count: number;
  readonly amount: Money;
}

/** Wallet flows per day and flow over a period. */
export async function walletFlows(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page & { flow?: string | undefined }): Promise<WalletFlowDay[]> {
  let query = inPeriod(db.selectFrom('analytics_wallet_daily').selectAll().where('tenant_id', '=', tenantId), options);
  if (options.flow) query = query.where('flow', '=', options.flow);
  const rows = await query.orderBy('day').orderBy('flow').orderBy('currency').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({ day: r.day, flow: r.flow, count: r.count, amount: readModelMoney(r.amount_minor, r.currency) }));
}

/**
 * Wallet freezes of one day: `frozen` (wallets frozen that day, `WalletFrozen`) and
 * `unfrozen` (freezes lifted that day, `WalletUnfrozen`). Counts only: the events carry
 * neither amount nor currency.
 */
export interface WalletFreezeDay {
  readonly day: string;
  readonly frozen: number;
  readonly unfrozen: number;
}

/** Wallet freezes and unfreezes per day over a period, by day. */
export async function walletFreezes(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page): Promise<WalletFreezeDay[]> {
  const rows = await inPeriod(db.selectFrom('analytics_wallet_freezes_daily').selectAll().where('tenant_id', '=', tenantId), options)
    .orderBy('day')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return rows.map((r) => ({ day: r.day, frozen: r.frozen, unfrozen: r.unfrozen }));
}

/** External payments of one day, method (`card`, `bank-transfer`, `boleto`) and outcome (`captured`, `declined`): how many, for how much. */
export interface PaymentOutcomeDay {
  readonly day: string;
  readonly method: string;
  readonly outcome: 'captured' | 'declined';
  readonly count: number;
  readonly amount: Money;
}

/** Payment outcomes per day, method and outcome over a period (optionally one outcome, method or currency), by day, method, outcome, currency. */
export async function paymentOutcomes(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  options: Period & Page & { outcome?: 'captured' | 'declined' | undefined; method?: string | undefined; currency?: string | undefined },
): Promise<PaymentOutcomeDay[]> {
  let query = inPeriod(db.selectFrom('analytics_payments_daily').selectAll().where('tenant_id', '=', tenantId), options);
  if (options.outcome) query = query.where('outcome', '=', options.outcome);
  if (options.method) query = query.where('method', '=', options.method);
  if (options.currency) query = query.where('currency', '=', options.currency);
  const rows = await query.orderBy('day').orderBy('method').orderBy('outcome').orderBy('currency').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({ day: r.day, method: r.method, outcome: r.outcome as 'captured' | 'declined', count: r.count, amount: readModelMoney(r.amount_minor, r.currency) }));
}

/**
 * Redemptions of one campaign code on one day: `held` (checkouts that redeemed it that day),
 * `released` (redemptions given back that day, their orders cancelled), `net` = held −
 * released; `discount`, `releasedDiscount`, `netDiscount`: the discounts of those.
 */
export interface CouponDay {
  readonly day: string;
  readonly code: string;
  readonly held: number;
  readonly released: number;
  readonly net: number;
  readonly discount: Money;
  readonly releasedDiscount: Money;
  readonly netDiscount: Money;
}

/** Coupon redemptions per day and campaign over a period (optionally one code), by day, code, currency. */
export async function couponRedemptions(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page & { code?: string | undefined }): Promise<CouponDay[]> {
  let query = inPeriod(db.selectFrom('analytics_coupons_daily').selectAll().where('tenant_id', '=', tenantId), options);
  if (options.code) query = query.where('code', '=', options.code);
  const rows = await query.orderBy('day').orderBy('code').orderBy('currency').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({
    day: r.day,
    code: r.code,
    held: r.held,
    released: r.released,
    net: r.held - r.released,
    discount: readModelMoney(r.held_discount_minor, r.currency),
    releasedDiscount: readModelMoney(r.released_discount_minor, r.currency),
    netDiscount: readModelMoney(minus(r.held_discount_minor, r.released_discount_minor), r.currency),
  }));
}

/** A current stock alert: an SKU in a warehouse that is `low` or `out`, since when (ISO 8601 UTC). */
export interface StockAlert {
  readonly sku: string;
  readonly warehouseId: string;
  readonly level: 'low' | 'out';
  readonly available: number;
  readonly threshold: number;
  readonly since: string;
}

/** Current stock alerts, `out` before `low`, then longest-standing first. */
export async function stockAlerts(
  db: Kysely<ReadModelSchema>,
  tenantId: string,
  options: Page & { level?: 'low' | 'out' | undefined; warehouseId?: string | undefined },
): Promise<StockAlert[]> {
  let query = db.selectFrom('analytics_stock').selectAll().where('tenant_id', '=', tenantId).where('level', '<>', 'ok');
  if (options.level) query = query.where('level', '=', options.level);
  if (options.warehouseId) query = query.where('warehouse_id', '=', options.warehouseId);
  const rows = await query.orderBy('level', 'desc').orderBy('level_since').orderBy('sku').orderBy('warehouse_id').limit(options.limit).offset(options.offset).execute();
  return rows.map((r) => ({
    sku: r.sku,
    warehouseId: r.warehouse_id,
    level: r.level as 'low' | 'out',
    available: r.available,
    threshold: r.threshold,
    since: r.level_since.toISOString(),
  }));
}

/**
 * Baskets by day of opening: opened, checked out, abandoned (an abandonment event), merged
 * (guest baskets closed into a customer's basket; one only claimed for a merge is still
 * open), and still open = opened − checked out − abandoned − merged; `conversionRate` =
 * checked out ÷ opened, `abandonmentRate` = abandoned ÷ opened (4 decimals; null when none
 * opened). `total` sums the period.
 */
export interface BasketFunnel {
  readonly days: ({ day: string; currency: string } & BasketCounts)[];
  readonly total: BasketCounts;
}

/** One `BasketFunnel` figure set (counts of baskets, rates of `opened`). */
export interface BasketCounts {
  readonly opened: number;
  readonly checkedOut: number;
  readonly abandoned: number;
  readonly merged: number;
  readonly open: number;
  readonly conversionRate: number | null;
  readonly abandonmentRate: number | null;
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const basketCounts = (opened: number, checkedOut: number, abandoned: number, merged: number): BasketCounts => ({
  opened,
  checkedOut,
  abandoned,
  merged,
  open: opened - checkedOut - abandoned - merged,
  conversionRate: rate(checkedOut, opened),
  abandonmentRate: rate(abandoned, opened),
});

/** Basket conversion and abandonment over a period. */
export async function basketFunnel(db: Kysely<ReadModelSchema>, tenantId: string, options: Period & Page): Promise<BasketFunnel> {
  const rows = await inPeriod(db.selectFrom('analytics_basket_daily').selectAll().where('tenant_id', '=', tenantId), options)
    .orderBy('day')
    .orderBy('currency')
    .execute();
  const days = rows.map((r) => ({ day: r.day, currency: r.currency.trim(), ...basketCounts(r.opened, r.checked_out, r.abandoned, r.merged) }));
  const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((s, d) => s + f(d), 0);
  return {
    days: days.slice(options.offset, options.offset + options.limit),
    total: basketCounts(sum((d) => d.opened), sum((d) => d.checkedOut), sum((d) => d.abandoned), sum((d) => d.merged)),
  };
}
