/**
 * The Online Retail import killed at any command and run again ends with the same events,
 * stream by stream, as an import never interrupted: a ship killed between `OrderShipped` and
 * its stock shipments, or a return between `OrderItemsReturned` and its restock, is completed
 * by the re-run (before, an order found imported was skipped: its stock stayed reserved, it was
 * never delivered, and a return found recorded never got its units back on hand).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { CachingCommandHandler, readOnlineRetail, replayOnlineRetail, type RetailDataset } from '../../src/infrastructure/import/online-retail/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const row = (invoice: string, sku: string, quantity: number, day: number, price: string, customer = '20001') =>
  `${invoice},${sku},THING ${sku},${quantity},2011-01-${String(day).padStart(2, '0')} 10:00:00,${price},${customer},United Kingdom`;
/** Two sales of three SKUs each (one without a customer), a second sale, and a cancellation of units of two of them. */
const ROWS = [
  row('900001', 'A1', 4, 10, '1.00'),
  row('900001', 'B2', 2, 10, '2.50'),
  row('900001', 'C3', 1, 10, '7.00'),
  row('900002', 'A1', 3, 11, '1.00', ''),
  row('900002', 'B2', 1, 11, '2.50', ''),
  row('900002', 'D4', 5, 11, '0.50', ''),
  row('900003', 'C3', 2, 12, '7.00'),
  row('C900004', 'A1', -2, 13, '1.00'),
  row('C900004', 'C3', -1, 13, '7.00'),
];

describe('import online-retail: killed at any command and resumed, the same events as a clean import', { timeout: 600_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dir: string;
  let dataset: RetailDataset;
  before(async () => {
    database = await createTestDatabase(10);
    store = new PostgresEventStore(database.pool);
    dir = mkdtempSync(path.join(tmpdir(), 'online-retail-resume-'));
    const file = path.join(dir, 'rows.csv');
    writeFileSync(file, [HEADER, ...ROWS].join('\n') + '\n');
    dataset = await readOnlineRetail(file);
  });
  after(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each stream of `tenant` (its name without the tenant) with its event types in order. */
  const streams = async (tenant: string) =>
    (
      await sql<{ stream_id: string; types: string }>`select stream_id, string_agg(event_type, ',' order by revision) as types from events where tenant_id = ${tenant} group by stream_id order by stream_id`.execute(
        database.db,
      )
    ).rows.map((r) => `${r.stream_id.replace(`-${tenant}:`, ':')} ${r.types}`);

  it('every stream ends with the same events, wherever the import was killed', async () => {
    let commands = 0;
    const counting = new InterceptingHandler(store, () => void commands++);
    await replayOnlineRetail(counting, dataset, { tenantId: 'clean', concurrency: 1 });
    const clean = await streams('clean');
    assert.ok(clean.some((s) => s.includes('StockShipped')) && clean.some((s) => s.includes('StockReturned')), 'the import ships and returns');

    for (let kill = 1; kill < commands; kill++) {
      const tenant = `killed-${kill}`;
      let left = kill;
      const crashing = new InterceptingHandler(store, () => {
        if (left-- === 0) throw lostConnection();
      });
      await assert.rejects(replayOnlineRetail(crashing, dataset, { tenantId: tenant, concurrency: 1 }), /Connection terminated/);
      await replayOnlineRetail(new CachingCommandHandler(store), dataset, { tenantId: tenant });
      assert.deepEqual(await streams(tenant), clean, `killed before command ${kill + 1} of ${commands}`);
    }
  });
});
