import { sql } from 'kysely';
import { comparePositions, formatPosition, type EventStore, type Position } from '../application/ports/event-store.js';
import { applyBatch, BatchApplyError, CheckpointMovedError, findPoison, ProjectionFailedError, type BatchLimits, type Target } from './batch.js';
import { readAllSource, readBatch, type EventSource } from './event-source.js';
import type { Projection } from './projection.js';
import { buildCheckpoint, createBuild, createIndexes, dropBuild, dropOrphanBuilds, ensureLive, moveCheckpoint, pointViews, readRegistry, useSchema } from './registry.js';
import type { AnyDb, Executor } from './sql.js';
import { eventsAfter } from './status.js';

/**
 * Progress of a rebuild: events (of the projections' types) read so far out of those there
 * were to read. Until the count of those events arrives (`totalKnown` false), `total` is
 * only `done`: not a figure to show a percentage or an ETA from.
 */
export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
  readonly totalKnown: boolean;
}

/** Options of `rebuild`. */
export interface RebuildOptions extends Partial<BatchLimits> {
  /** Called after every batch. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Called with a line for each phase (resumed, switched, dropped). */
  readonly onPhase?: (message: string) => void;
  /** Wait for a rebuild of the same projection by another process instead of failing (default false). */
  readonly wait?: boolean;
  /** Test hook: called before the switch transaction. */
  readonly beforeSwitch?: () => Promise<void>;
}

/** What `rebuild` did. */
export interface RebuildResult {
  readonly projections: readonly string[];
  /** Events of the projections' types this run read from `$all` into the new builds (not those a killed run had applied). */
  readonly events: number;
  readonly seconds: number;
  /** Builds resumed from an interrupted rebuild. */
  readonly resumed: readonly string[];
  /** The new live schema of each projection. */
  readonly live: Readonly<Record<string, string>>;
}

/** Thrown when another process is rebuilding one of the projections. */
export class RebuildBusyError extends Error {
  override readonly name = 'RebuildBusyError';
}

const lockKey = (name: string) => `projection-build:${name}`;

/**
 * Rebuilds projections blue/green:
 * 1. takes each projection's build lock (a session advisory lock: one rebuild per
 *    projection at a time; released if the process dies);
 * 2. resumes the build an interrupted rebuild left (same version), else creates an empty
 *    build schema beside the live one (tables without their query indexes), recorded in
 *    the registry as `building`;
 * 3. applies `$all` to the new builds in batches while queries and the live projector
 *    keep using the live build: reads only the event types the projections handle (a
 *    server-side filter), reads the next batch (in pages of `PAGE`) while the current one
 *    is applied, and applies a batch to each build in a transaction of its own,
 *    concurrently, lending it the build's memo (`ApplyContext`, emptied when one of its
 *    transactions fails); each such transaction writes rows and moves that build's
 *    checkpoint, so a SIGKILL loses at most the batches in flight and a rerun resumes at
 *    the checkpoints; then creates the builds' query indexes (`Projection.indexes`);
 * 4. switches in one transaction: locks the registry rows (waiting for live batches in
 *    flight), applies what arrived meanwhile reading every event (so the checkpoints end
 *    at the head of `$all`, past events of other types), makes the builds live and points
 *    the views at them; with several projections they all switch in that one transaction;
 * 5. drops the previous builds (a kill before that leaves orphans the next rebuild drops).
 * @throws RebuildBusyError when another process holds a build lock (unless `wait`)
 * @throws ProjectionFailedError naming the event a projection cannot apply (the build stays, resumable)
 */
