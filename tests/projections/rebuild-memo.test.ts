import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { analyticsProjection, Projector, rebuild, type Projection } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { checksum } from './support.js';
import { appendSyntheticHistory } from './synthetic.js';

/** Sizes of the rows analytics kept in the memo it was lent, per batch. */
interface MemoSizes {
  orders: number;
  stock: number;
  baskets: number;
}

describe('analytics rebuilt with a memo across batches', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let reference: Record<string, string>;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    await appendSyntheticHistory(store, { orders: 150, tenants: ['acme', 'globex'] });
    // The live projector lends no memo: every batch reads back what it needs.
    await new Projector(store, database.db, analyticsProjection, { batchSize: 13 }).catchUp();
    reference = await checksum(database.db, analyticsProjection.tables);
  });
  after(() => database.drop());

  /**
   * Analytics, recording what its memo held when each batch began; batch number `fail`
   * fails half-way: its first half is applied (and remembered), then it throws.
   */
  function watched(sizes: MemoSizes[], fail?: number): Projection {
    let calls = 0;
    return {
      ...analyticsProjection,
      apply: async (trx, events, context) => {
        const kept = context?.memo?.get('analytics') as { orders: Map<string, unknown>; stock: Map<string, unknown>; baskets: Map<string, unknown> } | undefined;
        sizes.push({ orders: kept?.orders.size ?? 0, stock: kept?.stock.size ?? 0, baskets: kept?.baskets.size ?? 0 });
        if (++calls !== fail) return analyticsProjection.apply(trx, events, context);
        await analyticsProjection.apply(trx, events.slice(0, Math.ceil(events.length / 2)), context);
        throw new Error('injected failure half-way through the batch');
      },
    };
  }

  it('gives the rows of the live projector, which reads every row back', async () => {
    const sizes: MemoSizes[] = [];
    await rebuild(database.db, store, [watched(sizes)], { batchSize: 13 });
    assert.deepEqual(await checksum(database.db, analyticsProjection.tables), reference);
    const last = sizes.at(-1)!;
    assert.ok(sizes.length > 20, `${sizes.length} batches`);
    assert.ok(last.orders > 0 && last.stock > 0 && last.baskets > 0, `the memo was used: ${JSON.stringify(last)}`);
  });

  it('forgets the memo when a transaction fails, so rows rolled back are not counted again', async () => {
    const sizes: MemoSizes[] = [];
    // Half of batch 12 is applied (and remembered), then the batch fails and is rolled back;
    // the rebuild applies its events one by one to find a poison, finds none, and goes on.
    // A memo kept from the failed attempt would lack the second half's changes.
    await rebuild(database.db, store, [watched(sizes, 12)], { batchSize: 13 });
    assert.ok(sizes[11]!.stock > 0, 'the failing batch began with a memo');
    assert.deepEqual(await checksum(database.db, analyticsProjection.tables), reference);
  });
});
