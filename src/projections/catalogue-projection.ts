import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import { productEventTypes, type ProductEvent } from '../domain/product/index.js';
import { stockEventTypes, type StockEvent } from '../domain/stock/index.js';
import type { ReadModelSchema } from '../infrastructure/database/schema.js';
import type { Projection } from './projection.js';

type Trx = Transaction<ReadModelSchema>;

/** On-hand and reserved deltas an event makes to one SKU's stock in one warehouse. */
function stockDelta(event: StockEvent): { onHand: number; reserved: number } {
  switch (event.type) {
    case 'StockReceived':
      return { onHand: event.data.quantity, reserved: 0 };
    case 'StockReserved':
      return { onHand: 0, reserved: event.data.quantity };
    case 'StockReleased':
      return { onHand: 0, reserved: -event.data.quantity };
    case 'StockShipped':
      return { onHand: -event.data.quantity, reserved: -event.data.quantity };
  }
}

async function applyProduct(trx: Trx, tenantId: string, at: string, event: ProductEvent): Promise<void> {
  if (event.type === 'ProductRegistered') {
    const { sku, name, category, price } = event.data;
    await trx
      .insertInto('catalogue_products')
      .values({ tenant_id: tenantId, sku, name, category, price_minor: price.minor, currency: price.currency, registered_at: at, updated_at: at })
      .execute();
    return;
  }
  await trx
    .updateTable('catalogue_products')
    .set({ price_minor: event.data.price.minor, currency: event.data.price.currency, updated_at: at })
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', event.data.sku)
    .execute();
}

async function applyStock(trx: Trx, tenantId: string, event: StockEvent): Promise<void> {
  const { onHand, reserved } = stockDelta(event);
  await trx
    .insertInto('catalogue_stock')
    .values({ tenant_id: tenantId, sku: event.data.sku, warehouse_id: event.data.warehouseId, on_hand: onHand, reserved })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'sku', 'warehouse_id']).doUpdateSet({
        on_hand: sql`catalogue_stock.on_hand + ${onHand}`,
        reserved: sql`catalogue_stock.reserved + ${reserved}`,
      }),
    )
    .execute();
}

const productTypes = new Set<string>(productEventTypes);

/**
 * The catalogue read model: `catalogue_products` (name, category, price per SKU) and
 * `catalogue_stock` (on hand and reserved per SKU per warehouse; available = on hand −
 * reserved, summed over warehouses by the catalogue query).
 */
export const catalogueProjection: Projection = {
  name: 'catalogue',
  eventTypes: new Set<string>([...productEventTypes, ...stockEventTypes]),
  tables: ['catalogue_products', 'catalogue_stock'],
  async apply(trx, events: readonly RecordedEvent[]) {
    for (const e of events) {
      const event = { type: e.type, data: e.data } as unknown;
      if (productTypes.has(e.type)) await applyProduct(trx, e.metadata.tenantId, e.metadata.occurredAt, event as ProductEvent);
      else await applyStock(trx, e.metadata.tenantId, event as StockEvent);
    }
  },
};
