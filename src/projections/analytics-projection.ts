import { sql } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { catalogueCategoryPath } from '../domain/product/index.js';
import { stockLevelOf } from '../domain/stock/index.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from './catalogue-projection.js';
import { salesByCategory } from './sales-projection.js';
import { int, list, localDay, localHour, moneyOf, optStr, str, type ApplyContext, type Projection } from './projection.js';
import { addExact, addToCounters, columns, insertRows, selectByKeys, writeKnownRows, type Executor } from './sql.js';

const K = '\u0000';

/**
 * Wallet flows by event: credits by their `reason` (`top-up`, `voucher`, `gift`,
 * `adjustment`, `gift-cheque`), `payment` (debit for an order), `refund` (money paid for an
 * order given back), `bonus`, `bonus-expired`, `withdrawal` (paid out), transfers, gift
 * cheques issued, and requests that moved no money yet or never will: `top-up-requested`,
 * `top-up-rejected`, `withdrawal-requested` (the amount is held), `withdrawal-rejected` (the
 * held amount went back). An approved top-up is a `top-up` credit, an approved withdrawal a
 * `withdrawal`. Freezes are not flows: `WalletFrozen`/`WalletUnfrozen` carry neither amount nor
 * currency, which every row of `analytics_wallet_daily` has; they are counted per day in
 * `analytics_wallet_freezes_daily` (`WALLET_FREEZES`).
 */
export const WALLET_FLOWS = [
  'top-up', 'voucher', 'gift', 'adjustment', 'gift-cheque', 'payment', 'refund', 'bonus', 'bonus-expired', 'withdrawal',
  'transfer-out', 'transfer-in', 'transfer-reversed', 'gift-cheque-issued',
  'top-up-requested', 'top-up-rejected', 'withdrawal-requested', 'withdrawal-rejected',
] as const;

/** The flow of a wallet (or gift cheque) event that moves money; credits are named by their reason. */
const WALLET_FLOW_OF: Readonly<Record<string, string>> = {
  WalletDebited: 'payment',
  WalletRefunded: 'refund',
  WalletBonusGranted: 'bonus',
  WalletBonusExpired: 'bonus-expired',
  WalletWithdrawalPaidOut: 'withdrawal',
  WalletTransferSent: 'transfer-out',
  WalletTransferReceived: 'transfer-in',
  WalletTransferReversed: 'transfer-reversed',
  GiftChequeIssued: 'gift-cheque-issued',
  WalletTopUpRequested: 'top-up-requested',
  WalletTopUpRejected: 'top-up-rejected',
  WalletWithdrawalRequested: 'withdrawal-requested',
  WalletWithdrawalRejected: 'withdrawal-rejected',
};

/** Wallet freeze events and what each adds to (frozen, unfrozen): counts only, the events carry no money. */
const WALLET_FREEZES: Readonly<Record<string, [number, number]>> = {
  WalletFrozen: [1, 0],
  WalletUnfrozen: [0, 1],
};

/**
 * Outcome of an external payment: `captured` or `declined`. Every event that records an
 * external payment as taken counts it as captured, once per order and provider reference
 * (the order aggregate's `externalPayments`): an `OrderPlaced` whose plan has a
 * `capturedReference` (captured at checkout, before placement), an `OrderPaymentCaptured`
 * (the provider's or an admin's report), the non-wallet payments of an
 * `OrderPaymentConfirmed` (which repeat the capture that confirmed the order, or are the
 * only record of it: orders placed before `capturedReference`, payments confirmed directly).
 * `OrderPaymentDeclined` declines.
 */
export const PAYMENT_OUTCOMES = ['captured', 'declined'] as const;

/** The method of the payments of `OrderPaymentConfirmed` that are no external payment (the wallet's are wallet flows). */
const WALLET_METHOD = 'wallet';

/** Coupon redemption events and what each adds to (held, released). */
const COUPON_MOVES: Readonly<Record<string, [number, number]>> = {
  CouponRedemptionHeld: [1, 0],
  CouponRedemptionReleased: [0, 1],
};

/** Stock level of an SKU in a warehouse: `out` (available ≤ 0), `low` (≤ threshold), `ok`. */
export type StockLevel = 'ok' | 'low' | 'out';

/** The level of `available` units against `threshold`: the stock aggregate's own rule, which its alerts follow. */
export const stockLevel: (available: number, threshold: number) => StockLevel = stockLevelOf;

