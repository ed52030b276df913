import type { AllStreamSubscription } from '@eventstore/db-client';
import type { Logger } from 'pino';
import {
  START,
  comparePositions,
  type AllSubscription,
  type Position,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../../../application/ports/event-store.js';
import type { Upcasters } from '../upcasters.js';
import { isTransientEsdbError } from './errors.js';
import { fromEsdbEvent, fromEsdbPosition, isSystemEvent, matchesFilter } from './mapping.js';

/** Opens the client's subscription strictly after `after`; `onCheckpoint` receives its checkpoints. */
export type OpenEsdbSubscription = (after: Position, onCheckpoint: (position: Position) => void) => AllStreamSubscription;

/**
 * A catch-up subscription to `$all` on EventStoreDB that survives drops.
 *
 * - Pull-based: it iterates the client's Readable with `for await`, so gRPC flow control
 *   pauses the server when the consumer is slow (bounded buffer).
 * - Resubscribes, with a doubling delay (100 ms … 10 s), from the position of the last
 *   event it yielded when the call fails with a transient error (`isTransientEsdbError`)
 *   or the server ends it; events at or before that position are dropped, so none is
 *   yielded twice. Other errors end the iteration.
 * - Filtered subscriptions report the server's checkpoints through `onCheckpoint`, but
 *   only once an event after the checkpoint arrives: by then every event before it has
 *   been taken by the consumer, so persisting it can never skip one.
 */
export class EsdbAllSubscription implements AllSubscription {
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private started = false;

  constructor(
    private readonly open: OpenEsdbSubscription,
    private readonly upcasters: Upcasters,
    private readonly options: SubscribeToAllOptions,
    private readonly logger: Logger | undefined,
  ) {}

  /** @inheritdoc */
  async close(): Promise<void> {
    this.closed = true;
    await this.current?.unsubscribe().catch(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.started) throw new Error('a subscription can be iterated once');
    this.started = true;
    return this.events();
  }

  private async *events(): AsyncGenerator<RecordedEvent, void, undefined> {
    const { filter, onCheckpoint } = this.options;
    let checkpoint: Position = this.options.after ?? START;
    let pending: Position | undefined;
    let delay = 0;
    while (!this.closed) {
      const subscription = this.open(checkpoint, (p) => {
        if (!pending || comparePositions(p, pending) > 0) pending = p;
      });
      this.current = subscription;
      try {
        for await (const resolved of subscription) {
          const event = resolved.event;
          if (!event) continue;
          delay = 0;
          const position = fromEsdbPosition(event.position);
          if (pending && comparePositions(pending, position) < 0) {
            const safe = pending;
            pending = undefined;
            if (onCheckpoint && comparePositions(safe, checkpoint) > 0) {
              checkpoint = safe;
              await onCheckpoint(safe);
            }
          }
          if (comparePositions(position, checkpoint) <= 0) continue;
          if (isSystemEvent(event) || !matchesFilter(event, filter)) continue;
          checkpoint = position;
          yield fromEsdbEvent(event, this.upcasters);
          if (this.closed) return;
        }
        if (this.closed) return;
        this.logger?.warn({ after: `${checkpoint.commit}/${checkpoint.prepare}` }, 'EventStoreDB subscription ended by the server; resubscribing');
      } catch (error) {
        if (this.closed) return;
        if (!isTransientEsdbError(error)) throw error;
        this.logger?.warn({ err: error, after: `${checkpoint.commit}/${checkpoint.prepare}` }, 'EventStoreDB subscription dropped; resubscribing from checkpoint');
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
      delay = Math.min(Math.max(delay * 2, 100), 10_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
