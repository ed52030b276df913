import { sql, type Kysely } from 'kysely';

/**
 * `read_all_page`: one page of `$all` in one statement, always walked along the index
 * `events_all_order` (`(transaction_id, global_position)`, migration 0001).
 *
 * Why a function: the page query filters on `transaction_id < pg_snapshot_xmin(...)` and a
 * row comparison the planner cannot estimate (it assumes a third of the table), so on a
 * log of some tens of thousands of events it chose a bitmap scan of every remaining event
 * and a sort of all of them (spilling to disk) to return the first page: 138 ms instead of
 * 9.6 ms for a page of 5,000 on the committed Olist sample (34,019 events), and each later
 * page sorts what is left again. `set enable_sort/enable_bitmapscan = off` on the function
 * leaves the ordered index scan as the only plan, whatever the table's size or statistics.
 * A LANGUAGE sql function with SET clauses is planned on each call (about 0.1 ms).
 *
 * The metadata comes as the fields a `RecordedEvent` carries (the tenant from its column),
 * not as the `jsonb` document: PostgreSQL would turn every document into text and Node
 * parse it again, for fields the reader drops (the readers' rows are the same: checked
 * against `readStream` over the whole Olist sample). `recorded_at` comes as the ISO 8601
 * text `RecordedEvent.metadata.recordedAt` holds (UTC, milliseconds truncated, as
 * `Date#toISOString` of the parsed timestamp), sparing a date parse and format per event.
 *
 * Semantics are those of the query it replaces (PostgresEventStore.readPage): events of
 * transactions below the snapshot's xmin (the gap-safe watermark), strictly after
 * `(p_after_commit, p_after_prepare)`, in `$all` order, at most `p_max`, optionally only
 * event types / stream ids `LIKE ANY` the given patterns and only event types equal to one
 * of `p_event_types` (a rebuild reads its projections' types: with some fifty of them,
 * `= any` costs a fraction of fifty `LIKE`s for every event of the log). Always at least one row: the
 * watermark, with null event columns when the page is empty. STABLE, so the watermark and
 * the rows come from the same snapshot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function read_all_page(p_after_commit xid8, p_after_prepare bigint, p_max integer, p_types text[], p_streams text[], p_event_types text[])
    returns table (
      watermark text, global_position bigint, commit_id text, stream_id text, revision bigint, event_id uuid,
      event_type text, data jsonb, tenant_id text, actor text, correlation_id text, causation_id text, occurred_at text,
      recorded_at text, schema_version integer
    )
    language sql stable
    set enable_sort = off
    set enable_bitmapscan = off
    as $$
      with w as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
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

/** Drops the function (PostgresEventStore of this version needs it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists read_all_page(xid8, bigint, integer, text[], text[], text[])`.execute(db);
}
