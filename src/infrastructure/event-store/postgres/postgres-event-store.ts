import pg from 'pg';
import type { Logger } from 'pino';
import {
  DuplicateEventIdError,
  START,
  StreamDeletedError,
  WrongExpectedRevisionError,
  type AllFilter,
  type AllSubscription,
  type AppendOptions,
  type AppendResult,
  type DeleteStreamOptions,
  type EventStore,
  type NewEvent,
  type Position,
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
import { AppendSignal } from './append-signal.js';
import { fromStoredMetadata, toStoredMetadata, type StoredMetadata } from './metadata.js';
import { AppendNotifier } from './notifier.js';
import { EVENT_COLUMNS, decodeActual, encodeExpected, filterPatterns, pageRowToRecorded, toRecorded, type EventRow, type PageRow } from './rows.js';
import { PostgresAllSubscription, type AllPage, type SubscriptionSource, type SubscriptionTimings } from './subscription.js';
import { WatermarkMonitor, readWatermarkLag, type WatermarkLag } from './watermark.js';

/** Options of `PostgresEventStore`. */
export interface PostgresEventStoreOptions {
  /** Upcasters applied to every event read (default: none registered). */
  readonly upcasters?: Upcasters;
  /** Receives the watermark-lag warnings and LISTEN connection problems (default: none). */
  readonly logger?: Logger;
  /** Makes the dedicated LISTEN connection (default: a `pg.Client` with the pool's options). */
  readonly listenClient?: () => pg.Client;
  /** Warn when committed events are held back longer than this, in ms (default 5000). */
  readonly watermarkWarnMs?: number;
  /** Live-phase timings of subscriptions (see `SubscriptionTimings`). */
  readonly subscriptionTimings?: Partial<SubscriptionTimings>;
}

/** SQLSTATE that `append_events` raises for a reused event id (migration 0003). */
const DUPLICATE_EVENT_ID = 'ES409';
/** SQLSTATE unique_violation: an id stored concurrently by another stream's writer. */
const UNIQUE_VIOLATION = '23505';

/** Is `error` the unique index on event ids refusing an insert (23505 on `events_event_id_key`)? */
function isStoredEventId(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === 'events_event_id_key';
}

interface AppendRow {
  status: 'ok' | 'idempotent' | 'wrong-revision' | 'deleted';
  actual_revision: string;
  last_revision: string;
  last_position: string | null;
  commit_id: string | null;
}

/**
 * The PostgreSQL event store (schema: migrations 0001 and 0003).
 *
 * - Appends: one call of `append_event` (one event, migration 0008) or `append_events`
 *   (migration 0003) in its own implicit transaction, one round trip (two when a single
 *   event's id is stored already), all-or-nothing, idempotent for repeats.
 * - `$all` is gap-safe by the transaction-id watermark (migration 0001); its failure
 *   mode, a long-open transaction holding readers back, is measured by `watermarkLag()`
 *   and logged by subscriptions (`WatermarkMonitor`).
 * - Subscriptions: pull-based pages, then LISTEN/NOTIFY on one dedicated connection
 *   (opened on the first subscription, closed by `close()`); every successful append is
 *   followed by a coalesced NOTIFY after its commit (`AppendSignal`).
 */
export class PostgresEventStore implements EventStore {
  private readonly upcasters: Upcasters;
  private readonly logger: Logger | undefined;
  private readonly notifier: AppendNotifier;
  private readonly monitor: WatermarkMonitor;
  private readonly signal: AppendSignal;
  private readonly subscriptions = new Set<AllSubscription>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new Upcasters();
    this.logger = options.logger;
    this.notifier = new AppendNotifier(options.listenClient ?? (() => new pg.Client(pool.options)), this.logger);
    this.monitor = new WatermarkMonitor(pool, this.logger, { warnAfterMs: options.watermarkWarnMs ?? 5000 });
    this.signal = new AppendSignal(pool, this.logger);
  }

  /** @inheritdoc */
  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const tenantId = checkAppend(streamId, events);
    const expected = encodeExpected(options.expectedRevision);
    let row: AppendRow;
    try {
      row = await this.appendRow(streamId, events, expected, tenantId);
    } catch (error) {
      if (error instanceof pg.DatabaseError && error.code === DUPLICATE_EVENT_ID) {
        throw new DuplicateEventIdError(streamId, error.detail ?? '(unknown)');
      }
      if (isStoredEventId(error)) {
        // "Key (event_id)=(<uuid>) already exists."
        throw new DuplicateEventIdError(streamId, /\(event_id\)=\(([^)]+)\)/.exec(error.detail ?? '')?.[1] ?? '(unknown)');
      }
      throw error;
    }
    switch (row.status) {
      case 'deleted':
        throw new StreamDeletedError(streamId);
      case 'wrong-revision':
        throw new WrongExpectedRevisionError(streamId, options.expectedRevision, decodeActual(options.expectedRevision, row.actual_revision));
      case 'ok':
        this.signal.appended();
        return {
          streamId,
          nextExpectedRevision: BigInt(row.last_revision),
          position: { commit: BigInt(row.commit_id!), prepare: BigInt(row.last_position!) },
        };
      default:
        return {
          streamId,
          nextExpectedRevision: BigInt(row.last_revision),
          position: { commit: BigInt(row.commit_id!), prepare: BigInt(row.last_position!) },
        };
    }
  }

  /**
   * Runs one append in its own implicit transaction and returns its `append_events`-shaped row.
   * One event: `append_event` (migration 0008, scalar parameters); when that finds the
   * event id stored already (23505 on `events_event_id_key`, nothing written), the append
   * is retried with `append_events`, which tells an idempotent repeat from a reused id.
   * More events: `append_events` (migration 0003, one array per column). Named (prepared)
   * statements: parsed and planned once per connection.
   * @param expected the expected revision as `encodeExpected` gives it
   * @throws pg.DatabaseError `ES409` (reused id), 23505 (id stored concurrently; an id repeated in the batch is refused before, by `checkAppend`), or any other
   */
  private async appendRow(streamId: string, events: readonly NewEvent[], expected: bigint, tenantId: string): Promise<AppendRow> {
    const version = (e: NewEvent) => e.schemaVersion ?? this.upcasters.currentVersion(e.type);
    if (events.length === 1) {
      const e = events[0]!;
      try {
        const result = await this.pool.query<AppendRow>({
          name: 'event_store_append_event',
          text: 'select * from append_event($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          values: [streamId, expected.toString(), tenantId, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.metadata.occurredAt, version(e)],
        });
        return result.rows[0]!;
      } catch (error) {
        if (!isStoredEventId(error)) throw error;
      }
    }
    const result = await this.pool.query<AppendRow>({
      name: 'event_store_append_events',
      text: 'select * from append_events($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      values: [
        streamId,
        expected.toString(),
        tenantId,
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        events.map((e) => e.metadata.occurredAt),
        events.map(version),
      ],
    });
    return result.rows[0]!;
  }

  /** @inheritdoc */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkReadStream(options);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? null : 0n);
    // One round trip: the stream's state (always one row, from the aggregate) joined to its
    // readable events. Metadata limits as in EventStoreDB: truncateBefore, maxCount, maxAge.
    const result = await this.pool.query<EventRow & { tombstoned: boolean }>(
      `with s as (
         select coalesce(bool_or(tombstoned), false) as tombstoned,
                coalesce(bool_or(deleted_before is not null), false) as soft_deleted,
                max((metadata ->> 'truncateBefore')::bigint) as truncate_before,
                max((metadata ->> 'maxCount')::bigint) as max_count,
                max((metadata ->> 'maxAge')::float8) as max_age
         from streams where stream_id = $1
       )
       select s.tombstoned, r.*
       from s left join lateral (
         select ${EVENT_COLUMNS} from events e
         where e.stream_id = $1 and not s.tombstoned and not s.soft_deleted
           and e.revision >= coalesce(s.truncate_before, 0)
           ${backwards ? 'and ($2::bigint is null or e.revision <= $2::bigint)' : 'and e.revision >= $2::bigint'}
           and (s.max_count is null or e.revision > (select max(m.revision) from events m where m.stream_id = $1) - s.max_count)
           and (s.max_age is null or e.recorded_at >= now() - make_interval(secs => s.max_age))
         order by e.revision ${backwards ? 'desc' : 'asc'}
         limit $3
       ) r on true`,
      [streamId, from?.toString() ?? null, options.maxCount ?? null],
    );
    if (result.rows[0]?.tombstoned) throw new StreamDeletedError(streamId);
    return result.rows.filter((row) => row.event_id !== null).map((row) => toRecorded(row, this.upcasters));
  }

  /** @inheritdoc */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    checkCount('maxCount', options.maxCount, 0);
    return (await this.readPage(options.after ?? START, options.maxCount, options.filter)).events;
  }

  /**
   * A page of `$all` strictly after `after`, with the watermark of the snapshot it was
   * read in: every transaction below it had finished, so nothing can still appear there.
   */
  async readPage(after: Position, maxCount: number, filter: AllFilter | undefined): Promise<AllPage> {
    // read_all_page (migration 0007): the same query as a function that can only walk the
    // `$all` index (a planner left to itself sorted the whole rest of the log per page).
    const result = await this.pool.query<PageRow & { watermark: string }>({
      name: 'event_store_read_all_page',
      text: 'select * from read_all_page($1::text::xid8, $2, $3, $4, $5, $6)',
      values: [after.commit.toString(), after.prepare.toString(), maxCount, ...filterPatterns(filter)],
    });
    const rows = result.rows;
    return {
      watermark: BigInt(rows[0]!.watermark),
      events: rows.filter((row) => row.event_id !== null).map((row) => pageRowToRecorded(row, this.upcasters)),
    };
  }

  /** @inheritdoc */
  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const source: SubscriptionSource = {
      readPage: (after, maxCount, filter) => this.readPage(after, maxCount, filter),
      heldBack: () => this.heldBack(),
      notifier: this.notifier,
      monitor: this.monitor,
      logger: this.logger,
    };
    const subscription = new PostgresAllSubscription(source, options, this.options.subscriptionTimings);
    this.subscriptions.add(subscription);
    const close = subscription.close.bind(subscription);
    subscription.close = async () => {
      this.subscriptions.delete(subscription);
      await close();
    };
    return subscription;
  }

  /** Are committed events above the watermark (readable once it moves)? One index probe. */
  private async heldBack(): Promise<boolean> {
    const result = await this.pool.query<{ held: boolean }>(
      'select exists (select 1 from events where transaction_id >= (select event_log_watermark())) as held',
    );
    return result.rows[0]!.held;
  }

  /** How far the watermark holds readers back right now (see `WatermarkLag`): the metric. */
  watermarkLag(): Promise<WatermarkLag> {
    return readWatermarkLag(this.pool);
  }

  /** @inheritdoc */
  async getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    const result = await this.pool.query<{ metadata: StoredMetadata; metadata_revision: string; tombstoned: boolean }>(
      'select metadata, metadata_revision, tombstoned from streams where stream_id = $1',
      [streamId],
    );
    const row = result.rows[0];
    if (row?.tombstoned) throw new StreamDeletedError(streamId);
    if (!row || BigInt(row.metadata_revision) < 0n) return { streamId, metadata: {} };
    return { streamId, metadata: fromStoredMetadata(row.metadata), metadataRevision: BigInt(row.metadata_revision) };
  }

  /** @inheritdoc */
  async setStreamMetadata(streamId: string, metadata: StreamMetadata, options: SetStreamMetadataOptions = {}): Promise<{ metadataRevision: bigint }> {
    const expected = options.expectedRevision ?? 'any';
    const result = await this.pool.query<{ status: string; actual_revision: string; metadata_revision: string }>(
      'select * from set_stream_metadata($1, $2, $3)',
      [streamId, encodeExpected(expected).toString(), JSON.stringify(toStoredMetadata(metadata))],
    );
    const row = result.rows[0]!;
    if (row.status === 'deleted') throw new StreamDeletedError(streamId);
    if (row.status === 'wrong-revision') throw new WrongExpectedRevisionError(`$$${streamId}`, expected, decodeActual(expected, row.actual_revision));
    return { metadataRevision: BigInt(row.metadata_revision) };
  }

  /** @inheritdoc */
  deleteStream(streamId: string, options: DeleteStreamOptions = {}): Promise<void> {
    return this.delete(streamId, options, false);
  }

  /** @inheritdoc */
  tombstoneStream(streamId: string, options: DeleteStreamOptions = {}): Promise<void> {
    return this.delete(streamId, options, true);
  }

  private async delete(streamId: string, options: DeleteStreamOptions, hard: boolean): Promise<void> {
    const expected = options.expectedRevision ?? 'any';
    const result = await this.pool.query<{ status: string; actual_revision: string }>('select * from delete_stream($1, $2, $3)', [
      streamId,
      encodeExpected(expected).toString(),
      hard,
    ]);
    const row = result.rows[0]!;
    if (row.status === 'deleted') throw new StreamDeletedError(streamId);
    if (row.status === 'wrong-revision') throw new WrongExpectedRevisionError(streamId, expected, decodeActual(expected, row.actual_revision));
  }

  /** Ends every subscription and closes the LISTEN connection. The pool stays open (it is the caller's). */
  async close(): Promise<void> {
    this.signal.stop();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.notifier.close();
  }
}
