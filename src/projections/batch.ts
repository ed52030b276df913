import { comparePositions, formatPosition, type Position, type RecordedEvent } from '../application/ports/event-store.js';
import { PAGE, type EventSource } from './event-source.js';
import type { Projection } from './projection.js';
import { buildCheckpoint, moveCheckpoint, useSchema, usePublic, type ProjectionErrorInfo } from './registry.js';
import type { AnyDb, Executor } from './sql.js';

/** A build of a projection that a batch applies to: its schema holds the tables and names the checkpoint. */
export interface Target {
  readonly projection: Projection;
  readonly schema: string;
}

/** How much one transaction takes: up to `batchSize` events, or until `batchMs` have passed since it began. */
export interface BatchLimits {
  readonly batchSize: number;
  readonly batchMs: number;
}

/** Thrown when another projector moved a build's checkpoint under this one; the batch is rolled back. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

/** A projection's `apply` threw on a batch (rolled back); the caller looks for the poison event. */
export class BatchApplyError extends Error {
  override readonly name = 'BatchApplyError';
  constructor(
    readonly target: Target,
    readonly events: readonly RecordedEvent[],
    override readonly cause: unknown,
  ) {
    super(`${target.projection.name}: ${describe(cause)}`);
  }
}

/**
 * A projection stopped on an event it could not apply. `info` names the event (stream,
 * revision, position, type) and the error; the registry keeps it until `resume`.
 */
export class ProjectionFailedError extends Error {
  override readonly name = 'ProjectionFailedError';
  constructor(
    readonly projection: string,
    readonly info: ProjectionErrorInfo,
  ) {
    super(`projection ${projection} stopped at ${info.type} ${info.streamId}@${info.revision} (position ${info.position}): ${info.message}`);
  }
}

/** The message of an error, whatever was thrown. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether an error is worth retrying as is (connection lost, deadlock, serialization
 * failure, lock timeout, server shutting down) rather than a poison event.
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    if (/^(08|40|53|57)/.test(code) || code === '55P03') return true;
    if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  }
  return error instanceof Error && /Connection terminated|connection (?:closed|ended)|timeout exceeded when trying to connect/i.test(error.message);
}

/** What one batch did. */
export interface BatchResult {
  /** Events read from `$all` (0: every target was caught up). */
  readonly read: number;
  /** Events passed to projections' `apply` (summed over targets). */
  readonly applied: number;
  /** The position the targets' checkpoints moved to, when they moved. */
  readonly position: Position | undefined;
}

/**
 * Applies one batch to every target in one transaction (`db`'s when it is one): reads events after the lowest
 * of their checkpoints, gives each target the events after its own checkpoint that it
 * handles, and moves each checkpoint to the last event read, conditionally on the
 * checkpoint read (a concurrent writer makes it throw `CheckpointMovedError`).
 * @param guard runs first in the transaction; returning false skips the batch (paused,
 *   switched or failed projection)
 * @throws BatchApplyError when a projection's `apply` throws (rolled back)
 */
export async function applyBatch(
  db: AnyDb,
  source: EventSource,
  targets: readonly Target[],
  limits: BatchLimits,
  guard?: (trx: Executor) => Promise<boolean>,
): Promise<BatchResult> {
  const run = async (trx: Executor): Promise<BatchResult> => {
    if (guard && !(await guard(trx))) return { read: 0, applied: 0, position: undefined };
    const checkpoints = await Promise.all(targets.map((t) => buildCheckpoint(trx, t.schema)));
    let cursor = checkpoints.reduce((min, p) => (comparePositions(p, min) < 0 ? p : min));
    const started = performance.now();
    let read = 0;
    let applied = 0;
    let schema: string | undefined;
    while (read < limits.batchSize && performance.now() - started < limits.batchMs) {
      const want = Math.min(PAGE, limits.batchSize - read);
      const page = await source(cursor, want);
      if (page.length === 0) break;
      read += page.length;
      cursor = page.at(-1)!.position;
      for (const [i, target] of targets.entries()) {
        const after = checkpoints[i]!;
        const events = page.filter((e) => target.projection.eventTypes.has(e.type) && comparePositions(e.position, after) > 0);
        if (events.length === 0) continue;
        if (schema !== target.schema) await useSchema(trx, (schema = target.schema));
        try {
          await target.projection.apply(trx, events);
        } catch (error) {
          throw new BatchApplyError(target, events, error);
        }
        applied += events.length;
      }
      if (page.length < want) break;
    }
    if (read === 0) return { read, applied, position: undefined };
    await usePublic(trx);
    for (const [i, target] of targets.entries()) {
      const from = checkpoints[i]!;
      if (comparePositions(from, cursor) >= 0) continue;
      if (!(await moveCheckpoint(trx, target.schema, from, cursor))) {
        throw new CheckpointMovedError(`checkpoint of ${target.schema} moved past ${formatPosition(from)} under this projector`);
      }
    }
    return { read, applied, position: cursor };
  };
  return db.isTransaction ? run(db as Executor) : db.transaction().execute(run);
}

/**
 * After a failed batch: applies the target's events one per transaction from its
 * checkpoint until one fails, so the good events before it are kept and the failing one
 * is named. Transient errors propagate as they are.
 * @returns the poison event and its error, or undefined when every event of the batch
 *   applied on its own (the failure came from the batch as a whole, now applied)
 */
export async function findPoison(
  db: AnyDb,
  source: EventSource,
  target: Target,
  upTo: Position,
): Promise<ProjectionErrorInfo | undefined> {
  for (;;) {
    const after = await buildCheckpoint(db as Executor, target.schema);
    if (comparePositions(after, upTo) >= 0) return undefined;
    const [event] = await source(after, 1);
    if (!event) return undefined;
    try {
      await applyBatch(db, source, [target], { batchSize: 1, batchMs: Number.POSITIVE_INFINITY });
    } catch (error) {
      if (!(error instanceof BatchApplyError) || isTransient(error.cause)) throw error;
      return {
        streamId: event.streamId,
        revision: event.revision.toString(),
        position: formatPosition(event.position),
        eventId: event.eventId,
        type: event.type,
        message: describe(error.cause),
        at: new Date().toISOString(),
      };
    }
  }
}
