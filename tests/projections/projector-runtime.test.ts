import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { formatPosition } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import {
  catalogueProjection,
  ProjectionFailedError,
  Projector,
  projectionStatuses,
  readCheckpoint,
  readRegistry,
  salesProjection,
  setPaused,
  type Projection,
} from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const AT = '2026-03-01T09:00:00.000+03:00';
const register = (sku: string) => ({ sku, name: `Product ${sku}`, category: 'x', price: TRY(100) });

describe('projector runtime', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
  });
  after(() => database.drop());

  it('ignores event types it does not handle but moves its checkpoint past them', async () => {
    await given(store, 'product-acme:P1', 'ProductRegistered', register('P1'), AT);
    await given(store, 'mystery-acme:1', 'SomethingNew', { x: 1 }, AT);
    await new Projector(store, database.db, catalogueProjection).catchUp();
    const last = (await store.readAll({ maxCount: 100 })).at(-1)!;
    assert.equal(last.type, 'SomethingNew');
    assert.deepEqual(await readCheckpoint(database.db, 'catalogue'), last.position);
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku']), [['P1']]);
  });

  it('stops on an event it cannot apply, naming the event, keeps the events before it, and resumes after the fix', async () => {
    await given(store, 'product-acme:P2', 'ProductRegistered', register('P2'), AT);
    await given(store, 'product-acme:P3', 'ProductRegistered', { sku: 'P3', name: 'no price', category: 'x' }, AT); // poison: no price
    await given(store, 'product-acme:P4', 'ProductRegistered', register('P4'), AT);
    const poison = (await store.readStream('product-acme:P3'))[0]!;
    const projector = new Projector(store, database.db, catalogueProjection, { batchSize: 100 });
    await assert.rejects(projector.catchUp(), (error: unknown) => {
      assert.ok(error instanceof ProjectionFailedError);
      assert.equal(error.info.streamId, 'product-acme:P3');
      assert.equal(error.info.revision, '0');
      assert.equal(error.info.position, formatPosition(poison.position));
      assert.equal(error.info.type, 'ProductRegistered');
      assert.match(error.info.message, /price must be money/);
      assert.match(error.message, /projection catalogue stopped at ProductRegistered product-acme:P3@0/);
      return true;
    });
    // P2 (before the poison, same batch) is applied; P4 (after it) is not; nothing is skipped.
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku']), [['P1'], ['P2']]);
    const [status] = await projectionStatuses(database.db, [catalogueProjection]);
    assert.equal(status!.status, 'failed');
    assert.equal(status!.error?.streamId, 'product-acme:P3');
    assert.equal(status!.live?.lagEvents, 2);
    // Still stopped on a second try: the failure is recorded, not retried silently.
    await assert.rejects(projector.catchUp(), ProjectionFailedError);

    // The fix: a projection that tolerates the missing price (a new deployment); resume.
    const fixed: Projection = {
      ...catalogueProjection,
      apply: (db, events) =>
        catalogueProjection.apply(
          db,
          events.map((e) => (e.data.price ? e : { ...e, data: { ...e.data, price: TRY(0) } })),
        ),
    };
    await setPaused(database.db, catalogueProjection, false);
    await new Projector(store, database.db, fixed).catchUp();
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku', 'price_minor']), [['P1', 100], ['P2', 100], ['P3', 0], ['P4', 100]]);
    assert.equal((await projectionStatuses(database.db, [catalogueProjection]))[0]!.status, 'idle');
  });

  it('applies at most batchSize events per transaction', async () => {
    for (let i = 0; i < 5; i++) await given(store, `product-acme:B${i}`, 'ProductRegistered', register(`B${i}`), AT);
    const projector = new Projector(store, database.db, catalogueProjection, { batchSize: 2 });
    assert.equal(await projector.runOnce(), 2);
    assert.equal(await projector.runOnce(), 2);
    assert.equal(await projector.runOnce(), 1);
    assert.equal(await projector.runOnce(), 0);
  });

  it('pauses and resumes', async () => {
    await setPaused(database.db, catalogueProjection, true);
    await given(store, 'product-acme:Q1', 'ProductRegistered', register('Q1'), AT);
    const projector = new Projector(store, database.db, catalogueProjection);
    assert.equal(await projector.runOnce(), 0);
    assert.equal((await projectionStatuses(database.db, [catalogueProjection]))[0]!.status, 'paused');
    await setPaused(database.db, catalogueProjection, false);
    assert.equal(await projector.runOnce(), 1);
  });

  it('reports lag in events and seconds', async () => {
    await given(store, 'order-acme:zz', 'SomethingNew', {}, AT);
    await sql`update events set recorded_at = now() - interval '90 seconds' where stream_id = 'order-acme:zz'`.execute(database.db);
    const [sales] = await projectionStatuses(database.db, [salesProjection]);
    assert.ok(sales!.live!.lagEvents >= 1);
    assert.ok(sales!.live!.lagSeconds >= 90, `lag ${sales!.live!.lagSeconds}`);
    await new Projector(store, database.db, salesProjection).catchUp();
    const [after] = await projectionStatuses(database.db, [salesProjection]);
    assert.deepEqual([after!.live!.lagEvents, after!.live!.lagSeconds], [0, 0]);
  });

  it('runs one projector per projection across instances; another takes over when it stops', async () => {
    const leaders: string[] = [];
    const a = new Projector(store, database.db, salesProjection, { instanceId: 'a', idleMs: 20, onLeadership: (_, on) => on && leaders.push('a') });
    const b = new Projector(store, database.db, salesProjection, { instanceId: 'b', idleMs: 20, onLeadership: (_, on) => on && leaders.push('b') });
    a.start();
    await waitFor(() => leaders.length === 1);
    b.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(leaders, ['a'], 'b stands by while a holds the lock');
    assert.equal((await projectionStatuses(database.db, [salesProjection]))[0]!.status, 'running');
    assert.equal((await readRegistry(database.db, 'sales'))?.owner, 'a');
    await a.stop();
    await waitFor(() => leaders.length === 2);
    assert.deepEqual(leaders, ['a', 'b']);
    assert.equal((await readRegistry(database.db, 'sales'))?.owner, 'b');
    await b.stop();
    assert.equal((await projectionStatuses(database.db, [salesProjection]))[0]!.status, 'idle');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
