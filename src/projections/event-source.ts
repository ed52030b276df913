import type { EventStore, Position, RecordedEvent } from '../application/ports/event-store.js';

/**
 * Where projectors get events: up to `max` events of `$all` strictly after `after`, in
 * `$all` order (empty when caught up). The one place to change when projectors move to
 * `subscribeToAll` (catch-up then live): today it pages `readAll`, and projectors poll
 * it every `idleMs` when caught up.
 */
export type EventSource = (after: Position, max: number) => Promise<RecordedEvent[]>;

/**
 * The event source over `store.readAll` pages; with `types`, only events of those types
 * (a server-side filter: a rebuild then reads only what its projections apply). A
 * filtered source leaves a checkpoint at the last matching event, so the live projector
 * reads unfiltered (its checkpoint must pass every position a query may wait for).
 */
export function readAllSource(store: EventStore, types?: Iterable<string>): EventSource {
  const prefixes = types ? [...new Set(types)] : [];
  if (prefixes.length === 0) return (after, max) => store.readAll({ after, maxCount: max });
  return (after, max) => store.readAll({ after, maxCount: max, filter: { eventTypePrefixes: prefixes } });
}
