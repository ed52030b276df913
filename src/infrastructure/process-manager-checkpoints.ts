import type pg from 'pg';
import { START, type Position } from '../application/ports/event-store.js';

/**
 * The `$all` position process manager `name` resumes from (`process_manager_checkpoints`,
 * migration 0005), or `START` when it has none yet.
 */
export async function loadProcessManagerCheckpoint(pool: pg.Pool, name: string): Promise<Position> {
  const { rows } = await pool.query<{ commit_id: string; prepare: string }>('select commit_id, prepare from process_manager_checkpoints where name = $1', [name]);
  return rows[0] ? { commit: BigInt(rows[0].commit_id), prepare: BigInt(rows[0].prepare) } : START;
}

/** Stores the `$all` position process manager `name` resumes from. */
export async function saveProcessManagerCheckpoint(pool: pg.Pool, name: string, position: Position): Promise<void> {
  await pool.query(
    `insert into process_manager_checkpoints (name, commit_id, prepare) values ($1, $2, $3)
     on conflict (name) do update set commit_id = excluded.commit_id, prepare = excluded.prepare, updated_at = now()`,
    [name, position.commit.toString(), position.prepare.toString()],
  );
}
