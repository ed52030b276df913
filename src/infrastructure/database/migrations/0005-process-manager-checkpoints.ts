import { sql, type Kysely } from 'kysely';

/**
 * Where process managers (the checkout process manager's `$all` subscriber) keep the
 * position to resume from, so a restart does not re-read the whole log. Delivery is at
 * least once: the managers deduplicate what they see again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table process_manager_checkpoints (
      name       text primary key,
      commit_id  bigint not null,
      prepare    bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

/** Drops the checkpoints: the managers then start from the beginning of `$all` (safe, slower). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists process_manager_checkpoints`.execute(db);
}
