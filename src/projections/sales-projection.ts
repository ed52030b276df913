import { sql } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { catalogueCategoryPath } from '../domain/product/index.js';
import { int, list, localDay, MalformedEventError, moneyOf, optStr, str, type Projection } from './projection.js';
import { addExact, addToCounters, columns, insertRows, selectByKeys, updateRows, type Executor } from './sql.js';

/** One (day, category) bucket's change: GMV in minor units, orders touching it, items. */
interface SalesDelta {
  readonly category: string;
  readonly gmv: number;
  readonly orders: number;
  readonly items: number;
}

/** Per-category totals of an order's lines (each order counts once per category). */
export function salesByCategory(lines: readonly { category: string; quantity: number; lineTotalMinor: number }[]): SalesDelta[] {
  const byCategory = new Map<string, SalesDelta>();
  for (const line of lines) {
    const prev = byCategory.get(line.category) ?? { category: line.category, gmv: 0, orders: 1, items: 0 };
    byCategory.set(line.category, { ...prev, gmv: prev.gmv + line.lineTotalMinor, items: prev.items + line.quantity });
  }
  return [...byCategory.values()];
}

/** Units of a line allocated to (reserved and shipped from) one warehouse. */
interface Allocation {
  readonly warehouseId: string;
  quantity: number;
}

/** A line as the batch keeps it, with the warehouses its units were allocated to. */
interface Line {
  readonly sku: string;
  readonly name: string;
  /** The catalogue's path of the line's category (`catalogueCategoryPath`: `Home > Kitchen` → `Home/Kitchen`). */
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly lineTotalMinor: number;
  /** The line's share of the order discount (0 when the event has none). */
  readonly discountMinor: number;
  /** The line's KDV on lineTotal − discount (0 when the event has none). */
  readonly taxMinor: number;
  /** KDV rate in percent, null when the event has none. */
  readonly taxRate: number | null;
  readonly currency: string;
  readonly allocations: Allocation[];
}

/** An order placed in this batch (inserted at the end). */
interface NewOrder {
  tenant: string;
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  discount: number;
  tax: number;
  pricesIncludeTax: boolean;
  items: number;
  placedAt: string;
  placedDay: string;
  confirmedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  processingAt: string | null;
  returnedUnits: number;
  refundedMinor: number;
  /** Paid so far (minor units): see `salesProjection`. */
  paidMinor: number;
  lines: Line[];
}

/**
 * Changes to an order placed in an earlier batch: the fields of `NewOrder` its later events
 * move; its paid amount becomes `paidSet` (the amount of a confirmation in this batch; null:
 * the stored amount) + `paidMinor` (captures in this batch after that confirmation, if any).
 * `walletRefundIfConfirmed`: wallet refunds of the batch (minor units) that count in
 * `refunded_minor` only if the stored order was confirmed (see `salesProjection`).
 */
type OrderUpdate = Pick<
  NewOrder,
  'tenant' | 'orderId' | 'status' | 'confirmedAt' | 'shippedAt' | 'deliveredAt' | 'cancelledAt' | 'cancelReason' | 'processingAt' | 'returnedUnits' | 'refundedMinor' | 'paidMinor'
> & { paidSet: number | null; walletRefundIfConfirmed: number };

const K = '\u0000';
/** Order events that move an order's status (others of the order stream do not touch these tables). */
const STATUS_EVENTS = new Set(['OrderPaymentConfirmed', 'OrderProcessingStarted', 'OrderShipped', 'OrderDelivered', 'OrderCancelled', 'OrderItemsReturned', 'OrderRefunded']);
/**
 * Events that move an order's rows: the status events, the capture of its external payment
 * (paid), and a wallet's refund for the order (refunded, when no `OrderRefunded` counted it).
 */
const ORDER_EVENTS = new Set([...STATUS_EVENTS, 'OrderPaymentCaptured', 'WalletRefunded']);

/** `data[key]`'s minor units, or 0 when the event has no such field (placed before it existed). @throws MalformedEventError */
function optMinor(data: Record<string, unknown>, key: string): number {
  return data[key] === undefined || data[key] === null ? 0 : moneyOf(data, key).minor;
}

/**
 * What an order placed with `data` had paid at placement: the external part of its payment
 * plan when the provider captured it before the order was placed (`capturedReference`), else 0.
 */
