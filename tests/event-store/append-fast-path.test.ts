/**
 * `append_event` (migration 0008), the single-event fast path: its lookups stay on the
 * indexes whatever the table's statistics were when a session planned them, and repeats
 * that take the fallback (`append_events`) still return the original result.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const OCCURRED_AT = '2024-05-01T10:00:00.000+03:00';

function event(type = 'Something'): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data: { n: 1 },
    metadata: { tenantId: 'acme', actor: 'user:test', correlationId: 'corr-1', causationId: 'cause-1', occurredAt: OCCURRED_AT },
  };
}

describe('PostgreSQL event store: single-event fast path', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('never seq-scans events or streams, even when a session plans it on a tiny analyzed table', async () => {
    // A few rows, analyzed: a plan cost-based on these statistics alone would seq-scan
    // (cheaper on a page or two), and PL/pgSQL would keep that plan as the table grows.
    for (let i = 0; i < 3; i++) await store.appendToStream(`tiny-acme:${i}`, [event()], { expectedRevision: 'no-stream' });
    const client = await database.pool.connect();
    try {
      await client.query('analyze events');
      await client.query('analyze streams');
      await client.query('begin');
      const append = (streamId: string, expected: bigint) =>
        client.query('select * from append_event($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
          streamId, expected.toString(), 'acme', randomUUID(), 'Something', '{}', '{}', OCCURRED_AT, 1,
        ]);
      // More than 5 calls: PL/pgSQL switches to a cached generic plan after five.
      for (let i = 0; i < 8; i++) await append(`tiny-acme:${i % 3}`, -2n);
      await append('tiny-acme:0', 0n); // a wrong revision: the fallback's lookups too
      const { rows } = await client.query<{ relname: string; seq_scan: string; idx_scan: string }>(
        "select relname, seq_scan, idx_scan from pg_stat_xact_user_tables where relname in ('events', 'streams') order by relname",
      );
      assert.deepEqual(rows.map((r) => [r.relname, Number(r.seq_scan)]), [['events', 0], ['streams', 0]]);
      assert.ok(Number(rows[0]!.idx_scan) >= 9, 'the appends read events through an index');
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('a repeated single-event append returns the original result, with an exact revision and with any', async () => {
    const s = 'fast-acme:repeat';
    await store.appendToStream(s, [event('A')], { expectedRevision: 'no-stream' });
    const b = event('B');
    const original = await store.appendToStream(s, [b], { expectedRevision: 0n });
    const c = event('C');
    const originalC = await store.appendToStream(s, [c], { expectedRevision: 'any' });
    assert.deepEqual(await store.appendToStream(s, [b], { expectedRevision: 0n }), original);
    assert.deepEqual(await store.appendToStream(s, [c], { expectedRevision: 'any' }), originalC);
    assert.deepEqual((await store.readStream(s)).map((e) => e.type), ['A', 'B', 'C']);
  });

  it('an exact revision past the end of the stream writes nothing (no gap) and names the actual revision', async () => {
    const s = 'fast-acme:ahead';
    await store.appendToStream(s, [event()], { expectedRevision: 'no-stream' });
    await assert.rejects(store.appendToStream(s, [event()], { expectedRevision: 5n }), (error: unknown) => {
      assert.ok(error instanceof WrongExpectedRevisionError);
      assert.equal(error.actual, 0n);
      return true;
    });
    assert.equal((await store.readStream(s)).length, 1);
  });
});
