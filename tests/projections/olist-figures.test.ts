/**
 * Analytics and segmentation figures for the committed Olist sample equal figures this
 * test computes itself from the CSV files (plain csv-parse, its own quantiles and its own
 * copy of the documented segment table: nothing shared with the code under test).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CommandHandler } from '../../src/application/command-handler.js';
import * as q from '../../src/application/queries/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { replayOlist } from '../../src/infrastructure/import/olist-replay.js';
import { readOlist } from '../../src/infrastructure/import/olist/index.js';
import { Projector, projections } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const DIR = 'data/olist-sample';
type Row = Record<string, string>;
const csv = (file: string) => parse<Row>(readFileSync(join(DIR, file)), { bom: true, columns: true });
const cents = (s: string) => Math.round(Number(s) * 100);
const CANCELLED = new Set(['canceled', 'unavailable']);

/** Type-7 (linear) quantile of sorted values. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}
/** The README's segment table: name, R, F, M inclusive ranges; first match wins; else Others. */
const TABLE: [string, number, number, number, number, number, number][] = [
  ['Champions', 4, 5, 4, 5, 4, 5],
  ['Loyal Customers', 2, 5, 3, 5, 3, 5],
  ['Potential Loyalist', 3, 5, 1, 3, 1, 3],
  ['New Customers', 4, 5, 1, 1, 1, 1],
  ['Promising', 3, 4, 1, 1, 1, 1],
  ['Need Attention', 2, 3, 2, 3, 2, 3],
  ['About To Sleep', 2, 3, 1, 2, 1, 2],
  ['At Risk', 1, 2, 2, 5, 2, 5],
  ["Can't Lose Them", 1, 1, 4, 5, 4, 5],
  ['Lost', 1, 2, 1, 2, 1, 2],
];

interface Expected {
  daily: Map<string, { orders: number; gmv: number; items: number }>;
  hourly: Map<string, number>;
  topUnits: { sku: string; units: number; gmv: number }[];
  cancellations: { count: number; amount: number };
  voucherCredits: number;
  walletPayments: number;
  walletRefunds: number;
  stock: { out: number; low: number };
  baskets: number;
  customers: Map<string, { f: number; m: number; last: string }>;
}

function expectedFromCsv(): Expected {
  const orders = csv('olist_orders_dataset.csv');
  const items = csv('olist_order_items_dataset.csv');
  const payments = csv('olist_order_payments_dataset.csv');
  const customers = new Map(csv('olist_customers_dataset.csv').map((c) => [c.customer_id!, c.customer_unique_id!]));
  const itemsOf = new Map<string, Row[]>();
  for (const i of items) itemsOf.set(i.order_id!, [...(itemsOf.get(i.order_id!) ?? []), i]);
  const vouchersOf = new Map<string, number>();
  for (const p of payments) if (p.payment_type === 'voucher') vouchersOf.set(p.order_id!, (vouchersOf.get(p.order_id!) ?? 0) + cents(p.payment_value!));

  const e: Expected = {
    daily: new Map(), hourly: new Map(), topUnits: [], cancellations: { count: 0, amount: 0 }, voucherCredits: 0, walletPayments: 0, walletRefunds: 0,
    stock: { out: 0, low: 0 }, baskets: 0, customers: new Map(),
  };
  const units = new Map<string, { units: number; gmv: number }>();
  const released = new Map<string, number>();
  for (const o of orders) {
    const its = itemsOf.get(o.order_id!) ?? [];
    if (its.length === 0) continue;
    e.baskets++;
    const subtotal = its.reduce((s, i) => s + cents(i.price!), 0);
    const total = subtotal + its.reduce((s, i) => s + cents(i.freight_value!), 0);
    const vouchers = vouchersOf.get(o.order_id!) ?? 0;
    e.voucherCredits += vouchers;
    e.walletPayments += Math.min(vouchers, total);
    for (const i of its) released.set(`${i.product_id}@${i.seller_id}`, released.get(`${i.product_id}@${i.seller_id}`) ?? 0);
    if (CANCELLED.has(o.order_status!)) {
      e.cancellations.count++;
      e.cancellations.amount += subtotal;
      e.walletRefunds += Math.min(vouchers, total);
      for (const i of its) released.set(`${i.product_id}@${i.seller_id}`, released.get(`${i.product_id}@${i.seller_id}`)! + 1);
      continue;
    }
    const day = o.order_purchase_timestamp!.slice(0, 10);
    const hour = `${day} ${o.order_purchase_timestamp!.slice(11, 13)}`;
    const d = e.daily.get(day) ?? { orders: 0, gmv: 0, items: 0 };
    e.daily.set(day, { orders: d.orders + 1, gmv: d.gmv + subtotal, items: d.items + its.length });
    e.hourly.set(hour, (e.hourly.get(hour) ?? 0) + subtotal);
    for (const i of its) {
      const u = units.get(i.product_id!) ?? { units: 0, gmv: 0 };
      units.set(i.product_id!, { units: u.units + 1, gmv: u.gmv + cents(i.price!) });
    }
    const who = customers.get(o.customer_id!)!;
    const c = e.customers.get(who) ?? { f: 0, m: 0, last: '' };
    e.customers.set(who, { f: c.f + 1, m: c.m + subtotal, last: day > c.last ? day : c.last });
  }
  e.topUnits = [...units].map(([sku, u]) => ({ sku, ...u })).sort((a, b) => b.units - a.units || b.gmv - a.gmv || (a.sku < b.sku ? -1 : 1)).slice(0, 10);
  for (const available of released.values()) {
    if (available <= 0) e.stock.out++;
    else if (available <= 5) e.stock.low++;
  }
  return e;
}

