import { sql, type Kysely } from 'kysely';
import { START, comparePositions, formatPosition, type EventStore, type Position } from '../application/ports/event-store.js';
import type { ReadModelSchema } from '../infrastructure/database/schema.js';
import type { Projection } from './projection.js';

/** Options of `Projector`. */
export interface ProjectorOptions {
  /** Events read and applied per transaction (default 500). */
  readonly batchSize?: number;
  /** Pause between polls when caught up, in ms (default 100). */
  readonly idleMs?: number;
  /** Called when a batch fails; the projector stops (it never skips the event). */
  readonly onError?: (error: unknown, projection: string, after: Position) => void;
}

/** Thrown when another projector instance moved the checkpoint under this one; the batch is rolled back. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

/**
 * Follows `$all` from a projection's checkpoint and applies events in batches. Each
 * batch's rows and the new checkpoint commit in one transaction; the checkpoint update
 * is conditional on the checkpoint read, so two instances never apply the same batch.
 */
export class Projector {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: Kysely<ReadModelSchema>,
    readonly projection: Projection,
    private readonly options: ProjectorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 100;
  }

  /** The projection's checkpoint (`START` when it has none). */
  async checkpoint(): Promise<Position> {
    return readCheckpoint(this.db, this.projection.name);
  }

  /**
   * Applies one batch after the checkpoint.
   * @returns how many events were read (0: caught up)
   * @throws CheckpointMovedError, or the projection's own error (batch rolled back)
   */
  async runOnce(): Promise<number> {
    const after = await this.checkpoint();
    const events = await this.store.readAll({ after, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    const relevant = events.filter((e) => this.projection.eventTypes.has(e.type));
    const last = events.at(-1)!.position;
    await this.db.transaction().execute(async (trx) => {
      await this.projection.apply(trx, relevant);
      const moved = await trx
        .insertInto('projection_checkpoints')
        .values({ name: this.projection.name, commit_id: last.commit, prepare: last.prepare, updated_at: sql`now()` })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ commit_id: last.commit, prepare: last.prepare, updated_at: sql`now()` })
            .where('projection_checkpoints.commit_id', '=', after.commit.toString())
            .where('projection_checkpoints.prepare', '=', after.prepare.toString()),
        )
        .executeTakeFirst();
      if (moved.numInsertedOrUpdatedRows !== 1n) {
        throw new CheckpointMovedError(`checkpoint of ${this.projection.name} moved past ${formatPosition(after)} under this projector`);
      }
    });
    return events.length;
  }

  /** Applies batches until caught up. @returns events read */
  async catchUp(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Starts following `$all` in the background until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          if ((await this.runOnce()) === 0) await sleep(this.idleMs);
        } catch (error) {
          this.options.onError?.(error, this.projection.name, await this.checkpoint().catch(() => START));
          if (error instanceof CheckpointMovedError) continue;
          this.running = false;
        }
      }
    })();
  }

  /** Stops after the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** A projection's checkpoint, `START` when it has none. */
export async function readCheckpoint(db: Kysely<ReadModelSchema>, name: string): Promise<Position> {
  const row = await db.selectFrom('projection_checkpoints').select(['commit_id', 'prepare']).where('name', '=', name).executeTakeFirst();
  return row ? { commit: BigInt(row.commit_id), prepare: BigInt(row.prepare) } : START;
}

/**
 * Waits until every named projection's checkpoint is at or past `position`, polling
 * every 20 ms, for at most `timeoutMs`.
 * @returns true when reached, false on timeout
 */
export async function waitForPosition(db: Kysely<ReadModelSchema>, names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoints = await Promise.all(names.map((n) => readCheckpoint(db, n)));
    if (checkpoints.every((c) => comparePositions(c, position) >= 0)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/**
 * Empties a projection's tables and checkpoint in one transaction; the next catch-up
 * replays the whole log into it.
 */
export async function resetProjection(db: Kysely<ReadModelSchema>, projection: Projection): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of projection.tables) await trx.deleteFrom(table).execute();
    await trx.deleteFrom('projection_checkpoints').where('name', '=', projection.name).execute();
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
