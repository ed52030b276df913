import type { Logger } from 'pino';
import {
  EventStoreClosedError,
  START,
  comparePositions,
  type AllFilter,
  type AllSubscription,
  type Position,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../../../application/ports/event-store.js';
import { checkCount } from '../port-checks.js';
import type { AppendNotifier } from './notifier.js';
import type { WatermarkMonitor } from './watermark.js';

/** One page of `$all` and the watermark (xmin) of the snapshot it was read in. */
export interface AllPage {
  readonly events: RecordedEvent[];
  readonly watermark: bigint;
}

/** What a subscription needs from the PostgreSQL store. */
export interface SubscriptionSource {
  readPage(after: Position, maxCount: number, filter: AllFilter | undefined): Promise<AllPage>;
  /** Are committed events waiting above the watermark (readable once it moves)? */
  heldBack(): Promise<boolean>;
  readonly notifier: AppendNotifier;
  readonly monitor: WatermarkMonitor;
  readonly logger: Logger | undefined;
}

/** Timings of the live phase, in ms. */
export interface SubscriptionTimings {
  /** Fallback poll while idle, for a missed notification (default 5000). */
  readonly idlePollMs: number;
  /** First retry delay while events are held back by the watermark; doubles up to `heldBackMaxMs` (default 5). */
  readonly heldBackMinMs: number;
  readonly heldBackMaxMs: number;
}

const DEFAULT_TIMINGS: SubscriptionTimings = { idlePollMs: 5000, heldBackMinMs: 5, heldBackMaxMs: 500 };

/**
 * A pull-based catch-up subscription over the PostgreSQL store.
 *
 * Catch-up reads pages of `pageSize` strictly after the checkpoint, one page at a time,
 * only when the consumer has taken the previous page's events (bounded memory). When a
 * read comes back empty it goes live: if committed events are held back by the watermark
 * it retries with a short doubling delay (and reports the lag to the monitor, which
 * warns); otherwise it sleeps until `append_events`' `NOTIFY` arrives (or a slow fallback
 * poll): no query runs while nothing is appended. LISTEN connection errors degrade to
 * that slow poll; a failing read ends the iteration with the error (resubscribe from your
 * checkpoint), and so does the store's `close()` for a subscription it did not end
 * itself (one opened after the close): `EventStoreClosedError`, before any read.
 */
export class PostgresAllSubscription implements AllSubscription {
  private readonly abort = new AbortController();
  private readonly pageSize: number;
  private readonly timings: SubscriptionTimings;
  private running = false;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscribeToAllOptions = {},
    timings: Partial<SubscriptionTimings> = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    checkCount('pageSize', this.pageSize, 1);
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.abort.abort();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.running) throw new Error('a subscription can be iterated once');
    this.running = true;
    return this.events();
  }

  private async *events(): AsyncGenerator<RecordedEvent, void, undefined> {
    const { source, options, abort } = this;
    const filtered = Boolean(options.filter?.eventTypes?.length || options.filter?.eventTypePrefixes?.length || options.filter?.streamPrefixes?.length);
    let checkpoint = options.after ?? START;
    let heldBackDelay = 0;
    while (!abort.signal.aborted) {
      const since = await this.listen();
      if (abort.signal.aborted) return;
      const page = await source.readPage(checkpoint, this.pageSize, options.filter);
      for (const event of page.events) {
        if (abort.signal.aborted) return;
        checkpoint = event.position;
        yield event;
      }
      if (abort.signal.aborted) return;
      if (filtered && options.onCheckpoint && page.events.length < this.pageSize) {
        // Everything below the snapshot's watermark was scanned: (watermark, 0) is safe.
        const scanned: Position = { commit: page.watermark, prepare: 0n };
        if (comparePositions(scanned, checkpoint) > 0) {
          checkpoint = scanned;
          await options.onCheckpoint(scanned);
        }
      }
      if (page.events.length === this.pageSize) continue;
      if (page.events.length > 0) {
        heldBackDelay = 0;
        continue;
      }
      if (await source.heldBack()) {
        void source.monitor.check();
        heldBackDelay = Math.min(Math.max(heldBackDelay * 2, this.timings.heldBackMinMs), this.timings.heldBackMaxMs);
        await source.notifier.wait(Number.MAX_SAFE_INTEGER, heldBackDelay, abort.signal);
      } else {
        heldBackDelay = 0;
        await source.notifier.wait(since, this.timings.idlePollMs, abort.signal);
      }
    }
  }

  /**
   * Makes sure the LISTEN connection is up; returns the notification sequence to wait from.
   * @throws EventStoreClosedError when the store is closed (nothing could wake a wait)
   */
  private async listen(): Promise<number> {
    const { notifier, logger } = this.source;
    try {
      await notifier.listen();
    } catch (error) {
      if (error instanceof EventStoreClosedError) throw error;
      logger?.warn({ err: error }, 'event store: cannot LISTEN for appends; subscriptions poll slowly until it works');
    }
    return notifier.sequence;
  }
}