async function setup(db: Executor): Promise<void> {
  await sql`
    create table analytics_sales_hourly (
      tenant_id text not null, day date not null, hour smallint not null, currency char(3) not null,
      orders integer not null, gmv_minor bigint not null, items integer not null,
      cancelled_orders integer not null, cancelled_gmv_minor bigint not null, cancelled_items integer not null,
      primary key (tenant_id, day, hour, currency)
    )`.execute(db);
  await sql`
    create table analytics_product_daily (
      tenant_id text not null, day date not null, sku text not null, currency char(3) not null,
      name text not null, category text not null,
      orders integer not null, units integer not null, gmv_minor bigint not null,
      cancelled_orders integer not null, cancelled_units integer not null, cancelled_gmv_minor bigint not null,
      returned_units integer not null, returned_amount_minor bigint not null,
      primary key (tenant_id, day, sku, currency)
    )`.execute(db);
  await sql`
    create table analytics_category_daily (
      tenant_id text not null, day date not null, currency char(3) not null, category text not null,
      orders integer not null, units integer not null, gmv_minor bigint not null,
      cancelled_orders integer not null, cancelled_units integer not null, cancelled_gmv_minor bigint not null,
      returned_units integer not null,
      primary key (tenant_id, day, currency, category)
    )`.execute(db);
  await sql`
    create table analytics_orders (
      tenant_id text not null, order_id text not null, customer_id text not null, currency char(3) not null,
      placed_day date not null, placed_hour smallint not null, gmv_minor bigint not null, items integer not null,
      status text not null,
      primary key (tenant_id, order_id)
    )`.execute(db);
  await sql`
    create table analytics_order_items (
      tenant_id text not null, order_id text not null, sku text not null,
      units integer not null, gmv_minor bigint not null,
      primary key (tenant_id, order_id, sku)
    )`.execute(db);
  await sql`
    create table analytics_returns_daily (
      tenant_id text not null, day date not null, currency char(3) not null, kind text not null,
      count integer not null, amount_minor bigint not null,
      primary key (tenant_id, day, currency, kind)
    )`.execute(db);
  await sql`
    create table analytics_wallet_daily (
      tenant_id text not null, day date not null, currency char(3) not null, flow text not null,
      count integer not null, amount_minor bigint not null,
      primary key (tenant_id, day, currency, flow)
    )`.execute(db);
  await sql`
    create table analytics_wallet_freezes_daily (
      tenant_id text not null, day date not null, frozen integer not null, unfrozen integer not null,
      primary key (tenant_id, day)
    )`.execute(db);
  await sql`
    create table analytics_payments_daily (
      tenant_id text not null, day date not null, currency char(3) not null, method text not null, outcome text not null,
      count integer not null, amount_minor bigint not null,
      primary key (tenant_id, day, currency, method, outcome)
    )`.execute(db);
  await sql`
    create table analytics_captured_payments (
      tenant_id text not null, order_id text not null, reference text not null,
      method text not null, day date not null, currency char(3) not null, amount_minor bigint not null,
      primary key (tenant_id, order_id, reference)
    )`.execute(db);
  await sql`
    create table analytics_coupons_daily (
      tenant_id text not null, day date not null, code text not null, currency char(3) not null,
      held integer not null, released integer not null, held_discount_minor bigint not null, released_discount_minor bigint not null,
      primary key (tenant_id, day, code, currency)
    )`.execute(db);
  await sql`
    create table analytics_stock (
      tenant_id text not null, sku text not null, warehouse_id text not null,
      on_hand integer not null, reserved integer not null, available integer not null,
      threshold integer not null, level text not null, level_since timestamptz not null, domain_alerts boolean not null,
      primary key (tenant_id, sku, warehouse_id)
    ) with (fillfactor = 70)`.execute(db);
  await sql`
    create table analytics_baskets (
      tenant_id text not null, basket_id text not null, customer_id text not null, currency char(3) not null,
      opened_at timestamptz not null, opened_day date not null, status text not null, closed_at timestamptz,
      primary key (tenant_id, basket_id)
    ) with (fillfactor = 70)`.execute(db);
  await sql`
    create table analytics_basket_daily (
      tenant_id text not null, day date not null, currency char(3) not null,
      opened integer not null, checked_out integer not null, abandoned integer not null, merged integer not null,
      primary key (tenant_id, day, currency)
    )`.execute(db);
}

/**
 * Counters keyed by a tuple, summed in memory and added to a table in one statement. Sums
 * are exact (`addExact`): amounts of a batch may add up beyond 2^53 − 1, which the bigint
 * columns hold.
 */
class Counters {
  private readonly rows = new Map<string, { key: unknown[]; values: (number | bigint)[]; extra: unknown[] }>();
  constructor(private readonly width: number) {}
  add(key: readonly unknown[], values: readonly number[], extra: readonly unknown[] = []): void {
    const k = key.join(K);
    const row = this.rows.get(k) ?? { key: [...key], values: new Array<number | bigint>(this.width).fill(0), extra: [] };
    values.forEach((v, i) => (row.values[i] = addExact(row.values[i]!, v)));
    if (extra.length > 0) row.extra = [...extra];
    this.rows.set(k, row);
  }
  list(): unknown[][] {
    return [...this.rows.values()].map((r) => [...r.key, ...r.extra, ...r.values]);
  }
}

interface OrderMemo {
  tenant: string;
  orderId: string;
  customerId: string;
  currency: string;
  day: string;
  hour: number;
  gmv: number;
  items: number;
  status: string;
  lines: Map<string, { units: number; gmv: number; name: string; category: string }>;
  isNew: boolean;
}

interface StockMemo {
  tenant: string;
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  threshold: number;
  level: StockLevel;
  since: string;
  /** A threshold was set: the stock aggregate raises alerts (LowStock, OutOfStock, …) for it, at the levels this row shows. */
  domainAlerts: boolean;
}

interface BasketMemo {
  tenant: string;
  basketId: string;
  customerId: string;
  currency: string;
  openedAt: string;
  openedDay: string;
  status: string;
  closedAt: string | null;
}

