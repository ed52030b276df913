import { sql, type Kysely } from 'kysely';

/**
 * The event log and its append function.
 *
 * Gap safety (why readers never skip an event that commits late):
 * - `global_position` comes from an identity sequence, which hands out numbers in call
 *   order, not commit order: T1 may take 10, T2 take 11 and commit first. A reader that
 *   paged by `global_position` alone would read 11, move its checkpoint past 10, and
 *   skip 10 forever when T1 commits.
 * - So every row also records its writer's transaction id (`xid8`, 64-bit, never wraps)
 *   and `$all` is ordered by `(transaction_id, global_position)`. Readers only return rows
 *   with `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`: every transaction
 *   below that watermark has finished (committed or rolled back), so no row can ever
 *   appear below a position a reader has already passed.
 * - Failure mode: a transaction that holds an xid for long (anywhere in the cluster)
 *   holds the watermark back; readers then lag (they wait, they never skip). This is
 *   the technique Emmett's PostgreSQL store uses; position `(commit, prepare)` mirrors
 *   EventStoreDB's.
 * - `append_events` takes a per-stream advisory lock *before* its transaction gets an
 *   xid (advisory locks need none), then reads the stream's last revision in a fresh
 *   statement snapshot. A later writer to the same stream therefore gets a larger xid,
 *   so a stream's events are in revision order in `$all` too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table events (
      global_position bigint generated always as identity primary key,
      transaction_id  xid8        not null default pg_current_xact_id(),
      stream_id       text        not null,
      revision        bigint      not null,
      event_id        uuid        not null unique,
      event_type      text        not null,
      tenant_id       text        not null,
      data            jsonb       not null,
      metadata        jsonb       not null,
      occurred_at     timestamptz not null,
      recorded_at     timestamptz not null default now(),
      unique (stream_id, revision)
    )`.execute(db);
  await sql`create index events_all_order on events (transaction_id, global_position)`.execute(db);

  // p_expected: >= 0 exact revision, -1 no stream, -2 any, -3 stream exists.
  // Returns one row: ok = false with the actual revision (-1 = no stream) on a mismatch, writing nothing.
  await sql`
    create function append_events(
      p_stream_id text, p_expected bigint, p_tenant_id text,
      p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[]
    ) returns table (ok boolean, actual_revision bigint, last_revision bigint, last_position bigint, commit_id text)
    language plpgsql volatile as $$
    declare
      v_actual bigint;
    begin
      perform pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
      select coalesce(max(e.revision), -1) into v_actual from events e where e.stream_id = p_stream_id;
      if (p_expected >= 0 and v_actual <> p_expected)
         or (p_expected = -1 and v_actual <> -1)
         or (p_expected = -3 and v_actual = -1) then
        return query select false, v_actual, v_actual, null::bigint, null::text;
        return;
      end if;
      return query
        with inserted as (
          insert into events (stream_id, revision, event_id, event_type, tenant_id, data, metadata, occurred_at)
          select p_stream_id, v_actual + u.ord, u.event_id, u.event_type, p_tenant_id, u.data, u.metadata, u.occurred_at
          from unnest(p_event_ids, p_types, p_data, p_metadata, p_occurred_at)
               with ordinality as u(event_id, event_type, data, metadata, occurred_at, ord)
          order by u.ord
          returning events.revision, events.global_position
        )
        select true, v_actual, max(i.revision), max(i.global_position), pg_current_xact_id()::text from inserted i;
    end
    $$`.execute(db);
}

/** Drops the event log. Irreversible for data: only for development databases. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists append_events`.execute(db);
  await sql`drop table if exists events`.execute(db);
}
