import type { ColumnType, Generated } from 'kysely';

/** int8 columns: read as decimal strings (node-postgres default), written as number, bigint or string. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;
/** date columns: read and written as `YYYY-MM-DD` (see openDatabase's type parsers). */
type Day = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * The read-model tables as Kysely sees them: the views in `public` over each projection's
 * live build (migration 0004, `src/projections/registry.ts`), the registry and checkpoints,
 * and the segmentation results computed on demand.
 */
export interface ReadModelSchema {
  projection_checkpoints: { name: string; commit_id: Int8; prepare: Int8; updated_at: ColumnType<Date, Date | string | undefined, Date | string> };
  catalogue_products: {
    tenant_id: string;
    sku: string;
    name: string;
    category: string;
    category_path: string;
    price_minor: Int8;
    currency: string;
    registered_at: Timestamp;
    updated_at: Timestamp;
    on_hand: number;
    reserved: number;
    available: number;
    low_stock_threshold: number;
    stock_status: string;
  };
  catalogue_stock: { tenant_id: string; sku: string; warehouse_id: string; on_hand: number; reserved: number; low_stock_threshold: number | null };
  catalogue_categories: { tenant_id: string; path: string; parent_path: string | null; name: string; depth: number; products: number };
  orders: {
    tenant_id: string;
    order_id: string;
    customer_id: string;
    status: string;
    currency: string;
    subtotal_minor: Int8;
    shipping_minor: Int8;
    total_minor: Int8;
    discount_minor: Int8;
    tax_minor: Int8;
    prices_include_tax: boolean;
    item_count: number;
    placed_at: Timestamp;
    placed_day: Day;
    confirmed_at: Timestamp | null;
    shipped_at: Timestamp | null;
    delivered_at: Timestamp | null;
    cancelled_at: Timestamp | null;
    cancel_reason: string | null;
    processing_at: Timestamp | null;
    returned_units: number;
    refunded_minor: Int8;
    paid_minor: Int8;
  };
  order_lines: {
    tenant_id: string;
    order_id: string;
    line_no: number;
    sku: string;
    name: string;
    category: string;
    warehouse_id: string | null;
    quantity: number;
    unit_price_minor: Int8;
    line_total_minor: Int8;
    discount_minor: Int8;
    tax_minor: Int8;
    tax_rate: number | null;
    currency: string;
  };
  order_line_allocations: { tenant_id: string; order_id: string; line_no: number; seq: number; warehouse_id: string; quantity: number };
  daily_sales_by_category: {
    tenant_id: string;
    day: Day;
    category: string;
    currency: string;
    gmv_minor: Int8;
    orders: number;
    items: number;
  };
  projection_registry: {
    name: string;
    live_schema: string | null;
    live_version: number | null;
    building_schema: string | null;
    building_version: number | null;
    paused: Generated<boolean>;
    error: unknown;
    owner: string | null;
    heartbeat_at: Timestamp | null;
    switched_at: Timestamp | null;
    updated_at: Generated<Date>;
  };
  analytics_sales_hourly: {
    tenant_id: string; day: Day; hour: number; currency: string; orders: number; gmv_minor: Int8; items: number;
    cancelled_orders: number; cancelled_gmv_minor: Int8; cancelled_items: number;
  };
  analytics_product_daily: {
    tenant_id: string; day: Day; sku: string; currency: string; name: string; category: string; orders: number; units: number; gmv_minor: Int8;
    cancelled_orders: number; cancelled_units: number; cancelled_gmv_minor: Int8; returned_units: number; returned_amount_minor: Int8;
  };
  analytics_category_daily: {
    tenant_id: string; day: Day; currency: string; category: string; orders: number; units: number; gmv_minor: Int8;
    cancelled_orders: number; cancelled_units: number; cancelled_gmv_minor: Int8; returned_units: number;
  };
  analytics_orders: {
    tenant_id: string; order_id: string; customer_id: string; currency: string; placed_day: Day; placed_hour: number; gmv_minor: Int8; items: number; status: string;
  };
  analytics_order_items: { tenant_id: string; order_id: string; sku: string; units: number; gmv_minor: Int8 };
  analytics_returns_daily: { tenant_id: string; day: Day; currency: string; kind: string; count: number; amount_minor: Int8 };
  analytics_payments_daily: { tenant_id: string; day: Day; currency: string; method: string; outcome: string; count: number; amount_minor: Int8 };
  analytics_captured_payments: { tenant_id: string; order_id: string; reference: string; method: string; day: Day; currency: string; amount_minor: Int8 };
  analytics_coupons_daily: {
    tenant_id: string; day: Day; code: string; currency: string; held: number; released: number; held_discount_minor: Int8; released_discount_minor: Int8;
  };
  analytics_wallet_daily: { tenant_id: string; day: Day; currency: string; flow: string; count: number; amount_minor: Int8 };
  analytics_wallet_freezes_daily: { tenant_id: string; day: Day; frozen: number; unfrozen: number };
  analytics_stock: {
    tenant_id: string; sku: string; warehouse_id: string; on_hand: number; reserved: number; available: number; threshold: number; level: string; level_since: Timestamp;
    domain_alerts: boolean;
  };
  analytics_baskets: {
    tenant_id: string; basket_id: string; customer_id: string; currency: string; opened_at: Timestamp; opened_day: Day; status: string; closed_at: Timestamp | null;
  };
  analytics_basket_daily: { tenant_id: string; day: Day; currency: string; opened: number; checked_out: number; abandoned: number; merged: number };
  rfm_orders: { tenant_id: string; order_id: string; customer_id: string; currency: string; placed_day: Day; monetary_minor: Int8; refunded_minor: Int8; active: boolean };
  rfm_customers: { tenant_id: string; customer_id: string; currency: string; orders: number; monetary_minor: Int8; first_order_day: Day; last_order_day: Day };
  segment_runs: {
    tenant_id: string; currency: string; as_of: Day; k: number; seed: number; customers: number; breakpoints: unknown; position: string; computed_at: Generated<Date>;
  };
  customer_segments: {
    tenant_id: string; currency: string; customer_id: string; recency_days: number; frequency: number; monetary_minor: Int8;
    r_score: number; f_score: number; m_score: number; segment: string; cluster: number;
  };
  segment_centroids: {
    tenant_id: string; currency: string; cluster: number; size: number; recency_z: number; frequency_z: number; monetary_z: number;
    recency_days: number; frequency: number; monetary_minor: number;
  };
}
