import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const SAMPLE = join(import.meta.dirname, '../../data/olist-sample');
const ORDERS = 'olist_orders_dataset.csv';

describe('operator CLI: import olist --limit', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let dir: string;

  before(async () => {
    database = await createTestDatabase(5);
    // The committed sample with its orders file reordered: two good orders, then the
    // sample's first order without items (line 118), then the rest (16 more rejected orders).
    dir = mkdtempSync(join(tmpdir(), 'olist-limit-'));
    cpSync(SAMPLE, dir, { recursive: true });
    const [header, ...rows] = readFileSync(join(SAMPLE, ORDERS), 'utf8').split('\n');
    const noItems = rows.splice(116, 1);
    writeFileSync(join(dir, ORDERS), [header, ...rows.slice(0, 2), ...noItems, ...rows.slice(2)].join('\n'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('reports the rejected orders among the first N orders only', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', 'import', 'olist', '--dir', dir, '--limit', '3', '--tenant', 'limited'], {
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const summary = JSON.parse(stdout) as { ordersRead: number; ordersImported: number; ordersRejected: number; rejected: { message: string; count: number; examples: string[] }[]; warnings: unknown[] };
    assert.equal(summary.ordersRead, 2);
    assert.equal(summary.ordersImported, 2);
    assert.equal(summary.ordersRejected, 1);
    assert.deepEqual(summary.rejected, [{ message: 'order has no items', count: 1, examples: [`${ORDERS}:4`] }]);
    assert.deepEqual(summary.warnings, []);
    assert.deepEqual(stderr.split('\n').filter((l) => l.startsWith('rejected')), [`rejected ${ORDERS}:4: order has no items`]);
  });
});