const ORDER = new Set(['OrderPlaced', 'OrderCancelled']);
const RETURNS = new Set(['OrderItemsReturned', 'OrderRefunded']);
const PAYMENTS = new Set(['OrderPaymentCaptured', 'OrderPaymentConfirmed', 'OrderPaymentDeclined']);
const COUPONS = new Set(Object.keys(COUPON_MOVES));
const WALLET = new Set(['WalletCredited', ...Object.keys(WALLET_FLOW_OF)]);
const FREEZES = new Set(Object.keys(WALLET_FREEZES));
/** Stock events that move units, with their (on hand, reserved) sign. */
const STOCK_MOVES: Readonly<Record<string, [number, number]>> = {
  StockReceived: [1, 0],
  StockReserved: [0, 1],
  StockReleased: [0, -1],
  StockShipped: [-1, -1],
  StockAdjusted: [1, 0],
  StockReturned: [1, 0],
  StockTransferredOut: [-1, 0],
  StockTransferredIn: [1, 0],
  StockTransferReversed: [1, 0],
};
/**
 * Stock events: unit moves and thresholds. The level is the aggregate's rule on the row's
 * available units and threshold after each of them, so the aggregate's alerts (LowStock,
 * OutOfStock, BackInStock, LowStockCleared, which change no count) are not read: they
 * follow the same rule, but none follows a threshold set on an SKU that had none (the
 * aggregate tracked no level before), whose row had a level against the default threshold.
 */
const STOCK = new Set([...Object.keys(STOCK_MOVES), 'StockThresholdSet']);
const BASKET = new Set(['BasketOpened', 'BasketCheckedOut', 'BasketReopened', 'BasketAbandoned', 'BasketAssigned', 'BasketMerged']);

/**
 * Rows analytics keeps in a rebuild's memo (`ApplyContext`): orders, stock and baskets as
 * its earlier batches wrote them, so a later batch reads back only those it no longer
 * holds. Each map keeps the `MEMO_LIMIT` most recently touched rows.
 */
interface AnalyticsMemo {
  readonly orders: Map<string, OrderMemo>;
  readonly stock: Map<string, StockMemo>;
  readonly baskets: Map<string, BasketMemo>;
}

/**
 * Most rows of each kind an `AnalyticsMemo` keeps (older ones are read from the tables
 * again when an event needs them): a few hundred bytes each, an order with its lines more.
 */
const MEMO_LIMIT = 100_000;

function analyticsMemo(context: ApplyContext | undefined): AnalyticsMemo | undefined {
  const memo = context?.memo;
  if (!memo) return undefined;
  let kept = memo.get('analytics') as AnalyticsMemo | undefined;
  if (!kept) memo.set('analytics', (kept = { orders: new Map(), stock: new Map(), baskets: new Map() }));
  return kept;
}

/** The rows of `keys` that `kept` holds, and the others loaded by `load` (one query per table). */
async function recall<Key, Row>(keys: Map<string, Key>, kept: Map<string, Row> | undefined, load: (missing: Key[]) => Promise<Map<string, Row>>): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const missing: Key[] = [];
  for (const [k, key] of keys) {
    const row = kept?.get(k);
    if (row) found.set(k, row);
    else missing.push(key);
  }
  for (const [k, row] of await load(missing)) found.set(k, row);
  return found;
}

/** Puts the touched rows at the young end of `kept` and drops its oldest beyond `MEMO_LIMIT`. */
function remember<Row>(kept: Map<string, Row>, touched: Iterable<string>, rows: Map<string, Row>): void {
  for (const k of touched) {
    kept.delete(k);
    kept.set(k, rows.get(k)!);
  }
  for (const k of kept.keys()) {
    if (kept.size <= MEMO_LIMIT) break;
    kept.delete(k);
  }
}

