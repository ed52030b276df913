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

/**
 * An event to append. `eventId` is a UUID chosen by the writer; the store keeps it unique
 * across `$all`, and re-appending the same ids is idempotent (see `EventStore.appendToStream`).
 */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: object;
  readonly metadata: EventMetadataInput;
  /**
   * Version of `data`'s schema for this event type (integer ≥ 1). Default: the current
   * version known to the store's upcasters for `type`, else 1.
   */
  readonly schemaVersion?: number;
}

/** An event as stored (after upcasting: `data` is in the current schema version). */
export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
  /** Schema version of `data` as returned (the current one once upcast); absent means 1. */
  readonly schemaVersion?: number;
}

/** The outcome of a successful append. */
export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event now in the stream: the expected revision of the next append. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written (of the original write when the append was a repeat). */
  readonly position: Position;
}

/** Options of `appendToStream`. */
export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

/** `'forwards'` (ascending revision or position) or `'backwards'`. */
export type ReadDirection = 'forwards' | 'backwards';

/** Options of `readStream`. */
export interface ReadStreamOptions {
  /**
   * First revision to return, inclusive. Default: 0 forwards, the last revision backwards.
   */
  readonly fromRevision?: bigint;
  /** At most this many events (default: all). */
  readonly maxCount?: number;
  /** Default `'forwards'`. */
  readonly direction?: ReadDirection;
}

/**
 * A server-side filter on `$all`. `eventTypes` matches an event whose type is one of them
 * exactly; the prefix lists match when any of their prefixes starts the event's type (or
 * stream id). When several lists are given an event must match each. An empty or absent
 * list does not filter.
 */
export interface AllFilter {
  readonly eventTypes?: readonly string[];
  readonly eventTypePrefixes?: readonly string[];
  readonly streamPrefixes?: readonly string[];
}

/** Options of `readAll`. */
export interface ReadAllOptions {
  /** Return events strictly after this position (default `START`). */
  readonly after?: Position;
  /** At most this many events. */
  readonly maxCount: number;
  /** Only events that match (default: every event). */
  readonly filter?: AllFilter;
}

/**
 * A stream's metadata, with EventStoreDB's meaning. The limits hide events from
 * `readStream` (they stay in `$all`, as in EventStoreDB before a scavenge):
 */
export interface StreamMetadata {
  /** Events older than this many seconds (by `recordedAt`) are not read. */
  readonly maxAge?: number;
  /** Only the last `maxCount` events are read. */
  readonly maxCount?: number;
  /** Events with a revision below this are not read (soft delete sets it on recreation). */
  readonly truncateBefore?: bigint;
  /** Anything else the application keeps about the stream (JSON). */
  readonly custom?: Readonly<Record<string, unknown>>;
}

/** What `getStreamMetadata` returns. */
export interface StreamMetadataResult {
  readonly streamId: string;
  /** `{}` when none was ever set. */
  readonly metadata: StreamMetadata;
  /** 0-based count of metadata writes (soft delete and recreation count); absent when never set. */
  readonly metadataRevision?: bigint;
}

/** Options of `setStreamMetadata`: the expected revision is of the metadata, not of the events. */
export interface SetStreamMetadataOptions {
  /** Default `'any'`. */
  readonly expectedRevision?: ExpectedRevision;
}

/** Options of `deleteStream` and `tombstoneStream`. */
export interface DeleteStreamOptions {
  /** Checked against the stream's last revision like an append (default `'any'`). */
  readonly expectedRevision?: ExpectedRevision;
}

/** Options of `subscribeToAll`. */
export interface SubscribeToAllOptions {
  /** Checkpoint: deliver events strictly after this position (default `START`: everything). */
  readonly after?: Position;
  /** Only events that match (default: every event). */
  readonly filter?: AllFilter;
  /**
   * Events fetched per read while catching up (default 500). With the pull-based
   * iterator this bounds the memory a subscription holds, however slow its consumer.
   */
  readonly pageSize?: number;
  /**
   * Called, and awaited before the next event, when a filtered subscription has scanned
   * past events that did not match: `position` is a safe checkpoint (resuming after it
   * skips only non-matching events). Lets a sparse filter persist progress.
   */
  readonly onCheckpoint?: (position: Position) => void | Promise<void>;
}

/**
 * A catch-up subscription to `$all`: iterate it with `for await`. It yields every event
 * after its checkpoint in `$all` order, then waits for new ones (live) and yields them as
 * they become readable; it never skips one and never yields one twice. Pull-based: the
 * adapter reads the next page only when the consumer asks, so a slow consumer holds at
 * most one page in memory. Errors the adapter cannot recover from end the iteration with
 * the error; resubscribe from your checkpoint.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  /** Ends the subscription: a pending `next()` resolves `done`; resources are released. */
  close(): Promise<void>;
}

