import { sql, type Kysely } from 'kysely';

/**
 * Read models and projection checkpoints. Every row carries its tenant; every primary key
 * starts with `tenant_id`, so a query filtered by tenant uses the key and cannot mix tenants.
 * Amounts are integer minor units (`bigint`) beside their ISO 4217 currency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projection_checkpoints (
      name        text primary key,
      commit_id   bigint not null,
      prepare     bigint not null,
      updated_at  timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table catalogue_products (
      tenant_id   text   not null,
      sku         text   not null,
      name        text   not null,
      category    text   not null,
      price_minor bigint not null,
      currency    char(3) not null,
      registered_at timestamptz not null,
      updated_at  timestamptz not null,
      primary key (tenant_id, sku)
    )`.execute(db);
  await sql`create index catalogue_products_category on catalogue_products (tenant_id, category)`.execute(db);

  await sql`
    create table catalogue_stock (
      tenant_id    text    not null,
      sku          text    not null,
      warehouse_id text    not null,
      on_hand      integer not null,
      reserved     integer not null,
      primary key (tenant_id, sku, warehouse_id)
    )`.execute(db);

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
      item_count     integer not null,
      placed_at      timestamptz not null,
      placed_day     date    not null,
      confirmed_at   timestamptz,
      shipped_at     timestamptz,
      delivered_at   timestamptz,
      cancelled_at   timestamptz,
      cancel_reason  text,
      primary key (tenant_id, order_id)
    )`.execute(db);
  await sql`create index orders_customer on orders (tenant_id, customer_id)`.execute(db);
  await sql`create index orders_status on orders (tenant_id, status)`.execute(db);

  await sql`
    create table order_lines (
      tenant_id        text    not null,
      order_id         text    not null,
      line_no          integer not null,
      sku              text    not null,
      name             text    not null,
      category         text    not null,
      warehouse_id     text    not null,
      quantity         integer not null,
      unit_price_minor bigint  not null,
      line_total_minor bigint  not null,
      currency         char(3) not null,
      primary key (tenant_id, order_id, line_no)
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

/** Drops the read models (they can be rebuilt from the event log). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['daily_sales_by_category', 'order_lines', 'orders', 'catalogue_stock', 'catalogue_products', 'projection_checkpoints']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
