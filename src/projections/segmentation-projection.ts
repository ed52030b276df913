import { sql } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { localDay, moneyOf, str, type Projection } from './projection.js';
import { columns, insertRows, updateRows, type Executor } from './sql.js';

const K = '\u0000';

/** Customer ids that are not people to segment: guests' baskets carry one of these prefixes. */
export const GUEST_PREFIXES = ['guest:', 'guest-'] as const;

/** Whether a customer id names a guest (kept out of RFM): empty (a guest basket never assigned) or `guest:`/`guest-`. */
export function isGuest(customerId: string): boolean {
  return customerId === '' || GUEST_PREFIXES.some((p) => customerId.startsWith(p));
}

async function setup(db: Executor): Promise<void> {
  await sql`
    create table rfm_orders (
      tenant_id text not null, order_id text not null, customer_id text not null, currency char(3) not null,
      placed_day date not null, monetary_minor bigint not null, refunded_minor bigint not null default 0, active boolean not null,
      primary key (tenant_id, order_id)
    )`.execute(db);
  // In setup, not `indexes`: apply recomputes a customer's row from their orders through it.
  await sql`create index rfm_orders_customer on rfm_orders (tenant_id, customer_id)`.execute(db);
  await sql`
    create table rfm_customers (
      tenant_id text not null, customer_id text not null, currency char(3) not null,
      orders integer not null, monetary_minor bigint not null, first_order_day date not null, last_order_day date not null,
      primary key (tenant_id, customer_id, currency)
    )`.execute(db);
}

async function apply(db: Executor, events: readonly RecordedEvent[]): Promise<void> {
  const placed = new Map<string, [string, string, string, string, string, number, boolean]>();
  const cancelled = new Map<string, [string, string, boolean]>();
  const customers = new Map<string, [string, string]>();
  const cancelledEarlier: string[][] = [];
  const refunds = new Map<string, [string, string, number]>();
  for (const e of events) {
    const tenant = e.metadata.tenantId;
    const orderId = str(e.data, 'orderId');
    const key = tenant + K + orderId;
    if (e.type === 'OrderPlaced') {
      const customerId = str(e.data, 'customerId');
      if (isGuest(customerId)) continue;
      const subtotal = moneyOf(e.data, 'subtotal');
      placed.set(key, [tenant, orderId, customerId, subtotal.currency, localDay(e.metadata.occurredAt), subtotal.minor, true]);
      customers.set(tenant + K + customerId, [tenant, customerId]);
    } else if (e.type === 'OrderRefunded') {
      const prev = refunds.get(key);
      refunds.set(key, [tenant, orderId, (prev?.[2] ?? 0) + moneyOf(e.data, 'amount').minor]);
    } else if (e.type === 'OrderCancelled') {
      const row = placed.get(key);
      if (row) row[6] = false;
      else {
        cancelled.set(key, [tenant, orderId, false]);
        cancelledEarlier.push([tenant, orderId]);
      }
    }
  }
  await insertRows(
    db,
    'rfm_orders',
    columns(['tenant_id', 'text'], ['order_id', 'text'], ['customer_id', 'text'], ['currency', 'text'], ['placed_day', 'date'], ['monetary_minor', 'int8'], ['active', 'bool']),
    [...placed.values()],
  );
  await updateRows(db, 'rfm_orders', columns(['tenant_id', 'text'], ['order_id', 'text']), columns(['active', 'bool']), [...cancelled.values()], 'active = u.active');
  await updateRows(db, 'rfm_orders', columns(['tenant_id', 'text'], ['order_id', 'text']), columns(['refunded_minor', 'int8']), [...refunds.values()], 'refunded_minor = t.refunded_minor + u.refunded_minor');
  const changed = [...cancelledEarlier, ...[...refunds.values()].map((r) => [r[0], r[1]])];
  if (changed.length > 0) {
    // Guests' orders are not in rfm_orders: their cancellations find nothing, as intended.
    const { rows } = await sql<{ tenant_id: string; customer_id: string }>`
      select tenant_id, customer_id from rfm_orders
      where (tenant_id, order_id) in (select * from unnest(${changed.map((k) => k[0])}::text[], ${changed.map((k) => k[1])}::text[]))`.execute(db);
    for (const r of rows) customers.set(r.tenant_id + K + r.customer_id, [r.tenant_id, r.customer_id]);
  }
  if (customers.size === 0) return;
  const keys = [...customers.values()];
  const tenants = keys.map((k) => k[0]);
  const ids = keys.map((k) => k[1]);
  await sql`
    delete from rfm_customers where (tenant_id, customer_id) in (select * from unnest(${tenants}::text[], ${ids}::text[]))`.execute(db);
  await sql`
    insert into rfm_customers (tenant_id, customer_id, currency, orders, monetary_minor, first_order_day, last_order_day)
    select tenant_id, customer_id, currency, count(*)::int, sum(monetary_minor - refunded_minor), min(placed_day), max(placed_day)
    from rfm_orders
    where active and (tenant_id, customer_id) in (select * from unnest(${tenants}::text[], ${ids}::text[]))
    group by tenant_id, customer_id, currency`.execute(db);
}

/**
 * The segmentation read model's base: per customer (and currency) the orders not
 * cancelled (`orders`, the F of RFM), their subtotal — line totals, shipping excluded —
 * less what was refunded (`monetary_minor`, the M) and their first and last local days
 * (R is counted from the last one at scoring time). Guests are left out (`isGuest`).
 * Scores, named segments and k-means clusters are computed on demand from these rows
 * (`application/queries/segmentation.ts`).
 */
export const segmentationProjection: Projection = {
  name: 'segmentation',
  version: 1,
  description: 'recency, frequency and monetary value per customer (RFM base)',
  eventTypes: new Set<string>(['OrderPlaced', 'OrderCancelled', 'OrderRefunded']),
  tables: ['rfm_orders', 'rfm_customers'],
  setup,
  apply,
};