/**
 * Waits, without polling, until `$all` holds a readable event strictly after `after`.
 *
 * A one-event catch-up subscription (`subscribeToAll({ after, pageSize: 1 })`): it returns
 * at once when such an event is already readable, otherwise when the adapter's live
 * mechanism delivers the next one (PostgreSQL: the append's NOTIFY, with the
 * subscription's slow fallback poll for a lost one; EventStoreDB: the server's push).
 * No wake-up is lost: the subscription starts listening before it looks after `after`,
 * so an append committing in between is either read or signalled. For loops that read
 * in their own way (transactional `readAll` batches) and only need to sleep while idle.
 *
 * After `store.close()` it settles at once: a wait started after the close rejects with
 * `EventStoreClosedError` (so a loop that waits again and again ends, or backs off,
 * instead of spinning on a store that can no longer signal); a wait in progress when
 * the store closes returns `undefined`, as its subscription is ended.
 * @param timeoutMs longest wait, in ms (the caller's fallback re-check)
 * @param signal ends the wait early; the subscription is closed before this returns
 * @returns the first such event, or `undefined` on timeout or abort
 * @throws EventStoreClosedError when the store was closed before the wait started
 * @throws the subscription's other errors (e.g. the store is unreachable)
 */
export async function waitForEvent(store: EventStore, after: Position, timeoutMs: number, signal?: AbortSignal): Promise<RecordedEvent | undefined> {
  if (signal?.aborted) return undefined;
  const subscription = store.subscribeToAll({ after, pageSize: 1 });
  const iterator = subscription[Symbol.asyncIterator]();
  const next = iterator.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const ended = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    timer = setTimeout(onAbort, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([next, ended]);
    return result && !result.done ? result.value : undefined;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await subscription.close();
    // Settle the read in flight (it ends once closed) and release the iterator.
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}

/**
 * Thrown by `appendToStream` when the expected revision does not hold. Nothing was written.
 * `actual` is the stream's last revision, or `'no-stream'` (also for a soft-deleted stream
 * when `'stream-exists'` was expected: as EventStoreDB, a soft-deleted stream does not exist
 * for that check).
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

/**
 * Thrown by a subscription of a store that was closed (`EventStore.close()`): iterating
 * one opened after the close (and so `waitForEvent`) ends with it at once.
 */
export class EventStoreClosedError extends Error {
  override readonly name = 'EventStoreClosedError';
  constructor() {
    super('the event store is closed');
  }
}

/**
 * Thrown when a stream was tombstoned (hard-deleted): it can never be read, written or
 * recreated. Nothing was written.
 */
export class StreamDeletedError extends Error {
  override readonly name = 'StreamDeletedError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} is deleted (tombstoned)`);
  }
}

/**
 * Thrown by `appendToStream` when an event id is already stored and the append is not a
 * repeat of the write that stored it (same ids, in order, after the same expected
 * revision). Nothing was written.
 */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event id ${eventId} is already stored; appending it to ${streamId} again is not a repeat of that write`);
  }
}

/** The event store. Every method may also reject with the adapter's connection errors. */
export interface EventStore {
  /**
   * Appends events atomically at the end of a stream, if `expectedRevision` holds.
   * A soft-deleted stream is recreated (revisions continue; `'no-stream'` and its last
   * revision are accepted). Idempotent, as in EventStoreDB: appending the same event ids
   * (same order) again after the same expected revision writes nothing and returns the
   * original result.
   * @throws WrongExpectedRevisionError when the expected revision does not hold (nothing written)
   * @throws DuplicateEventIdError when an id is already stored and this is not a repeat, or is
   *   given twice in `events` (nothing written)
   * @throws StreamDeletedError when the stream is tombstoned
   * @throws Error when `events` is empty
   */
  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * The stream's events in revision order (or reverse), honouring its metadata
   * (`maxAge`, `maxCount`, `truncateBefore`); empty when the stream does not exist or is
   * soft-deleted.
   * @throws StreamDeletedError when the stream is tombstoned
   * @throws RangeError for a negative or fractional `maxCount` or a negative `fromRevision`
   */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Events of every stream in `$all` order, strictly after `options.after`. Never skips an
   * event: an event that commits later is never placed before one already returned.
   * @throws RangeError for a negative or fractional `maxCount`
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch-up then live subscription to `$all` (see `AllSubscription`). Opened after
   * `close()`, its iteration ends at once with `EventStoreClosedError`.
   */
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /** @throws StreamDeletedError when the stream is tombstoned */
  getStreamMetadata(streamId: string): Promise<StreamMetadataResult>;
  /**
   * Replaces the stream's metadata.
   * @returns the new metadata revision
   * @throws WrongExpectedRevisionError when `expectedRevision` (of the metadata) does not hold
   * @throws StreamDeletedError when the stream is tombstoned
   */
  setStreamMetadata(streamId: string, metadata: StreamMetadata, options?: SetStreamMetadataOptions): Promise<{ metadataRevision: bigint }>;
  /**
   * Soft delete: reads return nothing, the events stay in `$all`; the next append
   * recreates the stream, continuing its revisions, with `truncateBefore` hiding the old
   * events. Deleting a stream that does not exist is a no-op.
   * @throws WrongExpectedRevisionError, StreamDeletedError
   */
  deleteStream(streamId: string, options?: DeleteStreamOptions): Promise<void>;
  /**
   * Hard delete: the stream can never be read, written or recreated again (reads and
   * appends throw `StreamDeletedError`); its events stay in `$all`.
   * @throws WrongExpectedRevisionError, StreamDeletedError (already tombstoned)
   */
  tombstoneStream(streamId: string, options?: DeleteStreamOptions): Promise<void>;
  /**
   * Releases the adapter's own connections (listeners, clients); not a pool passed in.
   * Open subscriptions end (a pending `next()` resolves `done`); subscriptions opened
   * afterwards fail with `EventStoreClosedError`. Closing again does nothing.
   */
  close(): Promise<void>;
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
