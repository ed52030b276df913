import { hostname } from 'node:os';
import { sql } from 'kysely';
import { comparePositions, EventStoreClosedError, latestPosition, START, waitForEvent, type EventStore, type Position } from '../application/ports/event-store.js';
import { applyBatch, BatchApplyError, CheckpointMovedError, findPoison, isTransient, ProjectionFailedError, type BatchLimits } from './batch.js';
import { readAllSource, type EventSource } from './event-source.js';
import type { Projection } from './projection.js';
import { rebuild } from './rebuild.js';
import { buildCheckpoint, ensureLive, readRegistry, type RegistryRow } from './registry.js';
import type { AnyDb, Executor } from './sql.js';
import { headPosition } from './status.js';

export { CheckpointMovedError, ProjectionFailedError } from './batch.js';

/** Options of `Projector`. */
export interface ProjectorOptions {
  /** Most events per transaction (default 1000). */
  readonly batchSize?: number;
  /** Longest a transaction keeps taking events, in ms (default 500). */
  readonly batchMs?: number;
  /**
   * Longest wait for a new event when caught up, in ms (default 5000). The projector
   * wakes as soon as the store signals an append (`waitForEvent`); this is only the
   * fallback re-check, should a signal be lost.
   */
  readonly idleMs?: number;
  /**
   * Pause, in ms, before retrying after a transient error, between attempts to take the
   * projector lock while another instance holds it, and between re-checks of a paused,
   * failed or version-mismatched projection (default 1000).
   */
  readonly retryMs?: number;
  /** Called when a batch fails: the projection stopped (poison event) or will be retried (transient). */
  readonly onError?: (error: unknown, projection: string, after: Position) => void;
  /** Called when this instance becomes, or stops being, the projection's projector. */
  readonly onLeadership?: (projection: string, leader: boolean) => void;
  /** Name of this instance in `projections list` (default `<host>:<pid>`). */
  readonly instanceId?: string;
  /** Where events come from (default: pages of `store.readAll`). */
  readonly source?: EventSource;
}

const lockKey = (name: string) => `projector:${name}`;

/**
 * Follows `$all` into a projection's live build.
 *
 * - Each batch (up to `batchSize` events or `batchMs`) writes rows and moves the build's
 *   checkpoint in one transaction, conditionally on the checkpoint read, holding the
 *   registry row `FOR SHARE` so a blue/green switch waits for it and the next batch
 *   follows the switch.
 * - `start()` runs in the background as the projection's only projector across
 *   instances: it holds a session advisory lock (`projector:<name>`) for as long as it
 *   runs, others stand by and take over when its session ends.
 * - A live build of another version than the code's is rebuilt blue/green first.
 * - An event the projection cannot apply stops it: the registry records the event and
 *   error (`projections list` shows them) until `projections resume`. Events of types the
 *   projection does not handle only move the checkpoint.
 */
