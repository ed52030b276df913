import type { EventStore, Position, RecordedEvent } from '../application/ports/event-store.js';

/**
 * Where projectors get events: up to `max` events of `$all` strictly after `after`, in
 * `$all` order (empty when caught up). Pull-based on purpose: each batch reads from the
 * checkpoint it read inside its own transaction (another instance may have moved it).
 * Waiting while caught up is not the source's job: the projector sleeps in
 * `waitForEvent` (a one-event catch-up subscription, woken by the store's append
 * signal) and then reads the next batch from its source.
 */
export type EventSource = (after: Position, max: number) => Promise<RecordedEvent[]>;

/**
 * The event source over `store.readAll` pages; with `types`, only events of those types
 * (a server-side filter: a rebuild then reads only what its projections apply). A
 * filtered source leaves a checkpoint at the last matching event, so the live projector
 * reads unfiltered (its checkpoint must pass every position a query may wait for).
 */
export function readAllSource(store: EventStore, types?: Iterable<string>): EventSource {
  const eventTypes = types ? [...new Set(types)] : [];
  if (eventTypes.length === 0) return (after, max) => store.readAll({ after, maxCount: max });
  return (after, max) => store.readAll({ after, maxCount: max, filter: { eventTypes } });
}