function paidAtPlacement(data: Record<string, unknown>): number {
  const plan = data.payment;
  if (typeof plan !== 'object' || plan === null) return 0;
  const p = plan as Record<string, unknown>;
  return typeof p.capturedReference === 'string' && p.capturedReference !== '' ? optMinor(p, 'external') : 0;
}

/**
 * The lines of an `OrderPlaced` with their allocations: the event's `allocations` (by
 * `lineIndex`; units of one line from one warehouse summed, in the order of first mention),
 * or, on orders placed before allocations were recorded, each line whole from its
 * `warehouseId` (as the order aggregate reads them).
 * @throws MalformedEventError when a field is missing, or an allocation names no line of the order
 */
function linesOf(data: Record<string, unknown>): Line[] {
  const lines = list(data, 'lines').map((l): Line & { warehouseId: string } => {
    const total = moneyOf(l, 'lineTotal');
    return {
      discountMinor: optMinor(l, 'discount'),
      taxMinor: optMinor(l, 'tax'),
      taxRate: l.taxRate === undefined || l.taxRate === null ? null : int(l, 'taxRate'),
      sku: str(l, 'sku'),
      name: str(l, 'name'),
      category: catalogueCategoryPath(str(l, 'category')),
      warehouseId: str(l, 'warehouseId'),
      quantity: int(l, 'quantity'),
      unitPriceMinor: moneyOf(l, 'unitPrice').minor,
      lineTotalMinor: total.minor,
      currency: total.currency,
      allocations: [],
    };
  });
  if (data.allocations === undefined || data.allocations === null) {
    return lines.map(({ warehouseId, ...l }) => ({ ...l, allocations: [{ warehouseId, quantity: l.quantity }] }));
  }
  for (const a of list(data, 'allocations')) {
    const index = int(a, 'lineIndex');
    const line = lines[index];
    if (!line) throw new MalformedEventError(`allocation of line ${index}, which the order does not have`);
    const warehouseId = str(a, 'warehouseId');
    const quantity = int(a, 'quantity');
    const same = line.allocations.find((x) => x.warehouseId === warehouseId);
    if (same) same.quantity += quantity;
    else line.allocations.push({ warehouseId, quantity });
  }
  return lines.map(({ warehouseId: _requested, ...l }) => l);
}

/** The one warehouse a line's units were allocated to, or null when they come from several. */
function warehouseOf(line: Line): string | null {
  return line.allocations.length === 1 ? line.allocations[0]!.warehouseId : null;
}

/**
 * The refunds (tenant, order and refund id joined by `K`) whose wallet part an `OrderRefunded`
 * of an earlier batch counted already (`to_wallet_minor` > 0), among those the batch's
 * `WalletRefunded` events name: the wallet's record of that same money, not counted again.
 */
async function walletPartsCounted(db: Executor, events: readonly RecordedEvent[]): Promise<Set<string>> {
  const keys = new Map<string, [string, string, string]>();
  for (const e of events) {
    const refundId = e.type === 'WalletRefunded' ? optStr(e.data, 'refundId') : undefined;
    if (refundId === undefined) continue;
    const key: [string, string, string] = [e.metadata.tenantId, str(e.data, 'orderId'), refundId];
    keys.set(key.join(K), key);
  }
  const found = await selectByKeys<{ tenant_id: string; order_id: string; refund_id: string; to_wallet_minor: string }>(
    db, 'order_refunds', columns(['tenant_id', 'text'], ['order_id', 'text'], ['refund_id', 'text']), [...keys.values()], 't.tenant_id, t.order_id, t.refund_id, t.to_wallet_minor',
  );
  return new Set(found.filter((r) => Number(r.to_wallet_minor) > 0).map((r) => [r.tenant_id, r.order_id, r.refund_id].join(K)));
}

