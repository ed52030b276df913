/**
 * Gap safety under load: 64 concurrent writers append to random streams while a
 * subscriber follows `$all` from the start. Some writers hold their transaction open for
 * a random while after `append_events` (their sequence numbers are taken early, they
 * commit late: the commit-order trap), and some roll back. The subscriber must see every
 * committed event exactly once, no rolled-back one, in increasing positions, and each
 * stream's events in revision order.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { comparePositions, type RecordedEvent } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { newEvent } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const WRITERS = 64;
const APPENDS_PER_WRITER = 30;
const STREAMS = 200;

describe('PostgreSQL event store: gap safety under 64 concurrent writers', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase(WRITERS + 8);
    store = new PostgresEventStore(database.pool, { subscriptionTimings: { idlePollMs: 1000 } });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('delivers every committed event exactly once, in revision order per stream', { timeout: 60_000 }, async () => {
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    const subscription = store.subscribeToAll({ pageSize: 100 });
    const seen: RecordedEvent[] = [];
    let writing = true;
    const reader = (async () => {
      for await (const event of subscription) {
        seen.push(event);
        if (!writing && seen.length >= committed.size) break;
      }
    })();

    const started = Date.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < APPENDS_PER_WRITER; i++) {
          const streamId = `stress-acme:${randomInt(STREAMS)}`;
          const batch = Array.from({ length: 1 + randomInt(3) }, () => newEvent('Stressed', { w, i }));
          const mode = randomInt(10);
          if (mode < 7) {
            await store.appendToStream(streamId, batch, { expectedRevision: 'any' });
            for (const e of batch) committed.add(e.eventId);
            continue;
          }
          // An explicit transaction: append, hold it open a while, then commit (or roll back).
          const client = await database.pool.connect();
          try {
            await client.query('begin');
            await client.query('select * from append_events($1, -2, $2, $3, $4, $5, $6, $7)', [
              streamId,
              'acme',
              batch.map((e) => e.eventId),
              batch.map((e) => e.type),
              batch.map((e) => JSON.stringify(e.data)),
              batch.map((e) => JSON.stringify(e.metadata)),
              batch.map((e) => e.metadata.occurredAt),
            ]);
            await new Promise((resolve) => setTimeout(resolve, randomInt(1, 25)));
            if (mode === 9) {
              await client.query('rollback');
              for (const e of batch) rolledBack.add(e.eventId);
            } else {
              await client.query('commit');
              for (const e of batch) committed.add(e.eventId);
            }
          } finally {
            client.release();
          }
        }
      }),
    );
    writing = false;
    const wroteMs = Date.now() - started;
    // Wake the reader if it is idle, in case it has already seen everything.
    await store.appendToStream('stress-acme:last', [newEvent('Last')], { expectedRevision: 'no-stream' }).then((r) => {
      committed.add('last');
      return r;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reader, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('subscriber did not catch up in 30 s')), 30_000)))]);
    clearTimeout(timer);
    await subscription.close();

    const ids = seen.filter((e) => e.type !== 'Last').map((e) => e.eventId);
    const unique = new Set(ids);
    const expected = new Set([...committed].filter((id) => id !== 'last'));
    const skipped = [...expected].filter((id) => !unique.has(id));
    const duplicated = ids.length - unique.size;
    console.log(
      `stress: ${WRITERS} writers, ${expected.size} committed events (${rolledBack.size} rolled back) in ${wroteMs} ms; ` +
        `subscriber saw ${ids.length}: ${skipped.length} skipped, ${duplicated} duplicated`,
    );
    assert.equal(skipped.length, 0, 'the subscriber skipped committed events');
    assert.equal(duplicated, 0, 'the subscriber saw an event twice');
    assert.equal(ids.filter((id) => rolledBack.has(id)).length, 0, 'the subscriber saw a rolled-back event');
    assert.equal(unique.size, expected.size);
    for (let i = 1; i < seen.length; i++) assert.equal(comparePositions(seen[i - 1]!.position, seen[i]!.position), -1, 'positions not increasing');
    const lastRevision = new Map<string, bigint>();
    for (const e of seen) {
      const previous = lastRevision.get(e.streamId) ?? -1n;
      assert.equal(e.revision, previous + 1n, `${e.streamId} out of revision order`);
      lastRevision.set(e.streamId, e.revision);
    }
  });
});
