import {
  ANY,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type EventData,
  type Filter,
  type Position as EsdbPosition,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type StreamMetadata as EsdbStreamMetadata,
} from '@eventstore/db-client';
import type { AllFilter, ExpectedRevision, NewEvent, Position, RecordedEvent, StreamMetadata } from '../../../application/ports/event-store.js';
import type { Upcasters } from '../upcasters.js';

/**
 * Mapping between the port and `@eventstore/db-client` (v6).
 *
 * - Revisions are the same bigint; positions are the same `{ commit, prepare }` pair
 *   (the port's shape is EventStoreDB's), `START` (0/0) is the client's `START`.
 * - Event metadata is JSON: `tenantId`, `actor`, `$correlationId`, `$causationId` (the
 *   server's own correlation fields), `occurredAt`, `schemaVersion`. `recordedAt` is the
 *   server's `created`.
 */

/** The port's expected revision as the client's. */
export function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
      return expected;
  }
}

/** A position to start a read or subscription at (`START` for 0/0). */
export function toReadPosition(position: Position): ReadPosition {
  return position.commit === 0n && position.prepare === 0n ? ESDB_START : { commit: position.commit, prepare: position.prepare };
}

/** The client's position as the port's. */
export function fromEsdbPosition(position: EsdbPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

/** The JSON metadata stored with each event. */
interface EsdbEventMetadata {
  tenantId: string;
  actor: string;
  $correlationId: string;
  $causationId: string;
  occurredAt: string;
  schemaVersion: number;
}

/** A new event as the client's JSON event, its id kept (idempotency relies on it). */
export function toEventData(event: NewEvent, schemaVersion: number): EventData {
  const metadata: EsdbEventMetadata = {
    tenantId: event.metadata.tenantId,
    actor: event.metadata.actor,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
    occurredAt: event.metadata.occurredAt,
    schemaVersion,
  };
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: { ...metadata } });
}

/** Is this one of the server's own events (`$`-prefixed type: metadata, tombstones, statistics)? */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * A recorded event as the port's, upcast to the current schema version.
 * @throws TypeError when the event is not JSON (this store writes JSON only)
 * @throws UpcastError when its version cannot be upcast
 */
export function fromEsdbEvent(event: EsdbRecordedEvent, upcasters: Upcasters): RecordedEvent {
  if (!event.isJson) throw new TypeError(`event ${event.id} in ${event.streamId} is not JSON`);
  const m = (event.metadata ?? {}) as Partial<EsdbEventMetadata>;
  const stored = { data: event.data as Record<string, unknown>, schemaVersion: typeof m.schemaVersion === 'number' ? m.schemaVersion : 1 };
  const { data, schemaVersion } = upcasters.upcast(event.type, stored);
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position ? fromEsdbPosition(event.position) : { commit: 0n, prepare: 0n },
    eventId: event.id,
    type: event.type,
    data,
    metadata: {
      tenantId: String(m.tenantId),
      actor: String(m.actor),
      correlationId: String(m.$correlationId),
      causationId: String(m.$causationId),
      occurredAt: String(m.occurredAt),
      recordedAt: event.created.toISOString(),
    },
    schemaVersion,
  };
}

/** Does the event pass the filter (every list given)? */
export function matchesFilter(event: { type: string; streamId: string }, filter: AllFilter | undefined): boolean {
  const exact = filter?.eventTypes;
  const types = filter?.eventTypePrefixes;
  const streams = filter?.streamPrefixes;
  if (exact?.length && !exact.includes(event.type)) return false;
  if (types?.length && !types.some((p) => event.type.startsWith(p))) return false;
  if (streams?.length && !streams.some((p) => event.streamId.startsWith(p))) return false;
  return true;
}

/**
 * The server-side filter of a subscription: the exact event types when given (a regex
 * `^(?:A|B)$`), else the event-type prefixes, else the stream prefixes, else "exclude
 * system events". (The server takes one filter; the other lists given are applied
 * client-side by `matchesFilter`.)
 */
export function toServerFilter(filter: AllFilter | undefined, checkpointReached?: (position: Position) => void | Promise<void>): Filter {
  const options = {
    checkpointInterval: 1,
    ...(checkpointReached ? { checkpointReached: (_s: unknown, p: EsdbPosition) => checkpointReached(fromEsdbPosition(p)) } : {}),
  };
  if (filter?.eventTypes?.length) {
    const names = filter.eventTypes.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return eventTypeFilter({ ...options, regex: `^(?:${names.join('|')})$` });
  }
  if (filter?.eventTypePrefixes?.length) return eventTypeFilter({ ...options, prefixes: [...filter.eventTypePrefixes] });
  if (filter?.streamPrefixes?.length) return streamNameFilter({ ...options, prefixes: [...filter.streamPrefixes] });
  return excludeSystemEvents(options);
}

/** Port stream metadata as the client's (custom keys spread at the top level, as the server keeps them). */
export function toEsdbMetadata(metadata: StreamMetadata): EsdbStreamMetadata {
  return {
    ...(metadata.custom ?? {}),
    ...(metadata.maxAge !== undefined ? { maxAge: metadata.maxAge } : {}),
    ...(metadata.maxCount !== undefined ? { maxCount: metadata.maxCount } : {}),
    ...(metadata.truncateBefore !== undefined ? { truncateBefore: Number(metadata.truncateBefore) } : {}),
  };
}

const SYSTEM_METADATA_KEYS = new Set(['maxAge', 'maxCount', 'truncateBefore', 'cacheControl', 'acl']);

/** The client's stream metadata as the port's (`acl` and `cacheControl` are dropped). */
export function fromEsdbMetadata(metadata: EsdbStreamMetadata | undefined): StreamMetadata {
  if (!metadata) return {};
  const custom = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SYSTEM_METADATA_KEYS.has(key)));
  const tb = metadata.truncateBefore;
  return {
    ...(typeof metadata.maxAge === 'number' ? { maxAge: metadata.maxAge } : {}),
    ...(typeof metadata.maxCount === 'number' ? { maxCount: metadata.maxCount } : {}),
    ...(typeof tb === 'number' ? { truncateBefore: BigInt(tb) } : {}),
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
  };
}