export class Projector {
  private readonly limits: BatchLimits;
  private readonly idleMs: number;
  private readonly retryMs: number;
  private readonly source: EventSource;
  private readonly instanceId: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private ensured = false;
  private abort: AbortController | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: AnyDb,
    readonly projection: Projection,
    private readonly options: ProjectorOptions = {},
  ) {
    this.limits = { batchSize: options.batchSize ?? 1000, batchMs: options.batchMs ?? 500 };
    this.idleMs = options.idleMs ?? 5000;
    this.retryMs = options.retryMs ?? 1000;
    this.source = options.source ?? readAllSource(store);
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
  }

  /** The live build's checkpoint (`START` when it has none). */
  async checkpoint(): Promise<Position> {
    return readCheckpoint(this.db, this.projection.name);
  }

  /** Creates the live build if missing; rebuilds it blue/green if its version is not the code's. */
  private async ensure(): Promise<void> {
    if (this.ensured) return;
    const row = await ensureLive(this.db as Executor, this.projection);
    if (row.liveVersion !== this.projection.version) {
      await rebuild(this.db, this.store, [this.projection], { wait: true });
    }
    this.ensured = true;
  }

  /**
   * Applies one batch to the live build.
   * @returns events read (0: caught up, paused or stopped)
   * @throws ProjectionFailedError when an event cannot be applied (recorded in the registry)
   * @throws CheckpointMovedError when another projector applied the batch first
   */
  async runOnce(): Promise<number> {
    return (await this.batch()).read;
  }

  /**
   * `runOnce`, also telling why nothing was read: `blocked` when the projection cannot
   * take events now (no live build, paused, failed, or of another version), so waiting
   * for new events would not help.
   */
  private async batch(): Promise<{ read: number; blocked: boolean }> {
    await this.ensure();
    let live: RegistryRow | undefined;
    let blocked = false;
    const schema = (await readRegistry(this.db as Executor, this.projection.name))?.liveSchema;
    if (!schema) return { read: 0, blocked: true };
    try {
      const result = await applyBatch(this.db, this.source, [{ projection: this.projection, schema }], this.limits, async (trx) => {
        live = await readRegistry(trx, this.projection.name, 'share');
        blocked = !live?.liveSchema || live.paused || !!live.error || live.liveVersion !== this.projection.version;
        // Or a switch committed between reading the schema and locking the row: next batch.
        return !blocked && live!.liveSchema === schema;
      });
      if (result.read === 0 && live?.liveVersion !== undefined && live.liveVersion !== this.projection.version) this.ensured = false;
      return { read: result.read, blocked };
    } catch (error) {
      if (!(error instanceof BatchApplyError) || isTransient(error.cause)) throw error;
      const poison = await findPoison(this.db, this.source, error.target, error.events.at(-1)!.position);
      if (!poison) return { read: error.events.length, blocked: false };
      await sql`update public.projection_registry set error = ${JSON.stringify(poison)}::jsonb, updated_at = now() where name = ${this.projection.name}`.execute(this.db);
      throw new ProjectionFailedError(this.projection.name, poison);
    }
  }

  /**
   * Brings the live build up to the head of `$all` as it is now. When another instance
   * is the projector, waits for it to get there instead (up to `timeoutMs`).
   * @returns events this call applied
   * @throws ProjectionFailedError when the projection is stopped on a poison event
   */
  async catchUp(timeoutMs = 120_000): Promise<number> {
    await this.ensure();
    return this.db.connection().execute(async (conn) => {
      const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended(${lockKey(this.projection.name)}, 0)) as ok`.execute(conn);
      if (!rows[0]!.ok) {
        await this.waitForLeader(timeoutMs);
        return 0;
      }
      try {
        await this.throwIfFailed();
        let total = 0;
        for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
        return total;
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${lockKey(this.projection.name)}, 0))`.execute(conn);
      }
    });
  }

  private async throwIfFailed(): Promise<void> {
    const row = await readRegistry(this.db as Executor, this.projection.name);
    if (row?.error) throw new ProjectionFailedError(this.projection.name, row.error);
  }

  private async waitForLeader(timeoutMs: number): Promise<void> {
    const head = await headPosition(this.db as Executor);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.throwIfFailed();
      const row = await readRegistry(this.db as Executor, this.projection.name);
      if (row?.paused || comparePositions(await this.checkpoint(), head) >= 0) return;
      if (Date.now() > deadline) throw new Error(`projection ${this.projection.name}: the projector of another instance did not catch up within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /**
   * Starts following `$all` in the background until `stop()`: takes the projector lock
   * (standing by while another instance holds it, retrying every `retryMs`), then applies
   * batches back to back while there are events. When caught up it waits for the next
   * event after its checkpoint (`waitForEvent`: woken by the store's append signal, at
   * most `idleMs`), without polling; a paused or failed projection is re-checked every
   * `retryMs`. Transient errors are retried after `retryMs`; a poison event stops the
   * loop (status `failed` in the registry). A lost connection (a terminated session, a
   * failover) takes the lock with it: this instance stops its batches, and stands for the
   * lock again on a new connection after `retryMs`. Errors go to `onError`, never thrown.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.db.connection().execute((conn) => this.follow(conn, abort.signal));
        } catch (error) {
          // The lock's connection was lost (a terminated session, a failover) or could not be
          // had: the lock went with it, so stand for leadership again on a new connection.
          this.options.onError?.(error, this.projection.name, await this.checkpoint().catch(() => START));
          await pause(this.retryMs, abort.signal);
        }
      }
    })().finally(() => {
      this.running = false;
    });
  }

  /**
   * `start`'s loop on one connection `conn`, which holds the projector lock once taken: returns
   * when stopped, or after setting `running` false when the projection failed or the store
   * closed; throws when `conn` fails (checked before every batch while leading, so a lost
   * session, whose lock is gone, stops this instance's batches at once).
   */
  private async follow(conn: Executor, signal: AbortSignal): Promise<void> {
    let leader = false;
    // The last event a wait returned: a source that skips it (a filter) must not wake on it again.
    let seen: Position | undefined;
    try {
      while (this.running) {
        if (!leader) {
          const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended(${lockKey(this.projection.name)}, 0)) as ok`.execute(conn);
          leader = rows[0]!.ok;
          if (!leader) {
            await pause(this.retryMs, signal);
            continue;
          }
          await sql`update public.projection_registry set owner = ${this.instanceId}, heartbeat_at = now() where name = ${this.projection.name}`
            .execute(this.db)
            .catch(() => undefined);
          this.options.onLeadership?.(this.projection.name, true);
        } else {
          await sql`select 1`.execute(conn); // still holding the lock's session
        }
        try {
          const { read, blocked } = await this.batch();
          if (read > 0) continue;
          if (blocked) {
            await pause(this.retryMs, signal);
          } else {
            const after = latestPosition(await this.checkpoint(), seen)!;
            seen = (await waitForEvent(this.store, after, this.idleMs, signal))?.position ?? seen;
          }
        } catch (error) {
          // A store closed under a running projector (the service closes projectors first) ends the loop quietly.
          if (error instanceof EventStoreClosedError) {
            this.running = false;
            break;
          }
          this.options.onError?.(error, this.projection.name, await this.checkpoint().catch(() => START));
          if (error instanceof ProjectionFailedError) {
            this.running = false;
            break;
          }
          if (!(error instanceof CheckpointMovedError)) await pause(this.retryMs, signal);
        }
      }
    } finally {
      if (leader) {
        await sql`select pg_advisory_unlock(hashtextextended(${lockKey(this.projection.name)}, 0))`.execute(conn).catch(() => undefined);
        this.options.onLeadership?.(this.projection.name, false);
      }
    }
  }

  /** Whether the background loop runs. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Stops after the batch in flight (a wait for events or a pause ends at once) and releases the projector lock. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    await this.loop;
  }
}

/** The live build's checkpoint of projection `name` (`START` when it has none). */
export async function readCheckpoint(db: AnyDb | Executor, name: string): Promise<Position> {
  const row = await readRegistry(db as Executor, name);
  return row?.liveSchema ? buildCheckpoint(db as Executor, row.liveSchema) : START;
}

