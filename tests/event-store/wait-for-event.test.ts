/**
 * `waitForEvent` over the PostgreSQL store: returns the next readable event after a
 * position at once when there is one, wakes on an append's NOTIFY long before its
 * timeout, and returns `undefined` on timeout or abort; once the store is closed, a wait
 * settles at once (rejects with `EventStoreClosedError` when started after the close).
 * Deadlines are generous (10 s against a 60 s timeout): they fail only if the wait
 * merely times out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventStoreClosedError, waitForEvent, type Position, type RecordedEvent } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { newEvent } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const LONG_MS = 60_000;
const DEADLINE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The outcome of `promise`, or `'timeout'` when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  clearTimeout(timer);
  return outcome;
}

describe('waitForEvent (PostgreSQL)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let last: Position;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    last = (await store.appendToStream('wait-acme:1', [newEvent('First')], { expectedRevision: 'any' })).position;
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('given an event after the position, then it returns that event at once', async () => {
    const [first] = await store.readAll({ maxCount: 1 });
    const found = await within(waitForEvent(store, { commit: 0n, prepare: 0n }, LONG_MS), DEADLINE_MS);
    assert.notEqual(found, 'timeout');
    assert.equal((found as RecordedEvent).eventId, first!.eventId);
  });

  it('given nothing after the position, when an event is appended while it waits, then it returns that event long before its timeout', async () => {
    const waiting = waitForEvent(store, last, LONG_MS);
    await sleep(200); // let it go live
    const appended = await store.appendToStream('wait-acme:1', [newEvent('Second')], { expectedRevision: 0n });
    const found = await within(waiting, DEADLINE_MS);
    assert.notEqual(found, 'timeout', 'the wait was not woken by the append');
    assert.equal((found as RecordedEvent).type, 'Second');
    last = appended.position;
  });

  it('given nothing after the position, then it returns undefined after its timeout', async () => {
    assert.equal(await waitForEvent(store, last, 100), undefined);
  });

  it('given a wait in progress, when its signal aborts, then it returns undefined at once', async () => {
    const abort = new AbortController();
    const waiting = waitForEvent(store, last, LONG_MS, abort.signal);
    await sleep(200);
    abort.abort();
    assert.equal(await within(waiting, DEADLINE_MS), undefined);
    assert.equal(await waitForEvent(store, { commit: 0n, prepare: 0n }, LONG_MS, abort.signal), undefined, 'an aborted signal does not wait');
  });

  it('given a closed store, when a wait starts, then it rejects with EventStoreClosedError at once instead of re-reading until its timeout', async () => {
    const closed = new PostgresEventStore(database.pool);
    assert.ok(await waitForEvent(closed, { commit: 0n, prepare: 0n }, LONG_MS), 'used before the close (its LISTEN connection is open)');
    await closed.close();
    await assert.rejects(within(waitForEvent(closed, last, LONG_MS), DEADLINE_MS), EventStoreClosedError);
    await assert.rejects(within(waitForEvent(closed, { commit: 0n, prepare: 0n }, LONG_MS), DEADLINE_MS), EventStoreClosedError, 'even with an event to return');
  });

  it('given a wait in progress, when the store closes, then it returns undefined at once', async () => {
    const closing = new PostgresEventStore(database.pool);
    const waiting = waitForEvent(closing, last, LONG_MS);
    await sleep(200); // let it go live
    await closing.close();
    assert.equal(await within(waiting, DEADLINE_MS), undefined);
  });
});
