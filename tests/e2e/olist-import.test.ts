import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { computeExpectedOlistFigures, type ExpectedOlistFigures } from '../support/olist-expected.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const SAMPLE = 'data/olist-sample';

/** Runs the operator CLI exactly as the README does, against the test database. */
async function cli(database: TestDatabase, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', ...args], {
    env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('import olist → report (end to end, committed sample)', { timeout: 600_000 }, () => {
  let database: TestDatabase;
  let expected: ExpectedOlistFigures;
  let summary: { ordersImported: number; ordersFailed: number; eventsWritten: number; rejected: { message: string; count: number; examples: string[] }[] };
  let stderr: string;
  before(async () => {
    database = await createTestDatabase(5);
    expected = computeExpectedOlistFigures(SAMPLE);
    const result = await cli(database, 'import', 'olist', '--dir', SAMPLE);
    summary = JSON.parse(result.stdout) as typeof summary;
    stderr = result.stderr;
  });
  after(() => database.drop());

  it('imports every order that has items and reports the others with file and line', () => {
    assert.equal(summary.ordersFailed, 0);
    assert.equal(summary.ordersImported, expected.orders);
    assert.deepEqual(summary.rejected.map((r) => [r.message, r.count]), [['order has no items', 17]]);
    assert.match(stderr, /^rejected olist_orders_dataset\.csv:\d+: order has no items$/m);
    assert.ok(summary.eventsWritten > expected.orders * 5, `only ${summary.eventsWritten} events`);
  });

  it('report --json equals the figures computed from the CSVs', async () => {
    const report = JSON.parse((await cli(database, 'report', '--json')).stdout) as Record<string, unknown>;
    const byStatus = Object.fromEntries(Object.entries(expected.ordersByStatus).filter(([, n]) => n > 0));
    assert.equal(report.orders, expected.orders);
    assert.deepEqual(report.ordersByStatus, byStatus);
    assert.deepEqual(report.gmv, expected.gmv);
    assert.deepEqual(report.gmvByCategory, expected.gmvByCategory);
  });

  it('daily sales fall on 2017 dates and add up to the GMV', async () => {
    const rows = await database.db.selectFrom('daily_sales_by_category').select(['day', 'gmv_minor']).execute();
    assert.ok(rows.every((r) => r.day.startsWith('2017-')), 'a sale outside 2017');
    assert.equal(rows.reduce((s, r) => s + Number(r.gmv_minor), 0), expected.gmv.minor);
  });

  it('a second import of the same files changes nothing', async () => {
    const countEvents = async () => (await database.pool.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n;
    const before = await countEvents();
    const again = JSON.parse((await cli(database, 'import', 'olist', '--dir', SAMPLE)).stdout) as { ordersImported: number; eventsWritten: number };
    assert.deepEqual([again.ordersImported, again.eventsWritten], [0, 0]);
    assert.equal(await countEvents(), before);
  });

  it('stream show prints an order’s events with their metadata and Olist business times', async () => {
    const { stdout } = await cli(database, 'stream', 'show', 'order-olist:e481f51cbdc54678b7cc49136f2d6af7');
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; revision: string; metadata: Record<string, string> });
    assert.deepEqual(events.map((e) => e.type), ['OrderPlaced', 'OrderPaymentConfirmed', 'OrderShipped', 'OrderDelivered']);
    assert.deepEqual(events.map((e) => e.metadata.occurredAt), [
      '2017-10-02T10:56:33.000-03:00',
      '2017-10-02T11:07:15.000-03:00',
      '2017-10-04T19:55:00.000-03:00',
      '2017-10-10T21:25:13.000-03:00',
    ]);
    assert.equal(events[0]!.metadata.actor, 'import:olist');
    assert.equal(events[0]!.metadata.correlationId, 'olist:e481f51cbdc54678b7cc49136f2d6af7');
  });
});
