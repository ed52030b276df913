import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { Logger } from 'pino';
import {
  EventStoreClosedError,
  START,
  WrongExpectedRevisionError,
  comparePositions,
  type AllSubscription,
  type AppendOptions,
  type AppendResult,
  type DeleteStreamOptions,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SetStreamMetadataOptions,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeToAllOptions,
} from '../../../application/ports/event-store.js';
import { checkAppend, checkCount, checkReadStream } from '../port-checks.js';
import { Upcasters } from '../upcasters.js';
import { mapEsdbError } from './errors.js';
import {
  fromEsdbEvent,
  fromEsdbMetadata,
  fromEsdbPosition,
  isSystemEvent,
  matchesFilter,
  toEsdbExpected,
  toEsdbMetadata,
  toEventData,
  toReadPosition,
  toServerFilter,
} from './mapping.js';
import { EsdbAllSubscription } from './subscription.js';

/** Options of `EventStoreDbEventStore`. */
export interface EventStoreDbOptions {
  /** Upcasters applied to every event read (default: none registered). */
  readonly upcasters?: Upcasters;
  /** Receives subscription drops and resubscriptions. */
  readonly logger?: Logger;
}

/**
 * The port over EventStoreDB with `@eventstore/db-client` (gRPC, server 20.10+).
 *
 * Differences the contract allows, documented: `readAll` filters client-side (the v6
 * client's `readAll` takes no filter; subscriptions filter server-side); event ids are
 * unique per stream only (the server checks idempotency per stream, so reusing an id in
 * another stream is not detected, unlike PostgreSQL); `deleteStream`/`tombstoneStream`
 * with `'stream-exists'` read the last revision first (the client has no such option).
 * Kept the same as PostgreSQL: an append with `'stream-exists'` to a soft-deleted stream,
 * which the server refuses as "stream deleted", is a `WrongExpectedRevisionError` with
 * actual `'no-stream'` (only a tombstone is `StreamDeletedError`); options and events are
 * checked before any call (`port-checks.ts`); a `maxCount` of 0 reads nothing.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly upcasters: Upcasters;
  private readonly subscriptions = new Set<AllSubscription>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new Upcasters();
  }

  /**
   * Connects to `esdb://…` (the client connects lazily, on the first call).
   * @throws Error when the connection string is malformed
   */
  static connect(url: string, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(url), options);
  }

  /** @inheritdoc */
  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    checkAppend(streamId, events);
    const data = events.map((e) => toEventData(e, e.schemaVersion ?? this.upcasters.currentVersion(e.type)));
    try {
      const result = await this.client.appendToStream(streamId, data, { expectedRevision: toEsdbExpected(options.expectedRevision) });
      const position = result.position ? fromEsdbPosition(result.position) : await this.positionOf(streamId, result.nextExpectedRevision);
      return { streamId, nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof EsdbStreamDeletedError && options.expectedRevision === 'stream-exists') {
        // The server refuses 'stream-exists' on a soft-deleted stream as deleted; a read tells a
        // tombstone (StreamDeletedError) from a soft delete, which is a stream that does not exist.
        await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
        throw new WrongExpectedRevisionError(streamId, 'stream-exists', 'no-stream');
      }
      throw mapEsdbError(error, streamId, options.expectedRevision);
    }
  }

  /** Position of one event (for an idempotent append, whose reply may carry none). */
  private async positionOf(streamId: string, revision: bigint) {
    const [event] = await this.collect(this.client.readStream(streamId, { fromRevision: revision, maxCount: 1 }));
    return event?.event?.position ? fromEsdbPosition(event.event.position) : START;
  }

  /** @inheritdoc */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkReadStream(options);
    const backwards = options.direction === 'backwards';
    try {
      const resolved = await this.collect(
        this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision ?? (backwards ? END : 0n),
          // maxCount 0: one event is read (so a tombstone still throws) and none returned.
          ...(options.maxCount !== undefined ? { maxCount: Math.max(options.maxCount, 1) } : {}),
        }),
      );
      return resolved.flatMap((r) => (r.event ? [fromEsdbEvent(r.event, this.upcasters)] : [])).slice(0, options.maxCount);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw mapEsdbError(error, streamId);
    }
  }

  /**
   * @inheritdoc
   * Reads in batches from `after` (the server's read is inclusive: the event at `after`
   * is dropped), skipping system events and, client-side, events the filter rejects.
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    checkCount('maxCount', options.maxCount, 0);
    if (options.maxCount === 0) return [];
    const out: RecordedEvent[] = [];
    let from = options.after ?? START;
    const batch = Math.max(options.maxCount + 1, 100);
    for (;;) {
      const page = await this.collect(this.client.readAll({ fromPosition: toReadPosition(from), maxCount: batch, direction: FORWARDS }));
      for (const resolved of page) {
        const event = resolved.event;
        if (!event) continue;
        const position = fromEsdbPosition(event.position);
        if (comparePositions(position, from) <= 0) continue;
        from = position;
        if (isSystemEvent(event) || !matchesFilter(event, options.filter)) continue;
        out.push(fromEsdbEvent(event, this.upcasters));
        if (out.length === options.maxCount) return out;
      }
      if (page.length < batch) return out;
    }
  }

  /** @inheritdoc */
  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    if (options.pageSize !== undefined) checkCount('pageSize', options.pageSize, 1);
    const subscription = new EsdbAllSubscription(
      (after, onCheckpoint) => {
        // Not on a disposed client: the iteration ends with this error.
        if (this.closed) throw new EventStoreClosedError();
        return this.client.subscribeToAll(
          { fromPosition: toReadPosition(after), filter: toServerFilter(options.filter, onCheckpoint) },
          { highWaterMark: options.pageSize ?? 500 },
        );
      },
      this.upcasters,
      options,
      this.options.logger,
    );
    this.subscriptions.add(subscription);
    const close = subscription.close.bind(subscription);
    subscription.close = async () => {
      this.subscriptions.delete(subscription);
      await close();
    };
    return subscription;
  }

  /** @inheritdoc */
  async getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    try {
      const result = await this.client.getStreamMetadata(streamId);
      return {
        streamId,
        metadata: fromEsdbMetadata(result.metadata),
        ...(result.metastreamRevision !== undefined ? { metadataRevision: result.metastreamRevision } : {}),
      };
    } catch (error) {
      throw mapEsdbError(error, streamId);
    }
  }

  /** @inheritdoc */
  async setStreamMetadata(streamId: string, metadata: StreamMetadata, options: SetStreamMetadataOptions = {}): Promise<{ metadataRevision: bigint }> {
    const expected = options.expectedRevision ?? 'any';
    try {
      const result = await this.client.setStreamMetadata(streamId, toEsdbMetadata(metadata), { expectedRevision: toEsdbExpected(expected) });
      return { metadataRevision: result.nextExpectedRevision };
    } catch (error) {
      // A metadata conflict is on the metastream `$$<stream>`, as EventStoreDB names it.
      throw mapEsdbError(error, error instanceof WrongExpectedVersionError ? `$$${streamId}` : streamId, expected);
    }
  }

  /** @inheritdoc */
  async deleteStream(streamId: string, options: DeleteStreamOptions = {}): Promise<void> {
    const expectedRevision = await this.deleteExpected(streamId, options.expectedRevision ?? 'any');
    try {
      await this.client.deleteStream(streamId, { expectedRevision });
    } catch (error) {
      throw mapEsdbError(error, streamId, options.expectedRevision ?? 'any');
    }
  }

  /** @inheritdoc */
  async tombstoneStream(streamId: string, options: DeleteStreamOptions = {}): Promise<void> {
    const expectedRevision = await this.deleteExpected(streamId, options.expectedRevision ?? 'any');
    try {
      await this.client.tombstoneStream(streamId, { expectedRevision });
    } catch (error) {
      throw mapEsdbError(error, streamId, options.expectedRevision ?? 'any');
    }
  }

  /** The client's delete takes any / no stream / exact: `'stream-exists'` becomes the current last revision. */
  private async deleteExpected(streamId: string, expected: ExpectedRevision) {
    if (expected !== 'stream-exists') {
      const mapped = toEsdbExpected(expected);
      return mapped === NO_STREAM || typeof mapped === 'bigint' ? mapped : 'any';
    }
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    if (!last) throw new WrongExpectedRevisionError(streamId, expected, 'no-stream');
    return last.revision;
  }

  /** Ends subscriptions and disposes of the client (once: closing again does nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  private async collect<E extends ResolvedEvent | object>(read: StreamingRead<E>): Promise<E[]> {
    const out: E[] = [];
    for await (const item of read) out.push(item);
    return out;
  }
}