async function apply(db: Executor, events: readonly RecordedEvent[], context?: ApplyContext): Promise<void> {
  const hourly = new Counters(6);
  const products = new Counters(8);
  const categories = new Counters(7);
  /** Adds an order's lines to its categories' row of its day of placement: the order once per category, placed or (`cancelled`) taken back. */
  const addCategories = (o: OrderMemo, cancelled: boolean) => {
    const lines = [...o.lines.values()].map((l) => ({ category: l.category, quantity: l.units, lineTotalMinor: l.gmv }));
    for (const c of salesByCategory(lines)) {
      const figures = [c.orders, c.items, c.gmv];
      categories.add([o.tenant, o.day, o.currency, c.category], cancelled ? [0, 0, 0, ...figures, 0] : [...figures, 0, 0, 0, 0]);
    }
  };
  const returns = new Counters(2);
  const wallet = new Counters(2);
  const freezes = new Counters(2);
  const payments = new Counters(2);
  const coupons = new Counters(4);
  const basketDaily = new Counters(4);

  // Rows of earlier batches this batch needs: from the rebuild's memo, the rest loaded
  // first, in one query per table.
  const orderKeys = new Map<string, [string, string]>();
  const stockKeys = new Map<string, [string, string, string]>();
  const basketKeys = new Map<string, [string, string]>();
  const captureKeys = new Map<string, [string, string, string]>();
  for (const e of events) {
    const t = e.metadata.tenantId;
    if (e.type === 'OrderCancelled' || e.type === 'OrderItemsReturned') orderKeys.set(t + K + str(e.data, 'orderId'), [t, str(e.data, 'orderId')]);
    else if (STOCK.has(e.type)) stockKeys.set([t, str(e.data, 'sku'), str(e.data, 'warehouseId')].join(K), [t, str(e.data, 'sku'), str(e.data, 'warehouseId')]);
    else if (BASKET.has(e.type) && e.type !== 'BasketOpened') basketKeys.set(t + K + str(e.data, 'basketId'), [t, str(e.data, 'basketId')]);
    for (const c of capturesOf(e)) captureKeys.set([t, c.orderId, c.reference].join(K), [t, c.orderId, c.reference]);
  }
  const memo = analyticsMemo(context);
  const orders = await recall(orderKeys, memo?.orders, (keys) => loadOrders(db, keys));
  const stock = await recall(stockKeys, memo?.stock, (keys) => loadStock(db, keys));
  const baskets = await recall(basketKeys, memo?.baskets, (keys) => loadBaskets(db, keys));
  // Captured payments counted already (by an earlier batch, or earlier in this one): not again.
  const counted = await loadCounted(db, [...captureKeys.values()]);
  const captured: unknown[][] = [];
  // What is stored already (the rest of what the batch touches is new), per table: keys of different tables may be equal.
  const stored = { orders: new Set(orders.keys()), stock: new Set(stock.keys()), baskets: new Set(baskets.keys()) };
  const touchedOrders = new Set<string>();
  const touchedStock = new Set<string>();
  const touchedBaskets = new Set<string>();

  for (const e of events) {
    const tenant = e.metadata.tenantId;
    const at = e.metadata.occurredAt;
    const day = localDay(at);
    const d = e.data;
    for (const c of capturesOf(e)) {
      const key = [tenant, c.orderId, c.reference].join(K);
      if (counted.has(key)) continue;
      counted.add(key);
      payments.add([tenant, day, c.amount.currency, c.method, 'captured'], [1, c.amount.minor]);
      captured.push([tenant, c.orderId, c.reference, c.method, day, c.amount.currency, c.amount.minor]);
    }
    if (ORDER.has(e.type)) {
      const orderId = str(d, 'orderId');
      const key = tenant + K + orderId;
      if (e.type === 'OrderPlaced') {
        const lines = new Map<string, { units: number; gmv: number; name: string; category: string }>();
        let currency = moneyOf(d, 'total').currency;
        for (const l of list(d, 'lines')) {
          const total = moneyOf(l, 'lineTotal');
          currency = total.currency;
          const sku = str(l, 'sku');
          const prev = lines.get(sku);
          lines.set(sku, { units: (prev?.units ?? 0) + int(l, 'quantity'), gmv: (prev?.gmv ?? 0) + total.minor, name: str(l, 'name'), category: catalogueCategoryPath(str(l, 'category')) });
        }
        const memo: OrderMemo = {
          tenant, orderId, customerId: str(d, 'customerId'), currency, day, hour: localHour(at),
          gmv: [...lines.values()].reduce((s, l) => s + l.gmv, 0), items: [...lines.values()].reduce((s, l) => s + l.units, 0),
          status: 'placed', lines, isNew: true,
        };
        orders.set(key, memo);
        touchedOrders.add(key);
        hourly.add([tenant, memo.day, memo.hour, currency], [1, memo.gmv, memo.items, 0, 0, 0]);
        for (const [sku, l] of lines) products.add([tenant, memo.day, sku, currency], [1, l.units, l.gmv, 0, 0, 0, 0, 0], [l.name, l.category]);
        addCategories(memo, false);
      } else {
        const memo = orders.get(key);
        if (!memo) throw new Error(`OrderCancelled for unknown order ${orderId}`);
        if (memo.status === 'cancelled') continue;
        memo.status = 'cancelled';
        touchedOrders.add(key);
        hourly.add([tenant, memo.day, memo.hour, memo.currency], [0, 0, 0, 1, memo.gmv, memo.items]);
        for (const [sku, l] of memo.lines) products.add([tenant, memo.day, sku, memo.currency], [0, 0, 0, 1, l.units, l.gmv, 0, 0], [l.name, l.category]);
        addCategories(memo, true);
        returns.add([tenant, day, memo.currency, 'cancellation'], [1, memo.gmv]);
      }
    } else if (RETURNS.has(e.type)) {
      if (e.type === 'OrderRefunded') {
        // Its wallet part is the wallet's `WalletRefunded` (`wallet-refund`): only the external part is a `refund`.
        const external = moneyOf(d, 'toExternal');
        if (external.minor > 0) returns.add([tenant, day, external.currency, 'refund'], [1, external.minor]);
      } else {
        const amount = moneyOf(d, 'amount');
        returns.add([tenant, day, amount.currency, 'return'], [1, amount.minor]);
        const orderId = str(d, 'orderId');
        const memo = orders.get(tenant + K + orderId);
        if (!memo) throw new Error(`OrderItemsReturned for unknown order ${orderId}`);
        for (const item of list(d, 'items')) {
          const sku = str(item, 'sku');
          const l = memo.lines.get(sku);
          if (!l) throw new Error(`OrderItemsReturned: SKU ${sku} is not in order ${orderId}`);
          const itemAmount = moneyOf(item, 'amount');
          products.add([tenant, day, sku, itemAmount.currency], [0, 0, 0, 0, 0, 0, int(item, 'quantity'), itemAmount.minor], [l.name, l.category]);
          categories.add([tenant, day, itemAmount.currency, l.category], [0, 0, 0, 0, 0, 0, int(item, 'quantity')]);
        }
      }
    } else if (e.type === 'OrderPaymentDeclined') {
      const amount = moneyOf(d, 'amount');
      payments.add([tenant, day, amount.currency, str(d, 'method'), 'declined'], [1, amount.minor]);
    } else if (COUPONS.has(e.type)) {
      const discount = moneyOf(d, 'discount');
      const [held, released] = COUPON_MOVES[e.type]!;
      coupons.add([tenant, day, str(d, 'code'), discount.currency], [held, released, held * discount.minor, released * discount.minor]);
    } else if (WALLET.has(e.type)) {
      const amount = moneyOf(d, 'amount');
      const flow = e.type === 'WalletCredited' ? str(d, 'reason') : WALLET_FLOW_OF[e.type]!;
      wallet.add([tenant, day, amount.currency, flow], [1, amount.minor]);
      if (e.type === 'WalletRefunded') returns.add([tenant, day, amount.currency, 'wallet-refund'], [1, amount.minor]);
    } else if (FREEZES.has(e.type)) {
      freezes.add([tenant, day], WALLET_FREEZES[e.type]!);
    } else if (STOCK.has(e.type)) {
      const sku = str(d, 'sku');
      const warehouse = str(d, 'warehouseId');
      const key = [tenant, sku, warehouse].join(K);
      const known = stock.has(key);
      const memo: StockMemo = stock.get(key) ?? { tenant, sku, warehouse, onHand: 0, reserved: 0, threshold: DEFAULT_LOW_STOCK_THRESHOLD, level: 'out', since: at, domainAlerts: false };
      const move = STOCK_MOVES[e.type];
      if (move) {
        const qty = int(d, 'quantity');
        memo.onHand += move[0] * qty;
        memo.reserved += move[1] * qty;
      } else {
        memo.threshold = int(d, 'lowStock');
        memo.domainAlerts = true;
      }
      const level = stockLevel(memo.onHand - memo.reserved, memo.threshold);
      if (level !== memo.level || !known) memo.since = at;
      memo.level = level;
      stock.set(key, memo);
      touchedStock.add(key);
    } else if (BASKET.has(e.type)) {
      const basketId = str(d, 'basketId');
      const key = tenant + K + basketId;
      if (e.type === 'BasketOpened') {
        const memo: BasketMemo = { tenant, basketId, customerId: optStr(d, 'customerId') ?? '', currency: str(d, 'currency'), openedAt: at, openedDay: day, status: 'open', closedAt: null };
        baskets.set(key, memo);
        basketDaily.add([tenant, day, memo.currency], [1, 0, 0]);
      } else {
        const memo = baskets.get(key);
        if (!memo) throw new Error(`${e.type} for unknown basket ${basketId}`);
        const cohort = [tenant, memo.openedDay, memo.currency];
        switch (e.type) {
          case 'BasketCheckedOut':
            if (memo.status === 'abandoned') basketDaily.add(cohort, [0, 0, -1]);
            memo.status = 'checked-out';
            memo.closedAt = at;
            basketDaily.add(cohort, [0, 1, 0]);
            break;
          case 'BasketReopened':
            if (memo.status === 'checked-out') basketDaily.add(cohort, [0, -1, 0]);
            memo.status = 'open';
            memo.closedAt = null;
            break;
          case 'BasketAbandoned':
            if (memo.status !== 'abandoned') basketDaily.add(cohort, [0, 0, 1]);
            memo.status = 'abandoned';
            memo.closedAt = at;
            break;
          case 'BasketAssigned':
            memo.customerId = str(d, 'customerId');
            break;
          case 'BasketMerged': // a guest basket closed into a customer's (claimed before: still open until then)
            if (memo.status === 'abandoned') basketDaily.add(cohort, [0, 0, -1]);
            if (memo.status !== 'merged') basketDaily.add(cohort, [0, 0, 0, 1]);
            memo.status = 'merged';
            memo.closedAt = at;
            break;
        }
      }
      touchedBaskets.add(key);
    }
  }

  await addToCounters(
    db, 'analytics_sales_hourly', columns(['tenant_id', 'text'], ['day', 'date'], ['hour', 'smallint'], ['currency', 'text']),
    columns(['orders', 'int4'], ['gmv_minor', 'int8'], ['items', 'int4'], ['cancelled_orders', 'int4'], ['cancelled_gmv_minor', 'int8'], ['cancelled_items', 'int4']),
    hourly.list(),
  );
  await addToCounters(
    db, 'analytics_product_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['sku', 'text'], ['currency', 'text']),
    columns(
      ['orders', 'int4'], ['units', 'int4'], ['gmv_minor', 'int8'], ['cancelled_orders', 'int4'], ['cancelled_units', 'int4'], ['cancelled_gmv_minor', 'int8'],
      ['returned_units', 'int4'], ['returned_amount_minor', 'int8'],
    ),
    products.list(), columns(['name', 'text'], ['category', 'text']),
  );
  await addToCounters(
    db, 'analytics_category_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['currency', 'text'], ['category', 'text']),
    columns(
      ['orders', 'int4'], ['units', 'int4'], ['gmv_minor', 'int8'], ['cancelled_orders', 'int4'], ['cancelled_units', 'int4'], ['cancelled_gmv_minor', 'int8'],
      ['returned_units', 'int4'],
    ),
    categories.list(),
  );
  await addToCounters(db, 'analytics_returns_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['currency', 'text'], ['kind', 'text']), columns(['count', 'int4'], ['amount_minor', 'int8']), returns.list());
  await addToCounters(db, 'analytics_wallet_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['currency', 'text'], ['flow', 'text']), columns(['count', 'int4'], ['amount_minor', 'int8']), wallet.list());
  await addToCounters(db, 'analytics_wallet_freezes_daily', columns(['tenant_id', 'text'], ['day', 'date']), columns(['frozen', 'int4'], ['unfrozen', 'int4']), freezes.list());
  await addToCounters(
    db, 'analytics_payments_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['currency', 'text'], ['method', 'text'], ['outcome', 'text']),
    columns(['count', 'int4'], ['amount_minor', 'int8']), payments.list(),
  );
  await insertRows(
    db, 'analytics_captured_payments',
    columns(['tenant_id', 'text'], ['order_id', 'text'], ['reference', 'text'], ['method', 'text'], ['day', 'date'], ['currency', 'text'], ['amount_minor', 'int8']),
    captured,
  );
  await addToCounters(
    db, 'analytics_coupons_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['code', 'text'], ['currency', 'text']),
    columns(['held', 'int4'], ['released', 'int4'], ['held_discount_minor', 'int8'], ['released_discount_minor', 'int8']), coupons.list(),
  );
  await addToCounters(db, 'analytics_basket_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['currency', 'text']), columns(['opened', 'int4'], ['checked_out', 'int4'], ['abandoned', 'int4'], ['merged', 'int4']), basketDaily.list());

  // Orders, stock and baskets: the batch read every stored row it changes, so it knows which
  // rows are new (plain insert) and which exist (update) — no `on conflict` path. With
  // fillfactor 70 on analytics_stock and analytics_baskets, their updates are HOT unless a
  // stock level changes (the alerts index). Statement log of one analytics rebuild of the
  // Olist sample: these three tables’ writes 168 → 66 ms, all analytics statements 367 → 212 ms.
  const split = <T>(keys: Iterable<string>, memos: Map<string, T>, known: Set<string>, row: (m: T) => unknown[]): [unknown[][], unknown[][]] => {
    const inserted: unknown[][] = [];
    const updated: unknown[][] = [];
    for (const k of keys) (known.has(k) ? updated : inserted).push(row(memos.get(k)!));
    return [inserted, updated];
  };
  const [newOrders, changedOrders] = split(touchedOrders, orders, stored.orders, (o) => [o.tenant, o.orderId, o.customerId, o.currency, o.day, o.hour, o.gmv, o.items, o.status]);
  await writeKnownRows(
    db, 'analytics_orders', columns(['tenant_id', 'text'], ['order_id', 'text']),
    columns(['customer_id', 'text'], ['currency', 'text'], ['placed_day', 'date'], ['placed_hour', 'smallint'], ['gmv_minor', 'int8'], ['items', 'int4'], ['status', 'text']),
    newOrders, changedOrders,
  );
  await insertRows(
    db, 'analytics_order_items',
    columns(['tenant_id', 'text'], ['order_id', 'text'], ['sku', 'text'], ['units', 'int4'], ['gmv_minor', 'int8']),
    [...touchedOrders].map((k) => orders.get(k)!).filter((o) => o.isNew).flatMap((o) => [...o.lines].map(([sku, l]) => [o.tenant, o.orderId, sku, l.units, l.gmv])),
  );
  await writeKnownRows(
    db, 'analytics_stock', columns(['tenant_id', 'text'], ['sku', 'text'], ['warehouse_id', 'text']),
    columns(['on_hand', 'int4'], ['reserved', 'int4'], ['available', 'int4'], ['threshold', 'int4'], ['level', 'text'], ['level_since', 'timestamptz'], ['domain_alerts', 'bool']),
    ...split(touchedStock, stock, stored.stock, (s) => [s.tenant, s.sku, s.warehouse, s.onHand, s.reserved, s.onHand - s.reserved, s.threshold, s.level, s.since, s.domainAlerts]),
  );
  await writeKnownRows(
    db, 'analytics_baskets', columns(['tenant_id', 'text'], ['basket_id', 'text']),
    columns(['customer_id', 'text'], ['currency', 'text'], ['opened_at', 'timestamptz'], ['opened_day', 'date'], ['status', 'text'], ['closed_at', 'timestamptz']),
    ...split(touchedBaskets, baskets, stored.baskets, (b) => [b.tenant, b.basketId, b.customerId, b.currency, b.openedAt, b.openedDay, b.status, b.closedAt]),
  );
  if (memo) {
    for (const k of touchedOrders) orders.get(k)!.isNew = false; // written: the next batch updates it
    remember(memo.orders, touchedOrders, orders);
    remember(memo.stock, touchedStock, stock);
    remember(memo.baskets, touchedBaskets, baskets);
  }
}

const iso = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());

/** An external payment captured for an order, as an event records it. */
interface Capture {
  readonly orderId: string;
  readonly method: string;
  readonly reference: string;
  readonly amount: { minor: number; currency: string };
}

/**
 * The external payments an event records as captured (see `PAYMENT_OUTCOMES`): the plan's
 * external part of an `OrderPlaced` captured before placement, an `OrderPaymentCaptured`'s
 * own, the non-wallet payments of an `OrderPaymentConfirmed`; none for other events.
 * @throws MalformedEventError when a field is missing or of the wrong type
 */
function capturesOf(e: RecordedEvent): Capture[] {
  const d = e.data;
  if (e.type === 'OrderPlaced') {
    const plan = d.payment;
    if (typeof plan !== 'object' || plan === null) return [];
    const p = plan as Record<string, unknown>;
    const reference = optStr(p, 'capturedReference');
    if (!reference) return [];
    const amount = moneyOf(p, 'external');
    return amount.minor > 0 ? [{ orderId: str(d, 'orderId'), method: str(p, 'method'), reference, amount }] : [];
  }
  if (e.type === 'OrderPaymentCaptured') return [{ orderId: str(d, 'orderId'), method: str(d, 'method'), reference: str(d, 'reference'), amount: moneyOf(d, 'amount') }];
  if (e.type !== 'OrderPaymentConfirmed') return [];
  const orderId = str(d, 'orderId');
  return list(d, 'payments')
    .filter((p) => str(p, 'method') !== WALLET_METHOD)
    .map((p) => ({ orderId, method: str(p, 'method'), reference: str(p, 'reference'), amount: moneyOf(p, 'amount') }));
}

/** The keys (tenant, order, reference joined by `K`) of those of `keys` already in `analytics_captured_payments`. */
async function loadCounted(db: Executor, keys: [string, string, string][]): Promise<Set<string>> {
  const rows = await selectByKeys<{ tenant_id: string; order_id: string; reference: string }>(
    db, 'analytics_captured_payments', columns(['tenant_id', 'text'], ['order_id', 'text'], ['reference', 'text']), keys, 'tenant_id, order_id, reference',
  );
  return new Set(rows.map((r) => [r.tenant_id, r.order_id, r.reference].join(K)));
}

async function loadOrders(db: Executor, keys: [string, string][]): Promise<Map<string, OrderMemo>> {
  const keyCols = columns(['tenant_id', 'text'], ['order_id', 'text']);
  const rows = await selectByKeys<{ tenant_id: string; order_id: string; customer_id: string; currency: string; placed_day: string; placed_hour: number; gmv_minor: string; items: number; status: string }>(
    db, 'analytics_orders', keyCols, keys,
  );
  const items = await selectByKeys<{ tenant_id: string; order_id: string; sku: string; units: number; gmv_minor: string }>(db, 'analytics_order_items', keyCols, keys);
  const placedDay = new Map(rows.map((r) => [r.tenant_id + K + r.order_id, r.placed_day]));
  // A line's name and category: those of its product's row on the day of placement (found by the primary key's prefix).
  const productKeys = new Map(items.map((i) => {
    const key: [string, string, string] = [i.tenant_id, placedDay.get(i.tenant_id + K + i.order_id)!, i.sku];
    return [key.join(K), key];
  }));
  const names = await selectByKeys<{ tenant_id: string; day: string; sku: string; name: string; category: string }>(
    db, 'analytics_product_daily', columns(['tenant_id', 'text'], ['day', 'date'], ['sku', 'text']), [...productKeys.values()], 'tenant_id, day, sku, name, category',
  );
  const nameOf = new Map(names.map((n) => [[n.tenant_id, n.day, n.sku].join(K), n]));
  const out = new Map<string, OrderMemo>();
  for (const r of rows) {
    out.set(r.tenant_id + K + r.order_id, {
      tenant: r.tenant_id, orderId: r.order_id, customerId: r.customer_id, currency: r.currency.trim(), day: r.placed_day, hour: r.placed_hour,
      gmv: Number(r.gmv_minor), items: r.items, status: r.status, lines: new Map(), isNew: false,
    });
  }
  for (const i of items) {
    const memo = out.get(i.tenant_id + K + i.order_id);
    const n = nameOf.get([i.tenant_id, memo?.day, i.sku].join(K));
    memo?.lines.set(i.sku, { units: i.units, gmv: Number(i.gmv_minor), name: n?.name ?? i.sku, category: n?.category ?? '' });
  }
  return out;
}

async function loadStock(db: Executor, keys: [string, string, string][]): Promise<Map<string, StockMemo>> {
  const rows = await selectByKeys<{ tenant_id: string; sku: string; warehouse_id: string; on_hand: number; reserved: number; threshold: number; level: StockLevel; level_since: Date; domain_alerts: boolean }>(
    db, 'analytics_stock', columns(['tenant_id', 'text'], ['sku', 'text'], ['warehouse_id', 'text']), keys,
  );
  return new Map(
    rows.map((r) => [
      [r.tenant_id, r.sku, r.warehouse_id].join(K),
      { tenant: r.tenant_id, sku: r.sku, warehouse: r.warehouse_id, onHand: r.on_hand, reserved: r.reserved, threshold: r.threshold, level: r.level, since: iso(r.level_since), domainAlerts: r.domain_alerts },
    ]),
  );
}

async function loadBaskets(db: Executor, keys: [string, string][]): Promise<Map<string, BasketMemo>> {
  const rows = await selectByKeys<{ tenant_id: string; basket_id: string; customer_id: string; currency: string; opened_at: Date; opened_day: string; status: string; closed_at: Date | null }>(
    db, 'analytics_baskets', columns(['tenant_id', 'text'], ['basket_id', 'text']), keys,
  );
  return new Map(
    rows.map((r) => [
      r.tenant_id + K + r.basket_id,
      { tenant: r.tenant_id, basketId: r.basket_id, customerId: r.customer_id, currency: r.currency.trim(), openedAt: iso(r.opened_at), openedDay: r.opened_day, status: r.status, closedAt: r.closed_at ? iso(r.closed_at) : null },
    ]),
  );
}

/**
 * The analytics read model (all amounts in minor units beside their currency; days and
 * hours are the business time's local ones):
 * - `analytics_sales_hourly`: orders, GMV (line totals, shipping excluded) and items per
 *   hour of placement, with what cancellations later took back (net = placed − cancelled);
 * - `analytics_product_daily`: the same per product and day (categories, top sellers; the
 *   category as the catalogue files it, `catalogueCategoryPath`: `Home > Kitchen` and
 *   `Home/Kitchen` are one category, `Home/Kitchen`), and
 *   per product and day of the return the units returned (`returned_units`) and the amount
 *   due back for them (`returned_amount_minor`: the paid price — line total less its discount
 *   share, plus tax — as `OrderItemsReturned` gives it per item, so not a GMV figure);
 *   `orders` there are the orders containing the product;
 * - `analytics_category_daily`: the same per category (as the catalogue files it), day of
 *   placement and currency, an order counted once per category however many of its
 *   products are in it (`orders`, and `cancelled_orders` when it is cancelled: distinct
 *   orders, as the sales projection's `daily_sales_by_category`), with units, GMV and, per
 *   day of the return, `returned_units`;
 * - `analytics_returns_daily`: count and amount per day of the event and kind. Two kinds
 *   are what happened to orders, with the value concerned: `cancellation` (orders cancelled,
 *   their GMV, paid or not) and `return` (returns of items, the paid price due back for
 *   them). Two are money given back, each amount in exactly one of them, so `refund` +
 *   `wallet-refund` is all the money given back: `refund` (the external part, `toExternal`,
 *   of each `OrderRefunded` that has one: back to the card, bank transfer or boleto — a
 *   cancellation's, a return's, an admin's, a late capture's) and `wallet-refund` (each
 *   `WalletRefunded`: back to a wallet — the wallet part of a return or an admin's refund, a
 *   cancelled or failed checkout's wallet payment). What a cancellation or a return gave
 *   back is in the money kinds, its value in `cancellation` / `return`: add the money kinds
 *   only;
 * - `analytics_payments_daily`: external payments per day, currency, method (`card`,
 *   `bank-transfer`, `boleto`) and outcome (`PAYMENT_OUTCOMES`: `captured`, `declined`):
 *   count and amount. A payment is captured on the day of the first event recording it
 *   (see `PAYMENT_OUTCOMES`: a card captured at checkout by its `OrderPlaced` or, on older
 *   orders, its `OrderPaymentConfirmed`; a reported capture by `OrderPaymentCaptured`) and
 *   counted once; `analytics_captured_payments` lists those counted, by order and provider
 *   reference (with method, day and amount). Its own table rather than kinds of
 *   `analytics_returns_daily`: money coming in, not going back, and the method is a
 *   dimension of its own;
 * - `analytics_coupons_daily`: coupon redemptions per campaign code, day and currency:
 *   `held` (checkouts that redeemed it) and `released` (their orders cancelled), each by
 *   the day of its event, with the discounts held and released (net = held − released);
 * - `analytics_wallet_daily`: wallet flows per day (`WALLET_FLOWS`: credits by reason —
 *   top-up, voucher, gift, adjustment, gift-cheque —, payment, refund, bonus, bonus-expired,
 *   withdrawal, transfers out/in/reversed, gift cheques issued, top-ups and withdrawals
 *   requested and rejected);
 * - `analytics_wallet_freezes_daily`: wallets frozen (`WalletFrozen`) and freezes lifted
 *   (`WalletUnfrozen`) per day of the event: counts only, as the events carry neither
 *   amount nor currency (so not flows of `analytics_wallet_daily`);
 * - `analytics_stock`: current stock per SKU and warehouse with its level (`out`, `low`,
 *   `ok`) and since when: the current stock alerts. The level is the stock aggregate's rule
 *   (`stockLevelOf`) on the available units and the threshold: the one set for it
 *   (`StockThresholdSet`, `domain_alerts`: the aggregate raises alerts at these levels),
 *   else `DEFAULT_LOW_STOCK_THRESHOLD` (as the catalogue's `stock_status`);
 * - `analytics_baskets`, `analytics_basket_daily`: baskets opened, checked out (less those
 *   reopened after a failed checkout), abandoned and merged (guest baskets closed into a
 *   customer's basket, `BasketMerged`; a claimed one, `GuestBasketClaimed`, is still open),
 *   by day of opening (conversion = checked out / opened); guest baskets take their customer
 *   when assigned;
 * - `analytics_orders`, `analytics_order_items`: what a cancellation needs to take back and
 *   a return needs to name its products.
 *
 * An `OrderItemsReturned` of an order it has not seen, or of an SKU not in that order, fails
 * the projection, as does any event lacking a field it needs.
 */
export const analyticsProjection: Projection = {
  name: 'analytics',
  version: 8,
  description: 'hourly/daily GMV, products (with returns), categories, cancellations and refunds, payment outcomes, coupons, wallet flows and freezes, stock alerts, baskets',
  eventTypes: new Set<string>([...ORDER, ...RETURNS, ...PAYMENTS, ...COUPONS, ...WALLET, ...FREEZES, ...STOCK, ...BASKET]),
  tables: [
    'analytics_sales_hourly', 'analytics_product_daily', 'analytics_category_daily', 'analytics_orders', 'analytics_order_items', 'analytics_returns_daily',
    'analytics_payments_daily', 'analytics_captured_payments', 'analytics_coupons_daily', 'analytics_wallet_daily', 'analytics_wallet_freezes_daily', 'analytics_stock',
    'analytics_baskets', 'analytics_basket_daily',
  ],
  // The queries' (top sellers of a category, current stock alerts); apply reaches rows by primary key.
  indexes: [
    'create index if not exists analytics_product_daily_category on analytics_product_daily (tenant_id, category, day)',
    "create index if not exists analytics_stock_alerts on analytics_stock (tenant_id, level) where level <> 'ok'",
  ],
  setup,
  apply,
};
