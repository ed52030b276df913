import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { CommandHandler } from '../../src/application/command-handler.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { replayOlist } from '../../src/infrastructure/import/olist-replay.js';
import { readOlist, type OlistDataset } from '../../src/infrastructure/import/olist/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';

/**
 * An import killed between an order's approval (`OrderPaymentConfirmed`) and its checkout
 * process observing it, then run again, ends with the same event log as an import that was
 * never interrupted: every stream holds the same events, the process's `CheckoutCompleted`
 * included (before, the resumed process stayed waiting for a payment already confirmed).
 */
describe('import olist: resumed after a crash, the same events as a clean import', { timeout: 300_000 }, () => {
  let interrupted: TestDatabase;
  let clean: TestDatabase;
  let dataset: OlistDataset;
  /** The first delivered orders that ship from two stock streams or more (product @ seller). */
  let shipping: OlistDataset;
  before(async () => {
    [interrupted, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const full = await readOlist('data/olist-sample');
    dataset = { ...full, orders: full.orders.filter((o) => o.status === 'delivered').slice(0, 12) };
    const streamsOf = (o: OlistDataset['orders'][number]) => new Set(o.items.map((i) => `${i.productId}@${i.sellerId}`)).size;
    shipping = { ...full, orders: full.orders.filter((o) => o.status === 'delivered' && streamsOf(o) > 1).slice(0, 4) };
  });
  after(async () => {
    await interrupted.drop();
    await clean.drop();
  });

  const streams = async (database: TestDatabase, tenant = 'olist') =>
    (
      await sql<{ stream_id: string; types: string }>`select stream_id, string_agg(event_type, ',' order by revision) as types from events where tenant_id = ${tenant} group by stream_id order by stream_id`.execute(
        database.db,
      )
    ).rows;

  it('every stream ends with the same events', async () => {
    const store = new PostgresEventStore(interrupted.pool);
    let crashed = false;
    const crashing = new InterceptingHandler(store, (command) => {
      const observed = (command.data as { event?: { type?: string } }).event;
      if (!crashed && command.type === 'ObserveOrderEvent' && observed?.type === 'OrderPaymentConfirmed') {
        crashed = true;
        throw lostConnection();
      }
    });
    await assert.rejects(replayOlist(crashing, dataset, { tenantId: 'olist', concurrency: 1 }), /Connection terminated/);
    assert.ok(crashed, 'the import was interrupted where intended');
    await replayOlist(new CommandHandler(store), dataset, { tenantId: 'olist' });
    await replayOlist(new CommandHandler(new PostgresEventStore(clean.pool)), dataset, { tenantId: 'olist' });
    assert.deepEqual(await streams(interrupted), await streams(clean));
  });

  // Killed between an order's OrderShipped and its stock shipments: the resumed import ships
  // them (before, the order stayed shipped with its units reserved for ever).
  it('an import killed in the middle of a ship: the resumed import ships the stock left reserved', async () => {
    const store = new PostgresEventStore(interrupted.pool);
    let crashed = false;
    let previous = '';
    const crashing = new InterceptingHandler(store, (command) => {
      if (crashed || command.type !== 'ShipStock') return;
      const { orderId } = command.data as { orderId: string };
      // The second stock stream of one order's ship: killed after its first StockShipped.
      if (orderId === previous) {
        crashed = true;
        throw lostConnection();
      }
      previous = orderId;
    });
    await assert.rejects(replayOlist(crashing, shipping, { tenantId: 'olist-ship', concurrency: 1 }), /Connection terminated/);
    assert.ok(crashed, 'the import was interrupted where intended');
    await replayOlist(new CommandHandler(store), shipping, { tenantId: 'olist-ship' });
    await replayOlist(new CommandHandler(new PostgresEventStore(clean.pool)), shipping, { tenantId: 'olist-ship' });
    assert.deepEqual(await streams(interrupted, 'olist-ship'), await streams(clean, 'olist-ship'));
  });
});
