import { sql, type Kysely } from 'kysely';

/**
 * Adds to `idempotency_keys` what a retry with the same `Idempotency-Key` is answered with
 * (see http/idempotency.ts):
 * - `command_id`: the command id of the key's request, a fresh UUID each time the key is
 *   claimed anew (first use, or after it expired), so that an expired key never names the
 *   events of an older command; null on rows claimed before this migration, whose command
 *   id was the key itself (and still is);
 * - `response_status`, `response_body`: the first answer (HTTP status and JSON body), null
 *   until the request has been answered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table idempotency_keys
      add column command_id      text,
      add column response_status int,
      add column response_body   jsonb`.execute(db);
}

/** Drops the three columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table idempotency_keys
      drop column if exists command_id,
      drop column if exists response_status,
      drop column if exists response_body`.execute(db);
}
