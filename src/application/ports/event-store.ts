/**
 * The event store port: the contract every adapter (PostgreSQL, EventStoreDB) keeps.
 *
 * Vocabulary follows EventStoreDB:
 * - a **stream** is an ordered list of events of one aggregate instance, named
 *   `<category>-<tenant>:<id>` (see `streamName`);
 * - a **revision** is an event's 0-based index in its stream (bigint);
 * - a **position** is an event's place in the global log `$all`: `commit` orders the
 *   transactions that wrote events, `prepare` orders events inside one of them. Two
 *   positions compare by `commit`, then `prepare`.
 */

/** An event's place in `$all`. Compare with `comparePositions`. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** The position before the first event: `readAll({ from: START })` reads everything. */
export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

/** −1, 0 or 1 as `a` is before, at or after `b` in `$all`. */
export function comparePositions(a: Position, b: Position): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The later of several positions (`undefined` ones ignored); `undefined` when none is given. */
export function latestPosition(...positions: readonly (Position | undefined)[]): Position | undefined {
  return positions.reduce<Position | undefined>((latest, p) => (p && (!latest || comparePositions(p, latest) > 0) ? p : latest), undefined);
}

/** `commit/prepare` in decimal, the wire form of a position (HTTP, CLI, checkpoints in logs). */
export function formatPosition(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

/**
 * Parses `commit/prepare` (two non-negative decimal integers).
 * @returns the position, or `undefined` when the text is not of that form
 */
export function parsePosition(text: string): Position | undefined {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  if (!match) return undefined;
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/**
 * What the writer expects of the stream's current state, checked atomically with the write:
 * - `'any'`: no check;
 * - `'no-stream'`: the stream must not exist yet;
 * - `'stream-exists'`: the stream must have at least one event;
 * - a bigint `n`: the stream's last event must have revision `n`.
 */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | bigint;

/** Metadata the writer supplies with every event. */
export interface EventMetadataInput {
  /** Tenant the event belongs to; read models and queries filter on it. */
  readonly tenantId: string;
  /** Who caused it: `user:<sub>`, `system:<process>` or `import:<source>`. */
  readonly actor: string;
  /** Id shared by everything one request or import step caused. */
  readonly correlationId: string;
  /** Id of the command or event that directly caused this event. */
  readonly causationId: string;
  /** Business time at which it happened, ISO 8601 with its UTC offset (the offset keeps the local day). */
  readonly occurredAt: string;
}

/** Metadata as read back: the writer's input plus what the store records. */
export interface EventMetadata extends EventMetadataInput {
  /** When the store committed it, ISO 8601 UTC. */
  readonly recordedAt: string;
}

/** An event to append. `eventId` is a UUID chosen by the writer. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: object;
  readonly metadata: EventMetadataInput;
}

/** An event as stored. */
export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
}

/** The outcome of a successful append. */
export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event now in the stream: the expected revision of the next append. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written. */
  readonly position: Position;
}

/** Options of `readStream`. */
export interface ReadStreamOptions {
  /** First revision to return (default 0). */
  readonly fromRevision?: bigint;
  /** At most this many events (default: all). */
  readonly maxCount?: number;
}

/** Options of `readAll`. */
export interface ReadAllOptions {
  /** Return events strictly after this position (default `START`). */
  readonly after?: Position;
  /** At most this many events. */
  readonly maxCount: number;
}

/**
 * Thrown by `appendToStream` when the expected revision does not hold. Nothing was written.
 * `actual` is the stream's last revision, or `'no-stream'`.
 */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no-stream',
  ) {
    super(`wrong expected revision on ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The event store. Every method may also reject with the adapter's connection errors. */
export interface EventStore {
  /**
   * Appends events atomically at the end of a stream, if `expectedRevision` holds.
   * @throws WrongExpectedRevisionError when it does not (nothing written)
   * @throws Error when `events` is empty
   */
  appendToStream(streamId: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** The stream's events in revision order; empty when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Events of every stream in `$all` order, strictly after `options.after`. Never skips an
   * event: an event that commits later is never placed before one already returned.
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
}

/** Stream categories, one per aggregate type. */
export type StreamCategory = 'product' | 'stock' | 'basket' | 'order' | 'wallet';

/**
 * The stream of one aggregate instance: `<category>-<tenant>:<id>`. The category is
 * everything before the first `-` (EventStoreDB's `$by_category` convention).
 */
export function streamName(category: StreamCategory, tenantId: string, id: string): string {
  return `${category}-${tenantId}:${id}`;
}
