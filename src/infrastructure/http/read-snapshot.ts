import { sql, type Kysely } from 'kysely';
import { comparePositions, formatPosition, parsePosition, type Position } from '../../application/ports/event-store.js';
import { projectionNamed } from '../../projections/index.js';
import { readCheckpoint, waitForPosition } from '../../projections/projector.js';
import type { QueryCache } from '../cache/index.js';
import type { ReadModelSchema } from '../database/schema.js';
import { readModelBehind } from './problems.js';

/** A query's answer: the data and the position of `$all` it reflects (`<commit>/<prepare>`). */
export interface QueryResponse<T> {
  readonly position: string;
  readonly data: T;
}

/** Options of `readSnapshot`. */
export interface ReadSnapshotOptions {
  /** The projections the query reads (their checkpoints bound what it reflects). */
  readonly projections: readonly string[];
  /** `<commit>/<prepare>` the caller must see (a command's `position`), already validated. */
  readonly atLeast?: string | undefined;
  /** Longest wait for the projections to reach `atLeast`, in ms. */
  readonly maxWaitMs: number;
}

/**
 * Runs a read-model query on one consistent snapshot and says what it reflects:
 * 1. with `atLeast`, waits until every named projection's checkpoint reaches it;
 * 2. reads the checkpoints and runs `query` in one REPEATABLE READ, READ ONLY
 *    transaction: projectors commit rows and checkpoint together, so the data is
 *    exactly the projections' state at the returned position (the minimum checkpoint).
 *    The transaction first locks the projections' views (`ACCESS SHARE`, before its
 *    snapshot), so a blue/green switch is either wholly before it or waits for it.
 * @throws HttpProblem 503 `read-model-behind` (with `Retry-After: 1`) when the wait times out
 */
export async function readSnapshot<T>(
  db: Kysely<ReadModelSchema>,
  options: ReadSnapshotOptions,
  query: (db: Kysely<ReadModelSchema>) => Promise<T>,
): Promise<QueryResponse<T>> {
  if (options.atLeast !== undefined) {
    const target = parsePosition(options.atLeast);
    if (!target) throw new Error(`unvalidated position ${options.atLeast}`);
    if (!(await waitForPosition(db, options.projections, target, options.maxWaitMs))) {
      throw readModelBehind(options.atLeast, options.projections, options.maxWaitMs);
    }
  }
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      // Before the snapshot is taken: a blue/green switch replacing these views either
      // committed already (we read the new build and its checkpoint) or waits for us.
      const views = options.projections.flatMap((name) => projectionNamed(name)?.tables ?? []);
      if (views.length > 0) await sql`lock table ${sql.join(views.map((v) => sql.table(v)))} in access share mode`.execute(trx);
      const checkpoints: Position[] = [];
      for (const name of options.projections) checkpoints.push(await readCheckpoint(trx, name));
      const data = await query(trx);
      return { position: formatPosition(minimum(checkpoints)), data };
    });
}

function minimum(positions: readonly Position[]): Position {
  return positions.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
}

/** Options of `cachedSnapshot`: `readSnapshot`'s, the cache and what identifies the query. */
export interface CachedSnapshotOptions extends ReadSnapshotOptions {
  readonly cache: QueryCache;
  readonly ttlMs: number;
  /** Identifies the query and its parameters (tenant included); the position is added to it. */
  readonly key: string;
}

/** A `QueryResponse` and whether it came from the cache. */
export type CachedResponse<T> = QueryResponse<T> & { readonly cached: boolean };

/**
 * `readSnapshot` behind a cache keyed by the query and the position of its projections:
 * 1. with `atLeast`, waits for the projections as `readSnapshot` does;
 * 2. reads their checkpoints now (one small query): the answer at that position is under
 *    `key@position`, so every move of a projection invalidates what it fed;
 * 3. on a miss, runs the query on its snapshot and stores the answer under the position
 *    the snapshot reflects (which may be later than step 2's; both are exact).
 */
export async function cachedSnapshot<T>(
  db: Kysely<ReadModelSchema>,
  options: CachedSnapshotOptions,
  query: (db: Kysely<ReadModelSchema>) => Promise<T>,
): Promise<CachedResponse<T>> {
  if (options.atLeast !== undefined) {
    const target = parsePosition(options.atLeast);
    if (!target) throw new Error(`unvalidated position ${options.atLeast}`);
    if (!(await waitForPosition(db, options.projections, target, options.maxWaitMs))) {
      throw readModelBehind(options.atLeast, options.projections, options.maxWaitMs);
    }
  }
  const now = formatPosition(minimum(await Promise.all(options.projections.map((n) => readCheckpoint(db, n)))));
  const hit = await options.cache.get(`${options.key}@${now}`);
  if (hit !== undefined) return { position: now, data: JSON.parse(hit) as T, cached: true };
  const answer = await readSnapshot(db, { projections: options.projections, maxWaitMs: options.maxWaitMs }, query);
  await options.cache.set(`${options.key}@${answer.position}`, JSON.stringify(answer.data), options.ttlMs);
  return { ...answer, cached: false };
}
