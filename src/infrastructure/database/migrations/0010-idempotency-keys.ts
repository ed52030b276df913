import { sql, type Kysely } from 'kysely';

/**
 * `idempotency_keys`: which request each `Idempotency-Key` of a tenant was first used
 * for (`request_fingerprint`, see http/idempotency.ts), so that the key sent again with
 * another request is refused instead of answered with the first request's result.
 *
 * One row per keyed command, kept like the events they name (the key is also the command
 * id from which the events' ids derive). `first_seen_at` is when the key was first used.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_keys (
      tenant_id           text        not null,
      idempotency_key     text        not null,
      request_fingerprint text        not null,
      first_seen_at       timestamptz not null default now(),
      primary key (tenant_id, idempotency_key)
    )`.execute(db);
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists idempotency_keys`.execute(db);
}