export async function rebuild(db: AnyDb, store: EventStore, projections: readonly Projection[], options: RebuildOptions = {}): Promise<RebuildResult> {
  const limits: BatchLimits = { batchSize: options.batchSize ?? 5000, batchMs: options.batchMs ?? 5000 };
  const started = performance.now();
  const sorted = [...projections].sort((a, b) => a.name.localeCompare(b.name));
  return db.connection().execute(async (conn) => {
    const locked: string[] = [];
    try {
      for (const p of sorted) {
        if (options.wait) {
          await sql`select pg_advisory_lock(hashtextextended(${lockKey(p.name)}, 0))`.execute(conn);
        } else {
          const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended(${lockKey(p.name)}, 0)) as ok`.execute(conn);
          if (!rows[0]!.ok) throw new RebuildBusyError(`projection ${p.name} is being rebuilt by another process`);
        }
        locked.push(p.name);
      }
      // The builds are prepared concurrently, each on a connection of its own (DDL: about
      // 10 ms a table).
      const prepared = await Promise.all(sorted.map((p) => prepareBuild(db, p, options)));
      const targets = prepared.map((b) => b.target);
      const resumed = prepared.filter((b) => b.resumed).map((b) => b.target.projection.name);

      const types = [...new Set(targets.flatMap((t) => [...t.projection.eventTypes]))];
      const filtered = readAllSource(store, types);
      // The total is only for progress (a scan of the log's types): counted while the first
      // pages are applied, and only when someone watches.
      let total = 0;
      let totalKnown = false;
      let done = 0;
      const onProgress = options.onProgress;
      const counting = !onProgress
        ? Promise.resolve()
        : lowest(db as Executor, targets)
            .then((from) => eventsAfter(db as Executor, from, types))
            .then(({ count }) => {
              total = Math.max(total, count, done);
              totalKnown = true;
              onProgress({ done, total, totalKnown });
            });
      counting.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      // Each build's memo (see ApplyContext) for the whole catch-up.
      const memos = targets.map(() => new Map<string, unknown>());
      for (;;) {
        const batch = await buildPages(db, filtered, targets, memos, limits, (n) => {
          done += n;
          total = Math.max(total, done);
          options.onProgress?.({ done, total, totalKnown });
        });
        if (batch === 0) break;
      }
      await counting;
      // Query indexes are built once from the caught-up rows rather than maintained for
      // every row written (see Projection.indexes), each build's in a transaction of its own.
      // Not durable on purpose: an index lost in a crash is created again by the rerun.
      await Promise.all(
        targets.map((t) =>
          db.transaction().execute(async (trx) => {
            await sql`set local synchronous_commit = off`.execute(trx);
            await createIndexes(trx, t.projection, t.schema);
          }),
        ),
      );

      await options.beforeSwitch?.();
      const previous = await db.transaction().execute(async (trx) => {
        const old: string[] = [];
        for (const t of targets) {
          const row = (await readRegistry(trx, t.projection.name, 'update'))!;
          if (row.buildingSchema !== t.schema) throw new RebuildBusyError(`the build of ${t.projection.name} changed under this rebuild`);
          if (row.liveSchema) old.push(row.liveSchema);
        }
        for (;;) {
          const batch = await applyTargets(trx as AnyDb, readAllSource(store), targets, limits);
          if (batch === 0) break;
          done += batch;
        }
        for (const t of targets) {
          await sql`update public.projection_registry set live_schema = ${t.schema}, live_version = ${t.projection.version},
              building_schema = null, building_version = null, error = null, switched_at = now(), updated_at = now()
            where name = ${t.projection.name}`.execute(trx);
          await pointViews(trx, t.projection, t.schema);
        }
        return old;
      });
      options.onPhase?.(`switched ${targets.map((t) => `${t.projection.name} → ${t.schema}`).join(', ')}`);
      for (const schema of previous) {
        await db.transaction().execute(async (trx) => {
          // Not durable on purpose: a drop lost in a crash leaves an orphan the next rebuild drops.
          await sql`set local synchronous_commit = off`.execute(trx);
          await dropBuild(trx, schema);
        });
      }
      return {
        projections: sorted.map((p) => p.name),
        events: done,
        seconds: (performance.now() - started) / 1000,
        resumed,
        live: Object.fromEntries(targets.map((t) => [t.projection.name, t.schema])),
      };
    } finally {
      for (const name of locked) await sql`select pg_advisory_unlock(hashtextextended(${lockKey(name)}, 0))`.execute(conn).catch(() => undefined);
    }
  });
}

/**
 * The build `p` is rebuilt into: the one an interrupted rebuild left (same version:
 * `resumed`), else a new empty one registered as `building`. Drops orphan builds of `p`.
 */
async function prepareBuild(db: AnyDb, p: Projection, options: RebuildOptions): Promise<{ target: Target; resumed: boolean }> {
  await ensureLive(db as Executor, p);
  let resumed = false;
  const schema = await db.transaction().execute(async (trx) => {
    const row = (await readRegistry(trx, p.name, 'update'))!;
    if (row.buildingSchema && row.buildingVersion === p.version && (await schemaExists(trx, row.buildingSchema))) {
      resumed = true;
      return row.buildingSchema;
    }
    // Not durable on purpose: a new build lost in a crash is lost with its registration and
    // with every later (asynchronously committed) page, so the rerun starts a new one.
    await sql`set local synchronous_commit = off`.execute(trx);
    if (row.buildingSchema) await dropBuild(trx, row.buildingSchema);
    const created = await createBuild(trx, p, { indexes: false });
    await sql`update public.projection_registry set building_schema = ${created}, building_version = ${p.version}, updated_at = now() where name = ${p.name}`.execute(trx);
    return created;
  });
  for (const orphan of await dropOrphanBuilds(db as Executor, p.name)) options.onPhase?.(`dropped orphan build ${orphan}`);
  if (resumed) options.onPhase?.(`resuming ${p.name} in ${schema}`);
  return { target: { projection: p, schema }, resumed };
}

/**
 * Applies batches of `source` (`limits.batchSize` events, read in pages of `PAGE`) to the
 * builds until it is exhausted: the next batch is read while the current one is applied,
 * and each build gets the batch in its own transaction (concurrently), moving its
 * checkpoint conditionally on the one it read.
 * @returns events read (0: every build caught up)
 */
async function buildPages(
  db: AnyDb,
  source: EventSource,
  targets: readonly Target[],
  memos: readonly Map<string, unknown>[],
  limits: BatchLimits,
  onPage: (events: number) => void,
): Promise<number> {
  const checkpoints = await Promise.all(targets.map((t) => buildCheckpoint(db as Executor, t.schema)));
  const cursor = checkpoints.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
  let next: Promise<Awaited<ReturnType<EventSource>>> = readBatch(source, cursor, limits.batchSize);
  let read = 0;
  for (;;) {
    const page = await next;
    if (page.length === 0) return read;
    const last = page.at(-1)!.position;
    next = page.length < limits.batchSize ? Promise.resolve([]) : readBatch(source, last, limits.batchSize);
    next.catch(() => undefined); // awaited on the next turn; a failure there must not go unhandled meanwhile
    try {
      await Promise.all(
        targets.map(async (target, i) => {
          const after = checkpoints[i]!;
          if (comparePositions(after, last) >= 0) return;
          const events = page.filter((e) => target.projection.eventTypes.has(e.type) && comparePositions(e.position, after) > 0);
          const memo = memos[i]!;
          try {
            await db.transaction().execute(async (trx) => {
              // Rows and checkpoint still commit together; a crash may only lose the last pages'
              // commits, which the resumed rebuild applies again. The switch commits durably.
              await sql`set local synchronous_commit = off`.execute(trx);
              if (events.length > 0) {
                await useSchema(trx, target.schema);
                try {
                  await target.projection.apply(trx, events, { memo });
                } catch (error) {
                  throw new BatchApplyError(target, events, error);
                }
              }
              if (!(await moveCheckpoint(trx, target.schema, after, last))) {
                throw new CheckpointMovedError(`checkpoint of ${target.schema} moved past ${formatPosition(after)} under this rebuild`);
              }
            });
          } catch (error) {
            memo.clear(); // it may hold what was just rolled back
            throw error;
          }
          checkpoints[i] = last;
        }),
      );
    } catch (error) {
      if (!(error instanceof BatchApplyError)) throw error;
      const poison = await findPoison(db, source, error.target, error.events.at(-1)!.position);
      if (poison) throw new ProjectionFailedError(error.target.projection.name, poison);
      return read + 1;
    }
    read += page.length;
    onPage(page.length);
  }
}

/** One batch over the targets; a failing apply is narrowed to its event. @returns events read */
async function applyTargets(db: AnyDb, source: EventSource, targets: readonly Target[], limits: BatchLimits): Promise<number> {
  try {
    return (await applyBatch(db, source, targets, limits)).read;
  } catch (error) {
    if (!(error instanceof BatchApplyError) || db.isTransaction) throw error;
    const upTo = error.events.at(-1)!.position;
    const poison = await findPoison(db, source, error.target, upTo);
    if (poison) throw new ProjectionFailedError(error.target.projection.name, poison);
    return 1;
  }
}

async function lowest(db: Executor, targets: readonly Target[]): Promise<Position> {
  const checkpoints = await Promise.all(targets.map((t) => buildCheckpoint(db, t.schema)));
  return checkpoints.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
}

async function schemaExists(db: Executor, schema: string): Promise<boolean> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from pg_namespace where nspname = ${schema}`.execute(db);
  return rows[0]!.n === '1';
}
