import type { ColumnType } from 'kysely';

/** int8 columns: read as decimal strings (node-postgres default), written as number, bigint or string. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;
/** date columns: read and written as `YYYY-MM-DD` (see openDatabase's type parsers). */
type Day = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The read-model tables (migration 0002) as Kysely sees them. */
export interface ReadModelSchema {
  projection_checkpoints: { name: string; commit_id: Int8; prepare: Int8; updated_at: ColumnType<Date, Date | string | undefined, Date | string> };
  catalogue_products: {
    tenant_id: string;
    sku: string;
    name: string;
    category: string;
    price_minor: Int8;
    currency: string;
    registered_at: Timestamp;
    updated_at: Timestamp;
  };
  catalogue_stock: { tenant_id: string; sku: string; warehouse_id: string; on_hand: number; reserved: number };
  orders: {
    tenant_id: string;
    order_id: string;
    customer_id: string;
    status: string;
    currency: string;
    subtotal_minor: Int8;
    shipping_minor: Int8;
    total_minor: Int8;
    item_count: number;
    placed_at: Timestamp;
    placed_day: Day;
    confirmed_at: Timestamp | null;
    shipped_at: Timestamp | null;
    delivered_at: Timestamp | null;
    cancelled_at: Timestamp | null;
    cancel_reason: string | null;
  };
  order_lines: {
    tenant_id: string;
    order_id: string;
    line_no: number;
    sku: string;
    name: string;
    category: string;
    warehouse_id: string;
    quantity: number;
    unit_price_minor: Int8;
    line_total_minor: Int8;
    currency: string;
  };
  daily_sales_by_category: {
    tenant_id: string;
    day: Day;
    category: string;
    currency: string;
    gmv_minor: Int8;
    orders: number;
    items: number;
  };
}