async function setup(db: Executor): Promise<void> {
  await sql`
    create table orders (
      tenant_id      text    not null,
      order_id       text    not null,
      customer_id    text    not null,
      status         text    not null,
      currency       char(3) not null,
      subtotal_minor bigint  not null,
      shipping_minor bigint  not null,
      total_minor    bigint  not null,
      discount_minor bigint  not null,
      tax_minor      bigint  not null,
      prices_include_tax boolean not null,
      item_count     integer not null,
      placed_at      timestamptz not null,
      placed_day     date    not null,
      confirmed_at   timestamptz,
      shipped_at     timestamptz,
      delivered_at   timestamptz,
      cancelled_at   timestamptz,
      cancel_reason  text,
      processing_at  timestamptz,
      returned_units integer not null default 0,
      refunded_minor bigint  not null default 0,
      paid_minor     bigint  not null default 0,
      primary key (tenant_id, order_id)
    )`.execute(db);
  await sql`
    create table order_lines (
      tenant_id        text    not null,
      order_id         text    not null,
      line_no          integer not null,
      sku              text    not null,
      name             text    not null,
      category         text    not null,
      warehouse_id     text,
      quantity         integer not null,
      unit_price_minor bigint  not null,
      line_total_minor bigint  not null,
      discount_minor   bigint  not null,
      tax_minor        bigint  not null,
      tax_rate         integer,
      currency         char(3) not null,
      primary key (tenant_id, order_id, line_no)
    )`.execute(db);
  await sql`
    create table order_line_allocations (
      tenant_id    text    not null,
      order_id     text    not null,
      line_no      integer not null,
      seq          integer not null,
      warehouse_id text    not null,
      quantity     integer not null,
      primary key (tenant_id, order_id, line_no, seq)
    )`.execute(db);
  await sql`
    create table order_refunds (
      tenant_id       text    not null,
      order_id        text    not null,
      refund_id       text    not null,
      amount_minor    bigint  not null,
      to_wallet_minor bigint  not null,
      currency        char(3) not null,
      refunded_at     timestamptz not null,
      primary key (tenant_id, order_id, refund_id)
    )`.execute(db);
  await sql`
    create table daily_sales_by_category (
      tenant_id text    not null,
      day       date    not null,
      category  text    not null,
      currency  char(3) not null,
      gmv_minor bigint  not null,
      orders    integer not null,
      items     integer not null,
      primary key (tenant_id, day, category, currency)
    )`.execute(db);
}