/**
 * Waits until every named projection's live checkpoint is at or past `position`, polling
 * every 20 ms, for at most `timeoutMs`.
 * @returns true when reached, false on timeout
 */
export async function waitForPosition(db: AnyDb | Executor, names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoints = await Promise.all(names.map((n) => readCheckpoint(db, n)));
    if (checkpoints.every((c) => comparePositions(c, position) >= 0)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/**
 * Resets a projection in place: empties the live build's tables, moves its checkpoint
 * back to `START` and clears a recorded failure, in one transaction; the projector then
 * replays the whole log into it (queries see it refill; `rebuild` is the blue/green way).
 */
export async function resetProjection(db: AnyDb, projection: Projection): Promise<void> {
  await ensureLive(db as Executor, projection);
  await db.transaction().execute(async (trx) => {
    const row = (await readRegistry(trx, projection.name, 'update'))!;
    const schema = row.liveSchema!;
    for (const table of projection.tables) await sql`truncate ${sql.id(schema)}.${sql.id(table)}`.execute(trx);
    await sql`update public.projection_checkpoints set commit_id = 0, prepare = 0, updated_at = now() where name = ${schema}`.execute(trx);
    await sql`update public.projection_registry set error = null, updated_at = now() where name = ${projection.name}`.execute(trx);
  });
}

/** Pauses (`true`) or resumes (`false`) a projection: its projector skips batches while paused. Resuming also clears a recorded failure. */
export async function setPaused(db: AnyDb, projection: Projection, paused: boolean): Promise<void> {
  await ensureLive(db as Executor, projection);
  if (paused) await sql`update public.projection_registry set paused = true, updated_at = now() where name = ${projection.name}`.execute(db);
  else await sql`update public.projection_registry set paused = false, error = null, updated_at = now() where name = ${projection.name}`.execute(db);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
