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

/**
 * A stored row as a `RecordedEvent`, its data upcast to the current schema version.
 * @throws UpcastError when the row's version cannot be upcast
 */
export function toRecorded(row: EventRow, upcasters: Upcasters): RecordedEvent {
  const m = row.metadata;
  const { data, schemaVersion } = upcasters.upcast(row.event_type, { data: row.data, schemaVersion: row.schema_version });
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.commit_id), prepare: BigInt(row.global_position) },
    eventId: row.event_id,
    type: row.event_type,
    data,
    metadata: {
      tenantId: String(m.tenantId),
      actor: String(m.actor),
      correlationId: String(m.correlationId),
      causationId: String(m.causationId),
      occurredAt: String(m.occurredAt),
      recordedAt: row.recorded_at.toISOString(),
    },
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

/** `'no-stream'` for −1, else the revision: the `actual` of `WrongExpectedRevisionError`. */
export function decodeActual(actual: string | bigint): bigint | 'no-stream' {
  const value = BigInt(actual);
  return value < 0n ? 'no-stream' : value;
}

/** A prefix as a `LIKE` pattern (`\`, `%` and `_` escaped; `\` is LIKE's default escape). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL conditions (on alias `e`) for a filter, with their parameters numbered from
 * `firstParam`. Empty when the filter filters nothing.
 */
export function filterSql(filter: AllFilter | undefined, firstParam: number): { sql: string; params: string[][] } {
  const clauses: string[] = [];
  const params: string[][] = [];
  const add = (column: string, prefixes: readonly string[] | undefined) => {
    if (!prefixes || prefixes.length === 0) return;
    params.push(prefixes.map(likePrefix));
    clauses.push(`and ${column} like any($${firstParam + params.length - 1}::text[])`);
  };
  add('e.event_type', filter?.eventTypePrefixes);
  add('e.stream_id', filter?.streamPrefixes);
  return { sql: clauses.join(' '), params };
}
