import type { AllFilter, ExpectedRevision, RecordedEvent } from '../../../application/ports/event-store.js';
import type { Upcasters } from '../upcasters.js';

/** A row of `events` as the store's queries select it (int8 and xid8 as decimal text). */
export interface EventRow {
  global_position: string;
  commit_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  schema_version: number;
}

/** The columns of `EventRow`, qualified by alias `e`. */
export const EVENT_COLUMNS = `
  e.global_position, e.transaction_id::text as commit_id, e.stream_id, e.revision, e.event_id,
  e.event_type, e.data, e.metadata, e.recorded_at, e.schema_version`;

/** A row of `read_all_page` (migration 0007): the metadata as the fields a `RecordedEvent` keeps, `recorded_at` in ISO 8601. */
export interface PageRow extends Omit<EventRow, 'metadata' | 'recorded_at'> {
  recorded_at: string;
  tenant_id: string;
  actor: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  occurred_at: string | null;
}

/**
 * A stored row as a `RecordedEvent`, its data upcast to the current schema version.
 * @throws UpcastError when the row's version cannot be upcast
 */
export function toRecorded(row: EventRow, upcasters: Upcasters): RecordedEvent {
  const m = row.metadata;
  return recorded(row, upcasters, String(m.tenantId), String(m.actor), String(m.correlationId), String(m.causationId), String(m.occurredAt), row.recorded_at.toISOString());
}

/**
 * A `read_all_page` row as a `RecordedEvent`, the same as `toRecorded` of the full row.
 * @throws UpcastError when the row's version cannot be upcast
 */
export function pageRowToRecorded(row: PageRow, upcasters: Upcasters): RecordedEvent {
  // String(undefined) as toRecorded gives for a missing field (SQL null).
  const text = (v: string | null) => v ?? 'undefined';
  return recorded(row, upcasters, row.tenant_id, text(row.actor), text(row.correlation_id), text(row.causation_id), text(row.occurred_at), row.recorded_at);
}

function recorded(
  row: Omit<EventRow, 'metadata' | 'recorded_at'>,
  upcasters: Upcasters,
  tenantId: string,
  actor: string,
  correlationId: string,
  causationId: string,
  occurredAt: string,
  recordedAt: string,
): RecordedEvent {
  const { data, schemaVersion } = upcasters.upcast(row.event_type, { data: row.data, schemaVersion: row.schema_version });
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.commit_id), prepare: BigInt(row.global_position) },
    eventId: row.event_id,
    type: row.event_type,
    data,
    metadata: { tenantId, actor, correlationId, causationId, occurredAt, recordedAt },
    schemaVersion,
  };
}

/**
 * An expected revision as the SQL functions take it: ≥ 0 exact, −1 no stream, −2 any,
 * −3 stream exists (see migration 0003).
 * @throws RangeError for a negative bigint
 */
export function encodeExpected(expected: ExpectedRevision): bigint {
  switch (expected) {
    case 'no-stream':
      return -1n;
    case 'any':
      return -2n;
    case 'stream-exists':
      return -3n;
    default:
      if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
      return expected;
  }
}

/**
 * The `actual` of a `WrongExpectedRevisionError` for a refused `expected`, from the SQL
 * function's `actual_revision`: `'no-stream'` for −1, else that revision. `'stream-exists'`
 * is refused only when the stream does not exist for readers: missing, or soft-deleted
 * (which keeps its last revision, but reads empty): `'no-stream'` both times, as for
 * EventStoreDB a soft-deleted stream does not satisfy "stream exists" either.
 */
export function decodeActual(expected: ExpectedRevision, actual: string | bigint): bigint | 'no-stream' {
  const value = BigInt(actual);
  return value < 0n || expected === 'stream-exists' ? 'no-stream' : value;
}

/** A prefix as a `LIKE` pattern (`\`, `%` and `_` escaped; `\` is LIKE's default escape). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A filter as `read_all_page`'s filter arguments (migration 0007): `LIKE` patterns for
 * event types, then for stream ids, then the exact event types; null where the filter
 * does not filter.
 */
export function filterPatterns(filter: AllFilter | undefined): [string[] | null, string[] | null, string[] | null] {
  const patterns = (prefixes: readonly string[] | undefined) => (prefixes && prefixes.length > 0 ? prefixes.map(likePrefix) : null);
  const exact = filter?.eventTypes && filter.eventTypes.length > 0 ? [...filter.eventTypes] : null;
  return [patterns(filter?.eventTypePrefixes), patterns(filter?.streamPrefixes), exact];
}
