import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DuplicateEventIdError,
  START,
  WrongExpectedRevisionError,
  comparePositions,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

function event(type = 'Something', data: object = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      tenantId: 'acme',
      actor: 'user:test',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      occurredAt: '2017-10-02T10:56:33.000-03:00',
    },
  };
}

describe('PostgreSQL event store', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase(80);
    store = new PostgresEventStore(database.pool);
  });
  after(() => database.drop());

  async function readEverything(): Promise<RecordedEvent[]> {
    return store.readAll({ after: START, maxCount: 1_000_000 });
  }

  it('appends to a new stream with no-stream and reads events back with metadata', async () => {
    const e = event('Opened', { a: 1 });
    const result = await store.appendToStream('s-new', [e], { expectedRevision: 'no-stream' });
    assert.equal(result.nextExpectedRevision, 0n);
    const [read] = await store.readStream('s-new');
    assert.ok(read);
    assert.equal(read.eventId, e.eventId);
    assert.equal(read.type, 'Opened');
    assert.deepEqual(read.data, { a: 1 });
    assert.deepEqual(read.position, result.position);
    assert.equal(read.metadata.tenantId, 'acme');
    assert.equal(read.metadata.actor, 'user:test');
    assert.equal(read.metadata.correlationId, 'corr-1');
    assert.equal(read.metadata.causationId, 'cause-1');
    assert.equal(read.metadata.occurredAt, '2017-10-02T10:56:33.000-03:00');
    assert.match(read.metadata.recordedAt, /^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('numbers revisions from 0 across appends and returns the last one', async () => {
    await store.appendToStream('s-rev', [event(), event()], { expectedRevision: 'no-stream' });
    const result = await store.appendToStream('s-rev', [event()], { expectedRevision: 1n });
    assert.equal(result.nextExpectedRevision, 2n);
    assert.deepEqual((await store.readStream('s-rev')).map((e) => e.revision), [0n, 1n, 2n]);
    assert.deepEqual((await store.readStream('s-rev', { fromRevision: 1n, maxCount: 1 })).map((e) => e.revision), [1n]);
  });

  it('rejects a wrong exact revision with the actual revision and writes nothing', async () => {
    await store.appendToStream('s-conflict', [event()], { expectedRevision: 'no-stream' });
    const before = (await readEverything()).length;
    await assert.rejects(
      store.appendToStream('s-conflict', [event(), event()], { expectedRevision: 5n }),
      (error: unknown) => {
        assert.ok(error instanceof WrongExpectedRevisionError);
        assert.equal(error.streamId, 's-conflict');
        assert.equal(error.expected, 5n);
        assert.equal(error.actual, 0n);
        return true;
      },
    );
    assert.equal((await readEverything()).length, before);
    assert.equal((await store.readStream('s-conflict')).length, 1);
  });

  it('enforces no-stream, stream-exists and any', async () => {
    await assert.rejects(store.appendToStream('s-missing', [event()], { expectedRevision: 'stream-exists' }), (e: unknown) => {
      assert.ok(e instanceof WrongExpectedRevisionError);
      assert.equal(e.actual, 'no-stream');
      return true;
    });
    await store.appendToStream('s-forms', [event()], { expectedRevision: 'any' });
    await store.appendToStream('s-forms', [event()], { expectedRevision: 'stream-exists' });
    await assert.rejects(store.appendToStream('s-forms', [event()], { expectedRevision: 'no-stream' }), WrongExpectedRevisionError);
    assert.equal((await store.readStream('s-forms')).length, 2);
  });

  it('refuses an event id stored in another stream, or repeated in one append (DuplicateEventIdError, nothing written)', async () => {
    const e = event('Once');
    await store.appendToStream('s-dup-a', [e], { expectedRevision: 'no-stream' });
    await assert.rejects(store.appendToStream('s-dup-b', [e], { expectedRevision: 'any' }), (error: unknown) => {
      assert.ok(error instanceof DuplicateEventIdError);
      assert.equal(error.eventId, e.eventId);
      return true;
    });
    const twice = event('Twice');
    await assert.rejects(store.appendToStream('s-dup-c', [twice, twice], { expectedRevision: 'any' }), DuplicateEventIdError);
    // Concurrently, into two streams: one wins, the other is refused.
    const raced = event('Raced');
    const outcomes = await Promise.allSettled(['s-dup-d', 's-dup-e'].map((s) => store.appendToStream(s, [raced], { expectedRevision: 'any' })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.ok(outcomes.some((o) => o.status === 'rejected' && o.reason instanceof DuplicateEventIdError));
    assert.deepEqual(await store.readStream('s-dup-b'), []);
    assert.deepEqual(await store.readStream('s-dup-c'), []);
  });

  it('lets exactly one of many concurrent writers with the same expected revision win', async () => {
    await store.appendToStream('s-race', [event()], { expectedRevision: 'no-stream' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.appendToStream('s-race', [event()], { expectedRevision: 0n })),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.ok(outcomes.filter((o) => o.status === 'rejected').every((o) => o.reason instanceof WrongExpectedRevisionError));
    assert.equal((await store.readStream('s-race')).length, 2);
  });

  it('never skips an event that commits after a later-numbered one (gap safety, concurrent writers)', async () => {
    const seen: RecordedEvent[] = [];
    let checkpoint: Position = (await readEverything()).at(-1)?.position ?? START;
    let writing = true;
    const written: string[] = [];

    // A subscriber polling $all in small pages while writers commit. It stops once writing is
    // over and it has as many events as were written, or 10 s after (a skipped event is never
    // read: the assertions below then fail). Not at the first empty page after writing ends:
    // that page may have been read before the last commit.
    const reader = (async () => {
      let deadline = Infinity;
      for (;;) {
        const page = await store.readAll({ after: checkpoint, maxCount: 50 });
        for (const e of page) seen.push(e);
        if (page.length > 0) checkpoint = page.at(-1)!.position;
        else if (!writing && (seen.length >= written.length || Date.now() > deadline)) return;
        else await new Promise((r) => setTimeout(r, 2));
        if (!writing && deadline === Infinity) deadline = Date.now() + 10_000;
      }
    })();

    // A slow transaction: takes its sequence numbers first, commits last.
    const slow = await database.pool.connect();
    await slow.query('begin');
    const slowEvent = event('Slow');
    await slow.query('select * from append_events($1, -2, $2, $3, $4, $5, $6, $7)', [
      'slow-stream', 'acme', [slowEvent.eventId], ['Slow'], ['{}'], [JSON.stringify(slowEvent.metadata)], [slowEvent.metadata.occurredAt],
    ]);

    const writers = 32;
    const appendsPerWriter = 25;
    written.push(slowEvent.eventId);
    let naiveFirst: { global_position: string; event_id: string }[];
    let naiveCheckpoint: string;
    const naive = async (after: string) =>
      (await database.pool.query<{ global_position: string; event_id: string }>(
        'select global_position, event_id from events where global_position > $1 order by global_position', [after],
      )).rows;
    try {
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < appendsPerWriter; i++) {
            const batch = [event('W', { w, i }), event('W', { w, i })];
            await store.appendToStream(`gap-${(w * 7 + i) % 40}`, batch, { expectedRevision: 'any' });
            written.push(...batch.map((e) => e.eventId));
          }
        }),
      );
      // A naive reader paging by global_position alone has, by now, moved past the slow event's number…
      naiveFirst = await naive('0');
      naiveCheckpoint = naiveFirst.at(-1)!.global_position;
    } finally {
      // Never leave the transaction open (it would hold every reader of the server back).
      await slow.query('commit');
      slow.release();
      writing = false;
    }
    await reader;
    // …so it never sees the slow event: the trap is real in this run.
    const naiveSeen = new Set([...naiveFirst, ...(await naive(naiveCheckpoint))].map((r) => r.event_id));
    assert.equal(naiveSeen.has(slowEvent.eventId), false, 'the test did not provoke the commit-order trap');

    const seenIds = seen.map((e) => e.eventId);
    assert.equal(new Set(seenIds).size, seenIds.length, 'an event was delivered twice');
    assert.deepEqual(new Set(seenIds), new Set(written), 'the subscriber missed or invented events');
    // The slow event was numbered before every writer's event and committed after them all.
    const slowRead = seen.find((e) => e.eventId === slowEvent.eventId)!;
    assert.equal(seen.filter((e) => e.position.prepare > slowRead.position.prepare).length, writers * appendsPerWriter * 2);
    for (let i = 1; i < seen.length; i++) assert.equal(comparePositions(seen[i - 1]!.position, seen[i]!.position), -1);
    const lastRevision = new Map<string, bigint>();
    for (const e of seen) {
      const previous = lastRevision.get(e.streamId) ?? -1n;
      assert.equal(e.revision, previous + 1n, `${e.streamId} out of revision order`);
      lastRevision.set(e.streamId, e.revision);
    }
  });
});