async function apply(db: Executor, events: readonly RecordedEvent[]): Promise<void> {
  const placed = new Map<string, NewOrder>();
  const updates = new Map<string, OrderUpdate>();
  const daily = new Map<string, [string, string, string, string, number | bigint, number, number]>();
  const cancelledEarlier: [string, string][] = [];
  const refunds: unknown[][] = [];
  const walletPartCounted = await walletPartsCounted(db, events);

  const addDaily = (tenant: string, day: string, currency: string, lines: readonly Line[], sign: 1 | -1) => {
    for (const d of salesByCategory(lines)) {
      const key = [tenant, day, d.category, currency].join(K);
      const prev = daily.get(key);
      daily.set(key, [tenant, day, d.category, currency, addExact(prev?.[4] ?? 0, sign * d.gmv), (prev?.[5] ?? 0) + sign * d.orders, (prev?.[6] ?? 0) + sign * d.items]);
    }
  };

  for (const e of events) {
    const tenant = e.metadata.tenantId;
    const at = e.metadata.occurredAt;
    const d = e.data;
    const orderId = str(d, 'orderId');
    const key = tenant + K + orderId;
    if (e.type === 'OrderPlaced') {
      const lines = linesOf(d);
      const total = moneyOf(d, 'total');
      const order: NewOrder = {
        tenant,
        orderId,
        customerId: str(d, 'customerId'),
        status: 'pending',
        currency: total.currency,
        subtotal: moneyOf(d, 'subtotal').minor,
        shipping: moneyOf(d, 'shipping').minor,
        total: total.minor,
        discount: optMinor(d, 'discount'),
        tax: optMinor(d, 'includedTax') + optMinor(d, 'tax'),
        pricesIncludeTax: d.pricesIncludeTax !== false,
        items: lines.reduce((n, l) => n + l.quantity, 0),
        placedAt: at,
        placedDay: localDay(at),
        confirmedAt: null,
        shippedAt: null,
        deliveredAt: null,
        cancelledAt: null,
        cancelReason: null,
        processingAt: null,
        returnedUnits: 0,
        refundedMinor: 0,
        paidMinor: paidAtPlacement(d),
        lines,
      };
      placed.set(key, order);
      addDaily(tenant, order.placedDay, order.currency, lines, 1);
      continue;
    }
    if (!ORDER_EVENTS.has(e.type)) continue;
    const target: NewOrder | OrderUpdate =
      placed.get(key) ??
      updates.get(key) ??
      (updates.set(key, {
        tenant, orderId, status: '', confirmedAt: null, shippedAt: null, deliveredAt: null, cancelledAt: null, cancelReason: null, processingAt: null,
        returnedUnits: 0, refundedMinor: 0, paidMinor: 0, paidSet: null, walletRefundIfConfirmed: 0,
      }).get(key) as OrderUpdate);
    switch (e.type) {
      case 'OrderPaymentConfirmed': {
        target.status = 'confirmed';
        target.confirmedAt = at;
        // Its payments (wallet part and external ones, the capture included) make the order's total: what was paid before is among them.
        const amount = moneyOf(d, 'amount').minor;
        if ('paidSet' in target) {
          target.paidSet = amount;
          target.paidMinor = 0;
        } else {
          target.paidMinor = amount;
        }
        break;
      }
      case 'OrderPaymentCaptured':
        // Before confirmation: the external part taken; after it (a late capture of a cancelled order): money taken besides.
        target.paidMinor += moneyOf(d, 'amount').minor;
        break;
      case 'OrderProcessingStarted':
        target.status = 'processing';
        target.processingAt = at;
        break;
      case 'OrderItemsReturned':
        if (d.fullyReturned === true) target.status = 'returned';
        target.returnedUnits += list(d, 'items').reduce((n, i) => n + int(i, 'quantity'), 0);
        break;
      case 'OrderRefunded': {
        const amount = moneyOf(d, 'amount');
        const refundId = str(d, 'refundId');
        const toWallet = optMinor(d, 'toWallet');
        target.refundedMinor += amount.minor;
        refunds.push([tenant, orderId, refundId, amount.minor, toWallet, amount.currency, at]);
        if (toWallet > 0) walletPartCounted.add(key + K + refundId);
        break;
      }
      case 'WalletRefunded': {
        const refundId = optStr(d, 'refundId');
        if (refundId !== undefined && walletPartCounted.has(key + K + refundId)) break; // the wallet part of an OrderRefunded: counted with it
        const amount = moneyOf(d, 'amount').minor;
        if (target.confirmedAt !== null) target.refundedMinor += amount;
        else if ('paidSet' in target) target.walletRefundIfConfirmed += amount;
        break;
      }
      case 'OrderShipped':
        target.status = 'shipped';
        target.shippedAt = at;
        break;
      case 'OrderDelivered':
        target.status = 'delivered';
        target.deliveredAt = at;
        break;
      case 'OrderCancelled': {
        target.status = 'cancelled';
        target.cancelledAt = at;
        target.cancelReason = str(d, 'reason');
        const order = placed.get(key);
        if (order) addDaily(tenant, order.placedDay, order.currency, order.lines, -1);
        else cancelledEarlier.push([tenant, orderId]);
        break;
      }
    }
  }

  if (cancelledEarlier.length > 0) {
    const keyCols = columns(['tenant_id', 'text'], ['order_id', 'text']);
    const orders = await selectByKeys<{ tenant_id: string; order_id: string; placed_day: string; currency: string }>(db, 'orders', keyCols, cancelledEarlier, 't.tenant_id, t.order_id, t.placed_day, t.currency');
    const lines = await selectByKeys<{ tenant_id: string; order_id: string; category: string; quantity: number; line_total_minor: string }>(
      db,
      'order_lines',
      keyCols,
      cancelledEarlier,
      't.tenant_id, t.order_id, t.category, t.quantity, t.line_total_minor',
    );
    const linesByOrder = new Map<string, Line[]>();
    for (const l of lines) {
      const k = l.tenant_id + K + l.order_id;
      const arr = linesByOrder.get(k) ?? [];
      arr.push({ sku: '', name: '', category: l.category, quantity: l.quantity, unitPriceMinor: 0, lineTotalMinor: Number(l.line_total_minor), discountMinor: 0, taxMinor: 0, taxRate: null, currency: '', allocations: [] });
      linesByOrder.set(k, arr);
    }
    const found = new Map(orders.map((o) => [o.tenant_id + K + o.order_id, o]));
    for (const [tenant, orderId] of cancelledEarlier) {
      const o = found.get(tenant + K + orderId);
      if (!o) throw new Error(`OrderCancelled for unknown order ${orderId} of tenant ${tenant}`);
      addDaily(tenant, o.placed_day, o.currency.trim(), linesByOrder.get(tenant + K + orderId) ?? [], -1);
    }
  }

  const newOrders = [...placed.values()];
  await insertRows(
    db,
    'orders',
    columns(
      ['tenant_id', 'text'], ['order_id', 'text'], ['customer_id', 'text'], ['status', 'text'], ['currency', 'text'], ['subtotal_minor', 'int8'],
      ['shipping_minor', 'int8'], ['total_minor', 'int8'], ['discount_minor', 'int8'], ['tax_minor', 'int8'], ['prices_include_tax', 'bool'], ['item_count', 'int4'], ['placed_at', 'timestamptz'], ['placed_day', 'date'],
      ['confirmed_at', 'timestamptz'], ['shipped_at', 'timestamptz'], ['delivered_at', 'timestamptz'], ['cancelled_at', 'timestamptz'], ['cancel_reason', 'text'],
      ['processing_at', 'timestamptz'], ['returned_units', 'int4'], ['refunded_minor', 'int8'], ['paid_minor', 'int8'],
    ),
    newOrders.map((o) => [
      o.tenant, o.orderId, o.customerId, o.status, o.currency, o.subtotal, o.shipping, o.total, o.discount, o.tax, o.pricesIncludeTax, o.items, o.placedAt, o.placedDay,
      o.confirmedAt, o.shippedAt, o.deliveredAt, o.cancelledAt, o.cancelReason, o.processingAt, o.returnedUnits, o.refundedMinor, o.paidMinor,
    ]),
  );
  await insertRows(
    db,
    'order_lines',
    columns(
      ['tenant_id', 'text'], ['order_id', 'text'], ['line_no', 'int4'], ['sku', 'text'], ['name', 'text'], ['category', 'text'], ['warehouse_id', 'text'],
      ['quantity', 'int4'], ['unit_price_minor', 'int8'], ['line_total_minor', 'int8'], ['discount_minor', 'int8'], ['tax_minor', 'int8'], ['tax_rate', 'int4'], ['currency', 'text'],
    ),
    newOrders.flatMap((o) =>
      o.lines.map((l, i) => [o.tenant, o.orderId, i + 1, l.sku, l.name, l.category, warehouseOf(l), l.quantity, l.unitPriceMinor, l.lineTotalMinor, l.discountMinor, l.taxMinor, l.taxRate, l.currency]),
    ),
  );
  await insertRows(
    db,
    'order_line_allocations',
    columns(['tenant_id', 'text'], ['order_id', 'text'], ['line_no', 'int4'], ['seq', 'int4'], ['warehouse_id', 'text'], ['quantity', 'int4']),
    newOrders.flatMap((o) => o.lines.flatMap((l, i) => l.allocations.map((a, j) => [o.tenant, o.orderId, i + 1, j + 1, a.warehouseId, a.quantity]))),
  );
  await insertRows(
    db,
    'order_refunds',
    columns(['tenant_id', 'text'], ['order_id', 'text'], ['refund_id', 'text'], ['amount_minor', 'int8'], ['to_wallet_minor', 'int8'], ['currency', 'text'], ['refunded_at', 'timestamptz']),
    refunds,
  );
  await updateRows(
    db,
    'orders',
    columns(['tenant_id', 'text'], ['order_id', 'text']),
    columns(
      ['status', 'text'], ['confirmed_at', 'timestamptz'], ['shipped_at', 'timestamptz'], ['delivered_at', 'timestamptz'], ['cancelled_at', 'timestamptz'], ['cancel_reason', 'text'],
      ['processing_at', 'timestamptz'], ['returned_units', 'int4'], ['refunded_minor', 'int8'], ['wallet_refund_if_confirmed', 'int8'], ['paid_set', 'int8'], ['paid_minor', 'int8'],
    ),
    [...updates.values()].map((u) => [
      u.tenant, u.orderId, u.status, u.confirmedAt, u.shippedAt, u.deliveredAt, u.cancelledAt, u.cancelReason, u.processingAt, u.returnedUnits, u.refundedMinor, u.walletRefundIfConfirmed,
      u.paidSet, u.paidMinor,
    ]),
    `status = coalesce(nullif(u.status, ''), t.status), processing_at = coalesce(u.processing_at, t.processing_at),
     returned_units = t.returned_units + u.returned_units,
     refunded_minor = t.refunded_minor + u.refunded_minor + case when t.confirmed_at is not null then u.wallet_refund_if_confirmed else 0 end,
     paid_minor = coalesce(u.paid_set, t.paid_minor) + u.paid_minor,
     confirmed_at = coalesce(u.confirmed_at, t.confirmed_at), shipped_at = coalesce(u.shipped_at, t.shipped_at),
     delivered_at = coalesce(u.delivered_at, t.delivered_at), cancelled_at = coalesce(u.cancelled_at, t.cancelled_at),
     cancel_reason = coalesce(u.cancel_reason, t.cancel_reason)`,
  );
  await addToCounters(
    db,
    'daily_sales_by_category',
    columns(['tenant_id', 'text'], ['day', 'date'], ['category', 'text'], ['currency', 'text']),
    columns(['gmv_minor', 'int8'], ['orders', 'int4'], ['items', 'int4']),
    [...daily.values()],
  );
}

