import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { START, type NewEvent, type Position } from '../../src/application/ports/event-store.js';
import type { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';

/**
 * The operations the bench compares. Each store operation has a raw baseline doing the
 * same work with plain SQL on the same database: same rows, same JSON, a table with the
 * same columns, defaults and indexes as `events` (`create table … (like events including all)`),
 * but none of the store's guarantees (no expected revision, lock, idempotency, notify).
 */

/** A typical event: an order placed with two lines (≈ 400 bytes of JSON). */
export function sampleEvent(worker: number, i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    data: {
      orderId: `o-${worker}-${i}`,
      customerId: `c-${worker}`,
      lines: [
        { sku: 'BOOK-1', warehouseId: 'izmir', quantity: 1, unitPrice: { minor: 45000, currency: 'TRY' } },
        { sku: 'PEN-7', warehouseId: 'izmir', quantity: 3, unitPrice: { minor: 1250, currency: 'TRY' } },
      ],
      total: { minor: 48750, currency: 'TRY' },
    },
    metadata: {
      tenantId: 'acme',
      actor: 'user:bench',
      correlationId: `corr-${worker}-${i}`,
      causationId: `cmd-${worker}-${i}`,
      occurredAt: '2024-05-01T10:00:00.000+03:00',
    },
  };
}

/** Creates the baseline table, a structural copy of `events`. */
export async function createRawTable(pool: pg.Pool): Promise<void> {
  await pool.query('create table raw_events (like events including all)');
}

const RAW_COLUMNS = 'stream_id, revision, event_id, event_type, tenant_id, data, metadata, occurred_at';

/** Single-event appends through the store, each worker on its own streams with exact expected revisions. */
export function storeSingleAppend(store: PostgresEventStore, label: string) {
  const revisions = new Map<number, bigint>();
  return async (worker: number, i: number): Promise<number> => {
    const previous = revisions.get(worker) ?? -1n;
    const result = await store.appendToStream(`bench-acme:${label}-${worker}`, [sampleEvent(worker, i)], {
      expectedRevision: previous < 0n ? 'no-stream' : previous,
    });
    revisions.set(worker, result.nextExpectedRevision);
    return 1;
  };
}

/** Baseline: one plain `INSERT` of the same row per transaction (autocommit). */
export function rawSingleInsert(pool: pg.Pool, label: string) {
  const revisions = new Map<number, number>();
  return async (worker: number, i: number): Promise<number> => {
    const revision = (revisions.get(worker) ?? -1) + 1;
    revisions.set(worker, revision);
    const e = sampleEvent(worker, i);
    await pool.query(`insert into raw_events (${RAW_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      `bench-acme:${label}-${worker}`,
      revision,
      e.eventId,
      e.type,
      e.metadata.tenantId,
      JSON.stringify(e.data),
      JSON.stringify(e.metadata),
      e.metadata.occurredAt,
    ]);
    return 1;
  };
}

/** Appends of `size` events through the store. */
export function storeBatchAppend(store: PostgresEventStore, label: string, size: number) {
  const revisions = new Map<number, bigint>();
  return async (worker: number, i: number): Promise<number> => {
    const previous = revisions.get(worker) ?? -1n;
    const events = Array.from({ length: size }, (_, j) => sampleEvent(worker, i * size + j));
    const result = await store.appendToStream(`bench-acme:${label}-${worker}`, events, { expectedRevision: previous < 0n ? 'no-stream' : previous });
    revisions.set(worker, result.nextExpectedRevision);
    return size;
  };
}

/** Baseline: `INSERT … SELECT FROM unnest(…)` of the same `size` rows, one statement. */
export function rawBatchInsert(pool: pg.Pool, label: string, size: number) {
  const revisions = new Map<number, number>();
  return async (worker: number, i: number): Promise<number> => {
    const first = (revisions.get(worker) ?? -1) + 1;
    revisions.set(worker, first + size - 1);
    const events = Array.from({ length: size }, (_, j) => sampleEvent(worker, i * size + j));
    await pool.query(
      `insert into raw_events (${RAW_COLUMNS})
       select * from unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::timestamptz[])`,
      [
        events.map(() => `bench-acme:${label}-${worker}`),
        events.map((_, j) => first + j),
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.metadata.tenantId),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        events.map((e) => e.metadata.occurredAt),
      ],
    );
    return size;
  };
}

/** Reads all of `$all` through `readAll` in pages of `pageSize`. @returns events read */
export async function storeReadAll(store: PostgresEventStore, pageSize: number): Promise<number> {
  let after: Position = START;
  let total = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    total += page.length;
    if (page.length < pageSize) return total;
    after = page.at(-1)!.position;
  }
}

/** Baseline: plain `SELECT` of the same columns from `events`, ordered and paged by `global_position`. */
export async function rawReadAll(pool: pg.Pool, pageSize: number): Promise<number> {
  let after = '0';
  let total = 0;
  for (;;) {
    const result = await pool.query<{ global_position: string }>(
      `select global_position, transaction_id::text as commit_id, stream_id, revision, event_id, event_type, data, metadata, recorded_at, schema_version
       from events where global_position > $1 order by global_position limit $2`,
      [after, pageSize],
    );
    total += result.rows.length;
    if (result.rows.length < pageSize) return total;
    after = result.rows.at(-1)!.global_position;
  }
}
