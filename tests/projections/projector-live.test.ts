/**
 * A started projector waits for new events instead of polling: an event appended while it
 * is idle is projected at once (its fallback re-check is a minute away), nothing is
 * queried meanwhile, and `stop()` ends the wait at once. Deadlines are generous (10 s
 * against a 60 s fallback): they fail only if the projector merely polls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { catalogueProjection, Projector, readAllSource, readCheckpoint, setPaused, waitForPosition } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { countingPool } from '../support/counting-pool.js';
import { given, rows } from './support.js';

const AT = '2026-03-01T09:00:00.000+03:00';
const FALLBACK_MS = 60_000;
const DEADLINE_MS = 10_000;
const register = (sku: string) => ({ sku, name: `Product ${sku}`, category: 'x', price: { minor: 100, currency: 'TRY' } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * Store queries in a 1.5 s window while idle. Another test file's open transaction can
 * hold the server's watermark for a moment (then re-reading is right): up to 3 windows.
 */
async function idleQueries(count: () => number): Promise<number> {
  let queries = -1;
  for (let window = 0; window < 3 && queries !== 0; window++) {
    const start = count();
    await sleep(1500);
    queries = count() - start;
  }
  return queries;
}

/** Resolves `'done'` when `promise` settles within `ms`, else `'timeout'`. */
async function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([promise.then(() => 'done' as const), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  clearTimeout(timer);
  return outcome;
}

/** The position of the last event in `$all`. */
async function head(store: PostgresEventStore) {
  const all = await store.readAll({ maxCount: 100_000 });
  return all.at(-1)!.position;
}

describe('a running projector waits for events instead of polling', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let count: () => number;

  before(async () => {
    database = await createTestDatabase();
    const counted = countingPool(database.pool);
    store = new PostgresEventStore(counted.pool);
    count = counted.count;
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('given an idle projector, when an event is appended, then it is projected long before the fallback re-check, with no query while idle', async () => {
    await given(store, 'product-acme:L1', 'ProductRegistered', register('L1'), AT);
    const projector = new Projector(store, database.db, catalogueProjection, { idleMs: FALLBACK_MS });
    projector.start();
    try {
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'caught up with the history');
      assert.equal(await idleQueries(count), 0, 'the idle projector queried the event store');

      await given(store, 'product-acme:L2', 'ProductRegistered', register('L2'), AT);
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'the new event was not projected before the deadline');
      assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku']), [['L1'], ['L2']]);
    } finally {
      await projector.stop();
    }
  });

  it('given a projector waiting for events, when it is stopped, then stop() returns at once', async () => {
    const projector = new Projector(store, database.db, catalogueProjection, { idleMs: FALLBACK_MS });
    projector.start();
    assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS));
    await sleep(200); // let it go idle
    assert.equal(await within(projector.stop(), DEADLINE_MS), 'done', 'stop() waited for the fallback re-check');
    assert.equal(projector.isRunning, false);
  });

  it('given a paused projection with events waiting, then its projector does not spin on them; resumed, it takes them', async () => {
    await setPaused(database.db, catalogueProjection, true);
    await given(store, 'product-acme:L3', 'ProductRegistered', register('L3'), AT);
    const projector = new Projector(store, database.db, catalogueProjection, { idleMs: FALLBACK_MS });
    projector.start();
    try {
      assert.equal(await idleQueries(count), 0, 'the paused projector kept reading the event store');
      await setPaused(database.db, catalogueProjection, false);
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'the resumed projection did not catch up');
      assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku']), [['L1'], ['L2'], ['L3']]);
    } finally {
      await projector.stop();
    }
  });

  it('given a projector whose source skips some event types, when such an event is appended, then it waits for the next one instead of spinning', async () => {
    const source = readAllSource(store, catalogueProjection.eventTypes);
    const projector = new Projector(store, database.db, catalogueProjection, { idleMs: FALLBACK_MS, source });
    projector.start();
    try {
      const before = await readCheckpoint(database.db, 'catalogue');
      await given(store, 'mystery-acme:1', 'SomethingNew', { x: 1 }, AT);
      await sleep(300); // it wakes, reads nothing it takes, and waits again
      assert.equal(await idleQueries(count), 0, 'the projector kept re-reading past an event its source skips');
      assert.deepEqual(await readCheckpoint(database.db, 'catalogue'), before);

      await given(store, 'product-acme:L4', 'ProductRegistered', register('L4'), AT);
      assert.ok(await waitForPosition(database.db, ['catalogue'], await head(store), DEADLINE_MS), 'the next matching event was not projected');
    } finally {
      await projector.stop();
    }
  });
});