/**
 * The sales read models: `orders` (status — pending, confirmed, processing, shipped,
 * delivered, returned (every unit), cancelled —, totals, timestamps, units returned and
 * amount refunded), `order_refunds` (each `OrderRefunded`: refund id, amount, its wallet part
 * `to_wallet_minor`, time), `order_lines` (`warehouse_id`: the warehouse the line's units were
 * allocated to, null when they were split across several), `order_line_allocations` (per
 * line the units allocated to each warehouse, `seq` in the order of the allocations: the
 * warehouses that reserve and ship them), and
 * `daily_sales_by_category` (GMV in minor units, orders and items per local day of
 * placement and category; a cancellation takes its order back out of that day). A category
 * is stored as the catalogue files it (`catalogueCategoryPath`: `Home > Kitchen` and
 * `Home/Kitchen` are one row, `Home/Kitchen`), in `order_lines` as in the daily rows.
 * Line prices only: shipping is not GMV.
 *
 * Amounts of `orders` (minor units, order currency), as `OrderPlaced` gives them:
 * `discount_minor` (the order discount), `tax_minor` (the KDV in the total: the included KDV
 * when prices include it, `prices_include_tax`, else the KDV added), so that
 * subtotal − discount (+ tax when prices are net) + shipping = total; per line of
 * `order_lines` its `discount_minor` (share of the order discount), `tax_minor` (its KDV) and
 * `tax_rate` (percent), which add up to the order's. Orders placed before discounts and KDV
 * were recorded (events without these fields) have 0 for each (they had no discount; their
 * KDV was not recorded and is not guessed), a null rate, and count as prices including KDV.
 * `paid_minor`: what the order events record as paid, gross of refunds (`refunded_minor`):
 * once confirmed, the `OrderPaymentConfirmed` amount (Σ its payments, wallet part included, =
 * the total); before that, the external part captured (`OrderPaymentCaptured`, or at placement
 * when the plan has a `capturedReference`); a capture reported after a confirmed order was
 * cancelled adds to it. The wallet part taken at checkout counts from confirmation only: its
 * debit is recorded in the wallet, not the order, and a failed checkout gives it back there.
 * `refunded_minor`: every amount given back out of `paid_minor`, each once, whichever stream
 * recorded it:
 * - each `OrderRefunded`'s `amount`, wallet part (`toWallet`) included: a return's or an
 *   admin's refund (its wallet part is also a `WalletRefunded` with the same `refundId`,
 *   written after it, not counted again), a cancellation's refund of the external payments
 *   (`toWallet` 0), a late capture's;
 * - each other `WalletRefunded` naming the order, of an order confirmed before it (its wallet
 *   part is in `paid_minor`): a cancelled order's wallet part, given back by the checkout
 *   process (`refundId` `checkout:<order>`) or, before checkout processes, without refund
 *   id. A failed checkout's (never confirmed) is not: its wallet part was never in `paid_minor`.
 */
export const salesProjection: Projection = {
  name: 'sales',
  version: 5,
  description: 'orders with their lines, allocations, discount, KDV, payments, refunds and status, daily sales by category',
  eventTypes: new Set<string>(['OrderPlaced', ...ORDER_EVENTS]),
  tables: ['orders', 'order_refunds', 'order_lines', 'order_line_allocations', 'daily_sales_by_category'],
  // The queries' (a customer's orders, by status, newest first); apply reaches rows by primary key.
  indexes: [
    'create index if not exists orders_customer on orders (tenant_id, customer_id)',
    'create index if not exists orders_status on orders (tenant_id, status)',
    'create index if not exists orders_placed on orders (tenant_id, placed_at desc, order_id)',
  ],
  setup,
  apply,
};
