import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { projections, type ProjectionStatus } from '../../src/projections/index.js';
import { checksum } from '../projections/support.js';
import { appendSyntheticHistory } from '../projections/synthetic.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

describe('operator CLI: projections and segments', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  const cli = async (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, maxBuffer: 16 * 1024 * 1024 });
  const list = async () => JSON.parse((await cli('projections', 'list', '--json')).stdout) as ProjectionStatus[];

  before(async () => {
    database = await createTestDatabase(5);
    await appendSyntheticHistory(new PostgresEventStore(database.pool), { orders: 120, tenants: ['acme'] });
  });
  after(() => database.drop());

  it('list shows every projection with version, status, checkpoint and lag', async () => {
    const statuses = await list();
    assert.deepEqual(statuses.map((s) => s.name), projections.map((p) => p.name));
    for (const s of statuses) {
      assert.equal(s.status, 'idle');
      assert.equal(s.live?.checkpoint, '0/0');
      assert.ok(s.live && s.live.lagEvents > 0 && s.live.lagSeconds >= 0);
    }
    const text = (await cli('projections', 'list')).stdout;
    const catalogue = projections.find((p) => p.name === 'catalogue')!;
    assert.match(text, new RegExp(String.raw`^catalogue +v${catalogue.version} idle +0/0 lag \d+ events / [\d.]+ s`, 'm'));
  });

  it('rebuild NAME builds beside the live version and switches; --all does every projection', async () => {
    const one = await cli('projections', 'rebuild', 'sales');
    const summary = JSON.parse(one.stdout) as { projections: string[]; events: number; live: Record<string, string> };
    assert.deepEqual(summary.projections, ['sales']);
    assert.ok(summary.events > 0);
    assert.match(one.stderr, /switched sales → rm_sales_\d+/);
    const statuses = await list();
    assert.equal(statuses.find((s) => s.name === 'sales')!.live!.lagEvents, 0);
    assert.equal(statuses.find((s) => s.name === 'sales')!.live!.schema, summary.live.sales);
    assert.ok(statuses.find((s) => s.name === 'catalogue')!.live!.lagEvents > 0, 'other projections untouched');
    const all = JSON.parse((await cli('projections', 'rebuild', '--all')).stdout) as { projections: string[] };
    assert.deepEqual(all.projections, [...projections.map((p) => p.name)].sort());
    assert.ok((await list()).every((s) => s.live!.lagEvents === 0));
  });

  it('pause, resume and reset', async () => {
    await cli('projections', 'pause', 'analytics');
    assert.equal((await list()).find((s) => s.name === 'analytics')!.status, 'paused');
    await cli('projections', 'resume', 'analytics');
    assert.equal((await list()).find((s) => s.name === 'analytics')!.status, 'idle');
    const tables = projections.find((p) => p.name === 'analytics')!.tables;
    const before = await checksum(database.db, tables);
    await cli('projections', 'reset', 'analytics');
    const reset = (await list()).find((s) => s.name === 'analytics')!;
    assert.equal(reset.live!.checkpoint, '0/0');
    assert.ok(Object.values(await checksum(database.db, tables)).every((c) => c.startsWith('0:')), 'emptied in place');
    await cli('report', '--catch-up', '--tenant', 'acme', '--json'); // catches every projector up
    assert.deepEqual(await checksum(database.db, tables), before, 'replayed to the same rows');
  });

  it('unknown names and missing arguments fail with a message', async () => {
    await assert.rejects(cli('projections', 'rebuild', 'nope'), (e: { stderr: string; code: number }) => e.code === 1 && /unknown projection nope; known: catalogue, sales, analytics, segmentation/.test(e.stderr));
    await assert.rejects(cli('projections', 'pause'), (e: { stderr: string }) => /name a projection or pass --all/.test(e.stderr));
  });

  it('segments recompute and show', async () => {
    const run1 = JSON.parse((await cli('segments', 'recompute', '--tenant', 'acme', '--k', '3', '--seed', '5')).stdout) as { customers: number; k: number; sizes: Record<string, number> };
    assert.equal(run1.k, 3);
    assert.equal(Object.values(run1.sizes).reduce((a, b) => a + b, 0), run1.customers);
    const shown = JSON.parse((await cli('segments', 'show', '--tenant', 'acme')).stdout) as { customers: number; clusters: unknown[] };
    assert.equal(shown.customers, run1.customers);
    assert.equal(shown.clusters.length, 3);
  });

  it('exits 1 with one line on stderr whenever a command fails or finds nothing', async () => {
    const fails = async (args: string[], message: RegExp) =>
      assert.rejects(cli(...args), (e: { code: number; stderr: string }) => e.code === 1 && message.test(e.stderr), args.join(' '));
    await fails(['stream', 'show', 'order-acme:no-such-order'], /^stream order-acme:no-such-order has no events$/m);
    await fails(['segments', 'show', '--tenant', 'nobody'], /tenant nobody has no segmentation yet/);
    await fails(['projections', 'reset', 'sales', '--all'], /name a projection or pass --all, not both/);
    await fails(['report', '--tenant', 'BAD TENANT'], /--tenant <tenant>' argument 'BAD TENANT' is invalid/);
    await fails(['token', '--tenant', 'acme', '--roles', ''], /at least one role is needed/);
    await fails(['token', '--tenant', 'acme', '--roles', 'admin', '--expires', '999999999999'], /from 1 to 31536000/);
  });

  it('segments recompute refuses what the HTTP API refuses, before touching the last run', async () => {
    const refused = async (args: string[], message: RegExp) =>
      assert.rejects(cli('segments', 'recompute', '--tenant', 'acme', ...args), (e: { code: number; stderr: string }) => e.code === 1 && message.test(e.stderr), args.join(' '));
    await refused(['--as-of', '2018-13-45'], /--as-of <day>' argument '2018-13-45' is invalid\. must be a day that exists/);
    await refused(['--as-of', '2018-1-1'], /must be a day YYYY-MM-DD/);
    await refused(['--k', '500'], /--k <k>' argument '500' is invalid\. must be at most 20/);
    await refused(['--seed', 'abc'], /--seed <seed>' argument 'abc' is invalid\. must be a whole number/);
    await refused(['--currency', 'try'], /must be three capital letters/);
    await refused(['--as-of', '2000-01-01'], /^asOf 2000-01-01 is before the last order day \d{4}-\d{2}-\d{2}: recency would be negative/m);
    const shown = JSON.parse((await cli('segments', 'show', '--tenant', 'acme')).stdout) as { k: number; seed: number };
    assert.deepEqual([shown.k, shown.seed], [3, 5], 'the last run stays');
  });
});
