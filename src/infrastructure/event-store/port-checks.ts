import { DuplicateEventIdError, type NewEvent, type ReadStreamOptions } from '../../application/ports/event-store.js';

/*
 * Checks both adapters (PostgreSQL, EventStoreDB) make before any I/O, so they refuse the
 * same calls with the same errors whatever their server would have said.
 */

/**
 * A `DuplicateEventIdError` for an event id given more than once in one append. Nothing is
 * stored under that id: the append is refused before it reaches the store.
 */
export class EventIdRepeatedInAppendError extends DuplicateEventIdError {
  constructor(streamId: string, eventId: string) {
    super(streamId, eventId);
    this.message = `event id ${eventId} is given more than once in one append to ${streamId}; every event of an append needs its own id`;
  }
}

/**
 * Checks an append's events: at least one, all of one tenant, each event id once.
 * @returns the tenant of the events
 * @throws Error when `events` is empty or mixes tenants
 * @throws EventIdRepeatedInAppendError (a `DuplicateEventIdError`) when an id is given twice
 */
export function checkAppend(streamId: string, events: readonly NewEvent[]): string {
  if (events.length === 0) throw new Error('appendToStream needs at least one event');
  const tenantId = events[0]!.metadata.tenantId;
  if (events.some((e) => e.metadata.tenantId !== tenantId)) throw new Error('all events of one append must belong to one tenant');
  const ids = new Set<string>();
  for (const { eventId } of events) {
    if (ids.has(eventId)) throw new EventIdRepeatedInAppendError(streamId, eventId);
    ids.add(eventId);
  }
  return tenantId;
}

/**
 * Checks a count option (`maxCount` of reads: at least 0; `pageSize` of subscriptions: at least 1).
 * @throws RangeError unless `value` is a safe integer ≥ `min`
 */
export function checkCount(name: string, value: number, min: 0 | 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${value}`);
  }
}

/**
 * Checks `readStream`'s options: `maxCount` a non-negative integer, `fromRevision` ≥ 0 (when given).
 * @throws RangeError otherwise
 */
export function checkReadStream(options: ReadStreamOptions): void {
  if (options.maxCount !== undefined) checkCount('maxCount', options.maxCount, 0);
  if (options.fromRevision !== undefined && options.fromRevision < 0n) throw new RangeError(`fromRevision must be >= 0, got ${options.fromRevision}`);
}
