import { sql, type Kysely } from 'kysely';
import { up as createReadAllPage0007 } from './0007-read-all-page.js';

/**
 * `event_log_watermark()`: the gap-safe watermark of `$all` (migration 0001), no longer held
 * back by transactions of other databases of the same cluster.
 *
 * Until now readers saw events below `pg_snapshot_xmin(pg_current_snapshot())`: the oldest
 * transaction still running anywhere in the cluster (xids are cluster-wide). A long write
 * transaction in another database of the same server (a migration, a batch job, another
 * application) therefore stalled every projector and subscription here, although it cannot
 * write a single row of this database's `events`: PostgreSQL has no cross-database writes
 * (dblink and foreign tables write through a backend connected to this database).
 *
 * The watermark is now the smallest of
 * - `pg_snapshot_xmax` of the current snapshot: every xid below it that the snapshot does
 *   not list as running has finished, and every xid assigned later is at least this;
 * - the xids the snapshot lists as running (`pg_snapshot_xip`), except those known to
 *   belong to another database: a backend of `pg_stat_get_activity` connected to another
 *   database with that `backend_xid`, or a prepared transaction of another database
 *   (`pg_prepared_xacts`).
 * So every transaction below it that could have written here has finished, as before.
 *
 * Why an unknown xid counts as ours (the safe side): `pg_stat_get_activity` is read after
 * the snapshot was taken (and, within one transaction, cached from its first use), so a
 * listed transaction may have finished meanwhile, or started after the cache was filled;
 * only a backend seen in another database excludes an xid, and that is true for good
 * (an xid is never reused; a transaction never changes database). A backend connected to
 * no database (null `datid`) is not excluded either. `datid` and `backend_xid` are shown
 * to every role, so this holds without `pg_read_all_stats`. `backend_xid` is 32 bits: it is
 * compared with the snapshot's 64-bit xids through `xid(xid8)`, which cannot confuse two
 * running transactions (they are less than 2^31 apart: wraparound protection).
 *
 * `read_all_page` (0007) is redefined with it; `PostgresEventStore`, its watermark monitor
 * and the projections' lag (`status.ts`) call it too. STABLE: one value per statement,
 * from the statement's snapshot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function event_log_watermark() returns xid8
    language sql stable
    as $$
      with s as materialized (select pg_current_snapshot() as snap),
      other_databases as (
        select a.backend_xid as xid from pg_stat_get_activity(null) a
        where a.backend_xid is not null and a.datid <> (select oid from pg_database where datname = current_database())
        union all
        select p.transaction from pg_prepared_xacts p where p.database <> current_database()
      )
      select least(
        pg_snapshot_xmax(s.snap),
        (select min(x) from pg_snapshot_xip(s.snap) x where xid(x) not in (select xid from other_databases))
      ) from s
    $$`.execute(db);
  await sql`
    create or replace function read_all_page(p_after_commit xid8, p_after_prepare bigint, p_max integer, p_types text[], p_streams text[], p_event_types text[])
    returns table (
      watermark text, global_position bigint, commit_id text, stream_id text, revision bigint, event_id uuid,
      event_type text, data jsonb, tenant_id text, actor text, correlation_id text, causation_id text, occurred_at text,
      recorded_at text, schema_version integer
    )
    language sql stable
    set enable_sort = off
    set enable_bitmapscan = off
    as $$
      with w as materialized (select event_log_watermark() as xmin)
      select w.xmin::text, r.* from w left join lateral (
        select e.global_position, e.transaction_id::text, e.stream_id, e.revision, e.event_id,
               e.event_type, e.data, e.tenant_id, e.metadata ->> 'actor', e.metadata ->> 'correlationId',
               e.metadata ->> 'causationId', e.metadata ->> 'occurredAt',
               to_char(e.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), e.schema_version
        from events e
        where e.transaction_id < w.xmin
          and (e.transaction_id, e.global_position) > (p_after_commit, p_after_prepare)
          and (p_event_types is null or e.event_type = any (p_event_types))
          and (p_types is null or e.event_type like any (p_types))
          and (p_streams is null or e.stream_id like any (p_streams))
        order by e.transaction_id, e.global_position
        limit p_max
      ) r on true
    $$`.execute(db);
}

/** Restores `read_all_page` of migration 0007 and drops the function. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists read_all_page(xid8, bigint, integer, text[], text[], text[])`.execute(db);
  await createReadAllPage0007(db);
  await sql`drop function if exists event_log_watermark()`.execute(db);
}
