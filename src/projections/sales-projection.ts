import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { orderEventTypes, type OrderEvent, type OrderPlaced } from '../domain/order/index.js';
import type { ReadModelSchema } from '../infrastructure/database/schema.js';
import { localDay, type Projection } from './projection.js';

type Trx = Transaction<ReadModelSchema>;

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

async function addDailySales(trx: Trx, tenantId: string, day: string, currency: string, deltas: readonly SalesDelta[], sign: 1 | -1): Promise<void> {
  for (const d of deltas) {
    await trx
      .insertInto('daily_sales_by_category')
      .values({ tenant_id: tenantId, day, category: d.category, currency, gmv_minor: sign * d.gmv, orders: sign * d.orders, items: sign * d.items })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'day', 'category', 'currency']).doUpdateSet({
          gmv_minor: sql`daily_sales_by_category.gmv_minor + ${sign * d.gmv}`,
          orders: sql`daily_sales_by_category.orders + ${sign * d.orders}`,
          items: sql`daily_sales_by_category.items + ${sign * d.items}`,
        }),
      )
      .execute();
  }
}

async function placeOrder(trx: Trx, tenantId: string, at: string, data: OrderPlaced['data']): Promise<void> {
  const day = localDay(at);
  const currency = data.total.currency;
  await trx
    .insertInto('orders')
    .values({
      tenant_id: tenantId,
      order_id: data.orderId,
      customer_id: data.customerId,
      status: 'pending',
      currency,
      subtotal_minor: data.subtotal.minor,
      shipping_minor: data.shipping.minor,
      total_minor: data.total.minor,
      item_count: data.lines.reduce((n, l) => n + l.quantity, 0),
      placed_at: at,
      placed_day: day,
    })
    .execute();
  await trx
    .insertInto('order_lines')
    .values(
      data.lines.map((l, i) => ({
        tenant_id: tenantId,
        order_id: data.orderId,
        line_no: i + 1,
        sku: l.sku,
        name: l.name,
        category: l.category,
        warehouse_id: l.warehouseId,
        quantity: l.quantity,
        unit_price_minor: l.unitPrice.minor,
        line_total_minor: l.lineTotal.minor,
        currency: l.lineTotal.currency,
      })),
    )
    .execute();
  const lines = data.lines.map((l) => ({ category: l.category, quantity: l.quantity, lineTotalMinor: l.lineTotal.minor }));
  await addDailySales(trx, tenantId, day, currency, salesByCategory(lines), 1);
}

/** Takes a cancelled order's lines back out of the day it was placed on. */
async function cancelOrder(trx: Trx, tenantId: string, at: string, orderId: string, reason: string): Promise<void> {
  const order = await trx
    .updateTable('orders')
    .set({ status: 'cancelled', cancelled_at: at, cancel_reason: reason })
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .returning(['placed_day', 'currency'])
    .executeTakeFirstOrThrow();
  const lines = await trx
    .selectFrom('order_lines')
    .select(['category', 'quantity', 'line_total_minor'])
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .execute();
  const deltas = salesByCategory(lines.map((l) => ({ category: l.category, quantity: l.quantity, lineTotalMinor: Number(l.line_total_minor) })));
  await addDailySales(trx, tenantId, order.placed_day, order.currency, deltas, -1);
}

async function setStatus(trx: Trx, tenantId: string, orderId: string, status: string, column: 'confirmed_at' | 'shipped_at' | 'delivered_at', at: string): Promise<void> {
  await trx.updateTable('orders').set({ status, [column]: at }).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).execute();
}

async function applyOrder(trx: Trx, tenantId: string, at: string, event: OrderEvent): Promise<void> {
  switch (event.type) {
    case 'OrderPlaced':
      return placeOrder(trx, tenantId, at, event.data);
    case 'OrderPaymentConfirmed':
      return setStatus(trx, tenantId, event.data.orderId, 'confirmed', 'confirmed_at', at);
    case 'OrderShipped':
      return setStatus(trx, tenantId, event.data.orderId, 'shipped', 'shipped_at', at);
    case 'OrderDelivered':
      return setStatus(trx, tenantId, event.data.orderId, 'delivered', 'delivered_at', at);
    case 'OrderCancelled':
      return cancelOrder(trx, tenantId, at, event.data.orderId, event.data.reason);
  }
}

/**
 * The sales read models: `orders` (status, totals, timestamps), `order_lines`, and
 * `daily_sales_by_category` (GMV in minor units, orders and items per local day of
 * placement and category; a cancellation takes its order back out of that day).
 * Line prices only: shipping is not GMV.
 */
export const salesProjection: Projection = {
  name: 'sales',
  eventTypes: new Set<string>(orderEventTypes),
  tables: ['daily_sales_by_category', 'order_lines', 'orders'],
  async apply(trx, events: readonly RecordedEvent[]) {
    for (const e of events) {
      await applyOrder(trx, e.metadata.tenantId, e.metadata.occurredAt, { type: e.type, data: e.data } as unknown as OrderEvent);
    }
  },
};