describe('Olist sample: analytics and segmentation equal the CSVs', { timeout: 600_000 }, () => {
  let database: TestDatabase;
  let expected: Expected;

  before(async () => {
    database = await createTestDatabase();
    const store = new PostgresEventStore(database.pool);
    const dataset = await readOlist(DIR);
    const result = await replayOlist(new CommandHandler(store), dataset, { tenantId: 'olist' });
    assert.equal(result.failed.length, 0);
    for (const p of projections) await new Projector(store, database.db, p, { batchSize: 2000 }).catchUp();
    expected = expectedFromCsv();
  });
  after(() => database.drop());

  const db = () => database.db;
  const page = { limit: 100_000, offset: 0 };

  it('daily orders, GMV, items and average order value', async () => {
    const days = await q.salesSeries(db(), 'olist', { granularity: 'day', ...page });
    const got = new Map(days.filter((d) => d.orders > 0).map((d) => [d.day, { orders: d.orders, gmv: d.gmv.minor, items: d.items }]));
    assert.deepEqual(got, expected.daily);
    for (const d of days.filter((x) => x.orders > 0)) assert.equal(d.averageOrderValue!.minor, Math.round(d.gmv.minor / d.orders));
  });

  it('hourly GMV', async () => {
    const hours = await q.salesSeries(db(), 'olist', { granularity: 'hour', ...page });
    const got = new Map(hours.filter((h) => h.gmv.minor !== 0).map((h) => [`${h.day} ${String(h.hour).padStart(2, '0')}`, h.gmv.minor]));
    assert.deepEqual(got, expected.hourly);
  });

  it('top sellers by units, by category totals adding up to the GMV', async () => {
    const top = await q.topSellers(db(), 'olist', { by: 'units', limit: 10, offset: 0 });
    assert.deepEqual(top.map((t) => ({ sku: t.key, units: t.units, gmv: t.gmv.minor })), expected.topUnits);
    const categories = await q.salesByCategory(db(), 'olist', page);
    const gmv = [...expected.daily.values()].reduce((s, d) => s + d.gmv, 0);
    assert.equal(categories.reduce((s, c) => s + c.gmv.minor, 0), gmv);
  });

  it('cancellations, wallet flows and refunds', async () => {
    const returns = await q.cancellationsAndRefunds(db(), 'olist', page);
    const sum = (kind: string) => returns.filter((r) => r.kind === kind).reduce((s, r) => ({ count: s.count + r.count, amount: s.amount + r.amount.minor }), { count: 0, amount: 0 });
    assert.deepEqual(sum('cancellation'), expected.cancellations);
    const flows = await q.walletFlows(db(), 'olist', page);
    const total = (flow: string) => flows.filter((f) => f.flow === flow).reduce((s, f) => s + f.amount.minor, 0);
    assert.equal(total('voucher'), expected.voucherCredits);
    assert.equal(total('payment'), expected.walletPayments);
    assert.equal(total('refund'), expected.walletRefunds);
    assert.equal(sum('wallet-refund').amount, expected.walletRefunds);
  });

  it('stock alerts and basket conversion', async () => {
    const alerts = await q.stockAlerts(db(), 'olist', page);
    assert.deepEqual({ out: alerts.filter((a) => a.level === 'out').length, low: alerts.filter((a) => a.level === 'low').length }, expected.stock);
    const funnel = await q.basketFunnel(db(), 'olist', page);
    assert.deepEqual(funnel.total, { opened: expected.baskets, checkedOut: expected.baskets, abandoned: 0, merged: 0, open: 0, conversionRate: 1, abandonmentRate: 0 });
  });

  it('RFM scores by quintiles and named segments; k-means clusters recomputed deterministically', async () => {
    const run = await q.computeSegments(db(), 'olist', { k: 4, seed: 7 });
    assert.ok(run);
    const customers = [...expected.customers];
    const lastDay = customers.reduce((m, [, c]) => (c.last > m ? c.last : m), '');
    const asOf = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const recency = (c: { last: string }) => Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${c.last}T00:00:00Z`)) / 86_400_000);
    const breaks = (values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      return [0.2, 0.4, 0.6, 0.8].map((p) => quantile(s, p));
    };
    const rB = breaks(customers.map(([, c]) => recency(c)));
    const fB = breaks(customers.map(([, c]) => c.f));
    const mB = breaks(customers.map(([, c]) => c.m));
    const score = (x: number, b: number[]) => 1 + b.filter((v) => x > v).length;
    const sizes: Record<string, number> = {};
    const scores = new Map<string, [number, number, number, string]>();
    for (const [id, c] of customers) {
      const r = 6 - score(recency(c), rB);
      const f = score(c.f, fB);
      const m = score(c.m, mB);
      const segment = TABLE.find(([, rl, rh, fl, fh, ml, mh]) => r >= rl && r <= rh && f >= fl && f <= fh && m >= ml && m <= mh)?.[0] ?? 'Others';
      sizes[segment] = (sizes[segment] ?? 0) + 1;
      scores.set(id, [r, f, m, segment]);
    }
    assert.equal(run.asOf, asOf);
    assert.equal(run.customers, customers.length);
    assert.deepEqual(run.breakpoints, { recency: rB, frequency: fB, monetary: mB });
    assert.deepEqual(run.sizes, sizes);
    const stored = await q.segmentSizes(db(), 'olist');
    assert.deepEqual(Object.fromEntries(stored!.segments.map((s) => [s.segment, s.customers])), sizes);
    for (const [id, [r, f, m, segment]] of [...scores].slice(0, 50)) {
      const one = await q.customerSegment(db(), 'olist', id);
      assert.deepEqual([one!.scores.r, one!.scores.f, one!.scores.m, one!.segment, one!.monetary.minor], [r, f, m, segment, expected.customers.get(id)!.m]);
    }
    // Clusters: k of them, every customer in one, each centroid the mean of its members.
    assert.equal(stored!.clusters.length, 4);
    assert.equal(stored!.clusters.reduce((s, c) => s + c.size, 0), customers.length);
    const members = await q.segmentCustomers(db(), 'olist', { ...page });
    for (const c of stored!.clusters) {
      const mine = members.filter((x) => x.cluster === c.cluster);
      assert.equal(mine.length, c.size);
      const mean = mine.reduce((s, x) => s + x.monetary.minor, 0) / mine.length;
      assert.ok(Math.abs(mean - c.monetaryMinor) < 1e-6 * Math.max(1, mean), `cluster ${c.cluster}: centroid ${c.monetaryMinor} vs member mean ${mean}`);
    }
    const again = await q.computeSegments(db(), 'olist', { k: 4, seed: 7 });
    assert.deepEqual(again!.centroids, run.centroids, 'same rows and seed, same clusters');
  });
});
