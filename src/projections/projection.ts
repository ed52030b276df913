import type { RecordedEvent } from '../application/ports/event-store.js';
import type { Executor } from './sql.js';

/**
 * A projection: turns events into read-model rows.
 *
 * - `setup` creates its tables, unqualified: the runtime runs it with `search_path` set to
 *   a fresh build schema (see registry.ts), and `public` gets one view per table.
 * - `apply` runs inside the projector's transaction, which also moves the build's
 *   checkpoint, so rows and checkpoint commit together. It receives a batch of the events
 *   it declared in `eventTypes` (others are not passed: unknown types are ignored and
 *   only move the checkpoint) and should write set-based (a few statements per batch).
 * - A known event it cannot apply must throw: the projector then finds that event and
 *   stops the projection with a status naming it. Never skip one silently.
 * - Rows must depend only on the events (no clock, no randomness, no configuration), so a
 *   rebuild gives identical rows.
 */
export interface Projection {
  /** Stable name (`[a-z][a-z0-9_]*`): the registry key and the CLI's argument. */
  readonly name: string;
  /** Bump when tables or rules change: a live build of another version is rebuilt (blue/green). */
  readonly version: number;
  /** Event types it reads; others only move the checkpoint. */
  readonly eventTypes: ReadonlySet<string>;
  /** The tables it owns (also the names of their views in `public`). */
  readonly tables: readonly string[];
  /** One line for `projections list`. */
  readonly description: string;
  /**
   * Secondary indexes that serve queries but not `apply`: `create [unique] index if not
   * exists …` statements on its tables, unqualified (run with the build's search_path).
   * A build made live at once (`ensureLive`) gets them with its tables; a rebuild creates
   * them after its new build has caught up, before the switch: one sorted index build
   * each instead of an index entry maintained for every row the catch-up writes (the
   * bulk-load order of `pg_restore`). An index `apply` reads through belongs in `setup`.
   */
  readonly indexes?: readonly string[];
  /** Creates the tables in the current schema (with the indexes `apply` needs). */
  setup(db: Executor): Promise<void>;
  /** Applies a batch of events (in `$all` order) to the read model. */
  apply(db: Executor, events: readonly RecordedEvent[], context?: ApplyContext): Promise<void>;
}

/**
 * What a rebuild lends `apply` for the length of its catch-up.
 *
 * `memo` is a map the projection may keep rows in from one batch to the next instead of
 * reading back what it wrote itself. That is sound because a build being rebuilt has one
 * writer (the rebuild holding its build lock; see rebuild.ts), and the runtime empties
 * the map whenever a transaction of that build fails: it may then hold rows that were
 * rolled back. A projection must treat an absent key as "read it from the table" (the map
 * starts empty, also when a killed rebuild resumes) and may drop keys to bound memory;
 * its rows must come out the same with the memo as without it. The live projector lends none: other instances may write the live build between its
 * batches.
 */
export interface ApplyContext {
  readonly memo?: Map<string, unknown>;
}

/** The local calendar day of a business time `YYYY-MM-DDTHH:mm:ss(.sss)±hh:mm`: its first ten characters. */
export function localDay(occurredAt: string): string {
  const day = occurredAt.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`business time is not ISO 8601: ${occurredAt}`);
  return day;
}

/** The local hour (0–23) of a business time: characters 11–12. */
export function localHour(occurredAt: string): number {
  const hour = Number(occurredAt.slice(11, 13));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}/.test(occurredAt) || hour > 23) throw new Error(`business time is not ISO 8601: ${occurredAt}`);
  return hour;
}

/** Thrown by projections when a known event lacks a field they need or has one of the wrong type. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/** `data[key]` as a non-empty string. @throws MalformedEventError */
export function str(data: Record<string, unknown>, key: string): string {
  const v = data[key];
  if (typeof v !== 'string' || v === '') throw new MalformedEventError(`${key} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** `data[key]` as a safe integer. @throws MalformedEventError */
export function int(data: Record<string, unknown>, key: string): number {
  const v = data[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new MalformedEventError(`${key} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

/** `data[key]` as Money `{ minor, currency }`. @throws MalformedEventError */
export function moneyOf(data: Record<string, unknown>, key: string): { minor: number; currency: string } {
  const v = data[key];
  if (typeof v !== 'object' || v === null) throw new MalformedEventError(`${key} must be money, got ${JSON.stringify(v)}`);
  const m = v as Record<string, unknown>;
  return { minor: int(m, 'minor'), currency: str(m, 'currency') };
}

/** `data[key]` as an array of objects. @throws MalformedEventError */
export function list(data: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = data[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null)) throw new MalformedEventError(`${key} must be a list of objects`);
  return v as Record<string, unknown>[];
}

/** `data[key]` as a string, or undefined when absent. @throws MalformedEventError when present and not a string */
export function optStr(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new MalformedEventError(`${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
