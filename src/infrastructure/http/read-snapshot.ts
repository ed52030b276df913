import type { Kysely } from 'kysely';
import { comparePositions, formatPosition, parsePosition, type Position } from '../../application/ports/event-store.js';
import { readCheckpoint, waitForPosition } from '../../projections/projector.js';
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
      const checkpoints: Position[] = [];
      for (const name of options.projections) checkpoints.push(await readCheckpoint(trx, name));
      const data = await query(trx);
      return { position: formatPosition(minimum(checkpoints)), data };
    });
}

function minimum(positions: readonly Position[]): Position {
  return positions.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
}
