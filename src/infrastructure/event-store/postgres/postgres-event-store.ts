import type pg from 'pg';
import {
  WrongExpectedRevisionError,
  START,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../../../application/ports/event-store.js';

/** Encodes an expected revision for `append_events` (see migration 0001). */
function encodeExpected(expected: ExpectedRevision): bigint {
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

interface EventRow {
  global_position: string;
  commit_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const SELECT_EVENT = `
  select global_position, transaction_id::text as commit_id, stream_id, revision, event_id,
         event_type, data, metadata, recorded_at
  from events`;

function toRecorded(row: EventRow): RecordedEvent {
  const m = row.metadata;
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.commit_id), prepare: BigInt(row.global_position) },
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: {
      tenantId: String(m.tenantId),
      actor: String(m.actor),
      correlationId: String(m.correlationId),
      causationId: String(m.causationId),
      occurredAt: String(m.occurredAt),
      recordedAt: row.recorded_at.toISOString(),
    },
  };
}

/**
 * The PostgreSQL event store (schema: migration 0001-event-store).
 *
 * One append is one call of `append_events` in its own implicit transaction: one round
 * trip, all-or-nothing. Reads of `$all` are gap-safe by the transaction-id watermark
 * described in the migration.
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly pool: pg.Pool) {}

  /** @inheritdoc */
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const tenants = new Set(events.map((e) => e.metadata.tenantId));
    if (tenants.size !== 1) throw new Error('all events of one append must belong to one tenant');
    const result = await this.pool.query<{
      ok: boolean;
      actual_revision: string;
      last_revision: string;
      last_position: string | null;
      commit_id: string | null;
    }>('select * from append_events($1, $2, $3, $4, $5, $6, $7, $8)', [
      streamId,
      encodeExpected(options.expectedRevision).toString(),
      events[0]!.metadata.tenantId,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      events.map((e) => e.metadata.occurredAt),
    ]);
    const row = result.rows[0]!;
    if (!row.ok) {
      const actual = BigInt(row.actual_revision);
      throw new WrongExpectedRevisionError(streamId, options.expectedRevision, actual < 0n ? 'no-stream' : actual);
    }
    return {
      streamId,
      nextExpectedRevision: BigInt(row.last_revision),
      position: { commit: BigInt(row.commit_id!), prepare: BigInt(row.last_position!) },
    };
  }

  /** @inheritdoc */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENT} where stream_id = $1 and revision >= $2 order by revision limit $3`,
      [streamId, (options.fromRevision ?? 0n).toString(), options.maxCount ?? null],
    );
    return result.rows.map(toRecorded);
  }

  /** @inheritdoc */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENT}
       where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         and (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
       order by transaction_id, global_position
       limit $3`,
      [after.commit.toString(), after.prepare.toString(), options.maxCount],
    );
    return result.rows.map(toRecorded);
  }
}
