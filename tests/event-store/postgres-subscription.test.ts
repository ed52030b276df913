/**
 * PostgreSQL-specific subscription behaviour: no queries while idle (LISTEN/NOTIFY),
 * pull-based paging (bounded memory), and the watermark's failure mode made visible
 * (metric and warn log line) while readers wait rather than skip.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { START, type Position, type RecordedEvent } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { newEvent } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { countingPool } from '../support/counting-pool.js';


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function nextWithin(iterator: AsyncIterator<RecordedEvent>, ms: number): Promise<RecordedEvent | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([iterator.next(), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  clearTimeout(timer);
  if (result === 'timeout') return result;
  assert.equal(result.done, false);
  return result.value;
}

describe('PostgreSQL subscriptions', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(20);
  });
  after(() => database.drop());

  it('runs no query while idle and wakes on NOTIFY when an append commits', async () => {
    const counted = countingPool(database.pool);
    const store = new PostgresEventStore(counted.pool);
    await store.appendToStream('idle-acme:1', [newEvent('Before')], { expectedRevision: 'any' });
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['idle-acme:'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    assert.equal(((await nextWithin(iterator, 2000)) as RecordedEvent).type, 'Before');
    const pending = nextWithin(iterator, 10_000);
    await sleep(300); // let it go idle
    // Idle means 0 queries in 1.5 s; up to 3 windows, so that a read still in flight on a
    // slow machine when the first one opens does not decide it.
    let queries = -1;
    for (let window = 0; window < 3 && queries !== 0; window++) {
      const before = counted.count();
      await sleep(1500);
      queries = counted.count() - before;
    }
    assert.equal(queries, 0, 'the idle subscription queried the database');
    const t0 = Date.now();
    await store.appendToStream('idle-acme:1', [newEvent('After')], { expectedRevision: 0n });
    const live = await pending;
    assert.notEqual(live, 'timeout');
    assert.equal((live as RecordedEvent).type, 'After');
    assert.ok(Date.now() - t0 < 1000, `live event took ${Date.now() - t0} ms`);
    await subscription.close();
    assert.equal((await iterator.next()).done, true);
    await store.close();
  });

  it('reads the next page only when the consumer asks (bounded memory)', async () => {
    const seed = new PostgresEventStore(database.pool);
    for (let i = 0; i < 10; i++) {
      await seed.appendToStream(`page-acme:${i}`, Array.from({ length: 100 }, (_, j) => newEvent('Paged', { i, j })), { expectedRevision: 'no-stream' });
    }
    const counted = countingPool(database.pool);
    const store = new PostgresEventStore(counted.pool);
    const subscription = store.subscribeToAll({ pageSize: 10, filter: { streamPrefixes: ['page-acme:'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    for (let i = 0; i < 25; i++) await iterator.next();
    await sleep(200); // a push-based reader would keep fetching here
    assert.equal(counted.count(), 3, 'pages read for 25 events of pageSize 10');
    await subscription.close();
    await store.close();
  });

  it('reports the checkpoint a sparse filter has scanned past', async () => {
    const store = new PostgresEventStore(database.pool);
    const first = await store.appendToStream('sparse-acme:1', [newEvent('Wanted')], { expectedRevision: 'any' });
    await store.appendToStream('sparse-acme:2', Array.from({ length: 5 }, () => newEvent('Noise')), { expectedRevision: 'any' });
    const checkpoints: Position[] = [];
    const subscription = store.subscribeToAll({
      filter: { eventTypePrefixes: ['Wanted'] },
      onCheckpoint: (p) => {
        checkpoints.push(p);
      },
    });
    const iterator = subscription[Symbol.asyncIterator]();
    assert.equal(((await nextWithin(iterator, 2000)) as RecordedEvent).eventId !== undefined, true);
    const pending = nextWithin(iterator, 400);
    assert.equal(await pending, 'timeout');
    assert.ok(checkpoints.length > 0, 'no checkpoint reported');
    const last = checkpoints.at(-1)!;
    assert.ok(last.commit > first.position.commit, 'the checkpoint did not move past the noise');
    const resumed = await store.readAll({ after: last, maxCount: 10, filter: { eventTypePrefixes: ['Noise', 'Wanted'] } });
    assert.deepEqual(resumed, [], 'resuming after the checkpoint would re-read scanned events');
    await subscription.close();
    await store.close();
  });

  it('waits behind a long-open transaction, exposes the lag as a metric and a warn line, never skips', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const store = new PostgresEventStore(database.pool, { logger, watermarkWarnMs: 200 });
    const start = (await store.readAll({ after: START, maxCount: 100_000 })).at(-1)?.position ?? START;
    const subscription = store.subscribeToAll({ after: start });
    const iterator = subscription[Symbol.asyncIterator]();

    const slow = await database.pool.connect();
    const slowEvent = newEvent('SlowCommit');
    let firstNext: Promise<IteratorResult<RecordedEvent>> = Promise.resolve({ done: true, value: undefined });
    try {
      await slow.query('begin');
      await slow.query('select * from append_events($1, -2, $2, $3, $4, $5, $6, $7)', [
        'lag-acme:slow', 'acme', [slowEvent.eventId], ['SlowCommit'], ['{}'], [JSON.stringify(slowEvent.metadata)], [slowEvent.metadata.occurredAt],
      ]);
      const pid = (await slow.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await store.appendToStream('lag-acme:fast', [newEvent('FastCommit')], { expectedRevision: 'any' });
      firstNext = iterator.next();
      let delivered: RecordedEvent | 'nothing' | undefined = 'nothing';
      void firstNext.then(
        (r) => {
          delivered = r.done ? undefined : r.value;
        },
        () => undefined,
      );
      // Wait (at most 10 s, the machine may be busy) for the warn line; nothing may be delivered meanwhile.
      const warned = () => lines.some((l) => l.includes('"level":40') && l.includes('held back') && l.includes(`pid ${pid}`));
      for (let waited = 0; waited < 10_000 && !warned(); waited += 100) await sleep(100);
      assert.ok(warned(), `no warn line: ${lines.join('')}`);
      assert.equal(delivered, 'nothing', 'an event was delivered past an open transaction');
      // The store's own short transactions may briefly be the oldest of this database.
      let lag = await store.watermarkLag();
      for (let tries = 0; tries < 50 && lag.holder?.pid !== pid; tries++) {
        await sleep(100);
        lag = await store.watermarkLag();
      }
      assert.ok(lag.heldBackEvents >= 1, 'the committed event is not counted as held back');
      assert.ok(lag.oldestHeldBackMs >= 200, `lag ${lag.oldestHeldBackMs} ms`);
      assert.equal(lag.holder?.pid, pid);
      assert.equal(lag.holder.state, 'idle in transaction');
    } finally {
      await slow.query('commit');
      slow.release();
    }
    const first = (await firstNext).value as RecordedEvent;
    const second = (await nextWithin(iterator, 2000)) as RecordedEvent;
    assert.deepEqual([first.type, second.type], ['SlowCommit', 'FastCommit']);
    await subscription.close();
    await store.close();
  });
});
