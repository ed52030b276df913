import { DomainError } from '../../domain/shared/index.js';
import type { EventStore, RecordedEvent } from '../ports/event-store.js';
import { CatchUpLoop, type CatchUpOptions } from './catch-up.js';

/** Options of `settlingSubscriber`: those of its `CatchUpLoop` (the filter is its own), and `onError`. */
export interface SettlingSubscriberOptions extends Omit<CatchUpOptions, 'filter' | 'onError'> {
  /**
   * Told of every failure with the event being handled, if any: an event that can never be
   * settled (a `DomainError`; the subscriber goes on past it), or a pass of `run()` that failed
   * otherwise (it tries again from the checkpoint after a backoff).
   */
  readonly onError?: (error: unknown, event: RecordedEvent | undefined) => void;
}

/**
 * Feeds a process manager that settles what one event starts (a wallet or stock transfer
 * sent, say) from `$all`: a `CatchUpLoop` over the events of `eventType` only (filtered by
 * the store: a log of millions of events is read without shipping the rest), each passed to
 * `settle` at least once, in `$all` order. `catchUp()` reads to the end; `run()` catches up
 * whenever the store signals new events until `stop()`, and outlives failures: a pass that
 * fails (store unreachable, conflicts past the manager's retries) is tried again from the
 * checkpoint after a backoff, so an event is never skipped. Only an event that can never be
 * settled (`settle` throws a `DomainError`) is reported and passed over.
 * @param settle must be idempotent (an event is delivered again after a failed page)
 */
export function settlingSubscriber(
  store: EventStore,
  eventType: string,
  settle: (event: RecordedEvent) => Promise<unknown>,
  options: SettlingSubscriberOptions = {},
): CatchUpLoop {
  const { onError, ...loopOptions } = options;
  let current: RecordedEvent | undefined; // the event being handled, for failure reports
  const handlePage = async (page: readonly RecordedEvent[]) => {
    for (const event of page) {
      current = event;
      try {
        await settle(event);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        onError?.(error, event);
      }
    }
    current = undefined;
  };
  return new CatchUpLoop(store, handlePage, { ...loopOptions, filter: { eventTypes: [eventType] }, onError: (error) => onError?.(error, current) });
}
