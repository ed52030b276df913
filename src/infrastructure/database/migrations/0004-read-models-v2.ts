import { sql, type Kysely } from 'kysely';
import { projections } from '../../../projections/index.js';
import { ensureLive } from '../../../projections/registry.js';

/**
 * Read models v2: blue/green builds of projections (see `src/projections/registry.ts`).
 *
 * 1. Drops 0002's read-model tables and checkpoints. Read models are derived data: the
 *    projectors replay the event log into the new builds (nothing of the log is touched).
 * 2. `projection_registry`: per projection its live build (schema and code version), the
 *    build a rebuild is filling, `paused`, the poison event that stopped it (`error`),
 *    and the instance running its projector. `projection_build_seq` numbers builds;
 *    `projection_checkpoints` keeps one row per build, named after its schema.
 * 3. Segmentation results, computed on demand (not projected): `segment_runs` (the last
 *    run per tenant and currency: as-of day, k, seed, quintile breakpoints, position),
 *    `customer_segments` (scores, named segment and cluster per customer) and
 *    `segment_centroids` (k-means centroids, standardised and in RFM units).
 * 4. Installs an empty live build of every projection the code has (its schema, tables
 *    and the views in `public`), so queries work on a fresh database before any projector
 *    ran. This step uses the projections' current `setup`: on an existing database it ran
 *    with the code of that time, and later versions reach it through rebuilds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['daily_sales_by_category', 'order_lines', 'orders', 'catalogue_stock', 'catalogue_products']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`delete from projection_checkpoints`.execute(db);
  await sql`create sequence projection_build_seq`.execute(db);
  await sql`
    create table projection_registry (
      name             text primary key,
      live_schema      text,
      live_version     integer,
      building_schema  text,
      building_version integer,
      paused           boolean not null default false,
      error            jsonb,
      owner            text,
      heartbeat_at     timestamptz,
      switched_at      timestamptz,
      updated_at       timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table segment_runs (
      tenant_id     text    not null,
      currency      char(3) not null,
      as_of         date    not null,
      k             integer not null,
      seed          integer not null,
      customers     integer not null,
      breakpoints   jsonb   not null,
      position      text    not null,
      computed_at   timestamptz not null default now(),
      primary key (tenant_id, currency)
    )`.execute(db);
  await sql`
    create table customer_segments (
      tenant_id      text    not null,
      currency       char(3) not null,
      customer_id    text    not null,
      recency_days   integer not null,
      frequency      integer not null,
      monetary_minor bigint  not null,
      r_score        smallint not null,
      f_score        smallint not null,
      m_score        smallint not null,
      segment        text    not null,
      cluster        integer not null,
      primary key (tenant_id, currency, customer_id)
    )`.execute(db);
  await sql`create index customer_segments_segment on customer_segments (tenant_id, currency, segment, customer_id)`.execute(db);
  await sql`
    create table segment_centroids (
      tenant_id      text    not null,
      currency       char(3) not null,
      cluster        integer not null,
      size           integer not null,
      recency_z      double precision not null,
      frequency_z    double precision not null,
      monetary_z     double precision not null,
      recency_days   double precision not null,
      frequency      double precision not null,
      monetary_minor double precision not null,
      primary key (tenant_id, currency, cluster)
    )`.execute(db);

  for (const projection of projections) await ensureLive(db, projection);
}

/** Drops the registry, the builds and the segmentation results (read models are rebuilt from the log). */
export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname ~ '^rm_[a-z0-9_]+_[0-9]+$'`.execute(db);
  for (const p of projections) for (const t of p.tables) await sql`drop view if exists ${sql.table(t)}`.execute(db);
  for (const r of rows) await sql`drop schema ${sql.id(r.nspname)} cascade`.execute(db);
  for (const t of ['segment_centroids', 'customer_segments', 'segment_runs', 'projection_registry']) await sql`drop table if exists ${sql.table(t)}`.execute(db);
  await sql`drop sequence if exists projection_build_seq`.execute(db);
  await sql`delete from projection_checkpoints`.execute(db);
}
