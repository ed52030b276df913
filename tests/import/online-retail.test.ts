/**
 * The Online Retail importer on the committed sample (see online-retail-sample.SOURCE.md):
 * what it reads, leaves out (with line numbers and reasons) and imports, and the report
 * figures, against figures this test computes itself from the CSV; and, on CSV rows given
 * here, how carriage on a cancellation is refunded or reported.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { CommandHandler } from '../../src/application/command-handler.js';
import { orderStream, refundOrder } from '../../src/application/commerce/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import {
  CachingCommandHandler,
  classify,
  londonTime,
  pence,
  readOnlineRetail,
  replayOnlineRetail,
  type RetailRow,
} from '../../src/infrastructure/import/online-retail/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const SAMPLE = 'tests/import/online-retail-sample.csv';
const NOT_GOODS = new Set(['M', 'm', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS']);
const CARRIAGE = new Set(['POST', 'DOT', 'C2']);

type Row = { InvoiceNo: string; StockCode: string; Quantity: string; UnitPrice: string; CustomerID: string; InvoiceDate: string };

/** Expected figures straight from the CSV: plain parsing, the README's rules written out again. */
function expected() {
  const rows = parse<Row>(readFileSync(SAMPLE), { columns: true });
  const sales = new Map<string, { customer: string; lines: { sku: string; q: number; p: number }[]; shipping: number; at: string; first: number }>();
  const returns = new Map<string, { customer: string; lines: { sku: string; q: number }[]; carriage: number; at: string; first: number }>();
  let skipped = 0;
  let cancellationLines = 0;
  for (const [index, r] of rows.entries()) {
    const q = Number(r.Quantity);
    const p = Math.round(Number(r.UnitPrice) * 100);
    const whole = Math.abs(p - Number(r.UnitPrice) * 100) < 1e-6;
    const cancel = r.InvoiceNo.startsWith('C');
    if (r.InvoiceNo.startsWith('A') || NOT_GOODS.has(r.StockCode) || r.StockCode.startsWith('gift_') || !whole || p <= 0 || (cancel ? q >= 0 : q <= 0)) {
      skipped++;
      continue;
    }
    if (cancel) {
      const ret = returns.get(r.InvoiceNo) ?? { customer: r.CustomerID, lines: [], carriage: 0, at: r.InvoiceDate, first: index };
      if (CARRIAGE.has(r.StockCode)) ret.carriage += -q * p;
      else {
        cancellationLines++;
        ret.lines.push({ sku: r.StockCode, q: -q });
      }
      returns.set(r.InvoiceNo, ret);
      continue;
    }
    const inv = sales.get(r.InvoiceNo) ?? { customer: r.CustomerID, lines: [], shipping: 0, at: r.InvoiceDate, first: index };
    if (CARRIAGE.has(r.StockCode)) inv.shipping += q * p;
    else inv.lines.push({ sku: r.StockCode, q, p });
    sales.set(r.InvoiceNo, inv);
  }
  // Returns: each line against the customer's latest earlier purchases of the SKU with units left; refunded at that order's price.
  // Carriage: refunded on the latest order matched when its shipping not yet refunded covers it, else reported.
  const timeline = [...[...sales].map(([id, s]) => ({ id, kind: 'sale' as const, ...s })), ...[...returns].map(([id, r]) => ({ id, kind: 'return' as const, ...r }))]
    .filter((x) => x.lines.length > 0)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.first - b.first));
  const bought = new Map<string, { sku: string; left: number; price: number; order: number }[]>();
  const shippingLeft = new Map<number, number>();
  let unmatchedLines = 0;
  let returnedAmount = 0;
  let carriageRefunded = 0;
  let carriageReported = 0;
  for (const [order, x] of timeline.entries()) {
    if (x.kind === 'sale') {
      if (x.customer === '') continue;
      shippingLeft.set(order, (x as { shipping: number }).shipping);
      const mine = bought.get(x.customer) ?? [];
      const firstPrice = new Map<string, number>();
      const units = new Map<string, number>();
      for (const l of x.lines as { sku: string; q: number; p: number }[]) {
        if (!firstPrice.has(l.sku)) firstPrice.set(l.sku, l.p);
        units.set(l.sku, (units.get(l.sku) ?? 0) + l.q);
      }
      for (const [sku, q] of units) mine.push({ sku, left: q, price: firstPrice.get(sku)!, order });
      bought.set(x.customer, mine);
      continue;
    }
    let latest = -1;
    for (const l of x.lines) {
      let left = l.q;
      const mine = (x.customer === '' ? [] : (bought.get(x.customer) ?? [])).filter((b) => b.sku === l.sku);
      for (let i = mine.length - 1; i >= 0 && left > 0; i--) {
        const take = Math.min(left, mine[i]!.left);
        if (take > 0) latest = Math.max(latest, mine[i]!.order);
        mine[i]!.left -= take;
        left -= take;
        returnedAmount += take * mine[i]!.price;
      }
      if (left > 0) unmatchedLines++;
    }
    const carriage = (x as { carriage: number }).carriage;
    if (carriage === 0) continue;
    if (latest >= 0 && shippingLeft.get(latest)! >= carriage) {
      shippingLeft.set(latest, shippingLeft.get(latest)! - carriage);
      carriageRefunded += carriage;
    } else carriageReported++;
  }
  const withGoods = [...sales.values()].filter((i) => i.lines.length > 0);
  // A basket keeps one price per SKU: a second line of an SKU is added at the first line's price.
  const gmv = withGoods.reduce((s, i) => {
    const first = new Map<string, number>();
    return s + i.lines.reduce((t, l) => {
      if (!first.has(l.sku)) first.set(l.sku, l.p);
      return t + l.q * first.get(l.sku)!;
    }, 0);
  }, 0);
  return {
    rows: rows.length,
    skipped,
    cancellationLines,
    invoices: withGoods.length,
    guests: withGoods.filter((i) => i.customer === '').length,
    lines: withGoods.reduce((n, i) => n + i.lines.length, 0),
    gmv,
    customers: new Set(withGoods.filter((i) => i.customer !== '').map((i) => i.customer)).size,
    unmatchedLines,
    returnedAmount,
    carriageRefunded,
    carriageReported,
  };
}

describe('import online-retail (committed sample)', { timeout: 600_000 }, () => {
  let database: TestDatabase;
  let summary: Record<string, unknown> & {
    invoices: Record<string, number>;
    linesImported: number;
    eventsWritten: number;
    skippedLines: { count: number; byReason: { message: string; count: number; examples: string[] }[] };
    notImported: { count: number };
    cancellations: { returns: number; carriageRefunds: number; carriageRefundedMinor: number };
  };
  let stderr: string;
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024 });

  before(async () => {
    database = await createTestDatabase(30);
    const result = await cli('import', 'online-retail', '--file', SAMPLE, '--verbose');
    summary = JSON.parse(result.stdout) as typeof summary;
    stderr = result.stderr;
  });
  after(() => database.drop());

  it('classifies lines: goods, carriage, and lines left out with a reason', () => {
    const row = (over: Partial<RetailRow>): RetailRow => ({
      line: 2, invoice: '536365', stockCode: '85123A', description: 'X', quantity: 6, unitPriceMinor: 255, unitPriceText: '2.55', at: '2010-12-01T08:26:00.000+00:00', customerId: '17850', country: 'United Kingdom', ...over,
    });
    assert.deepEqual(classify(row({})), { kind: 'goods' });
    assert.deepEqual(classify(row({ stockCode: 'POST' })), { kind: 'carriage' });
    assert.deepEqual(classify(row({ invoice: 'C536379', quantity: -1 })), { kind: 'goods' });
    assert.match((classify(row({ stockCode: 'M' })) as { reason: string }).reason, /manual adjustment/);
    assert.match((classify(row({ stockCode: 'BANK CHARGES' })) as { reason: string }).reason, /bank charges/);
    assert.match((classify(row({ stockCode: 'AMAZONFEE' })) as { reason: string }).reason, /Amazon fee/);
    assert.match((classify(row({ invoice: 'A563185', stockCode: 'B' })) as { reason: string }).reason, /bad debt/);
    assert.match((classify(row({ unitPriceMinor: 0, unitPriceText: '0' })) as { reason: string }).reason, /not positive/);
    assert.match((classify(row({ unitPriceMinor: -1106206, unitPriceText: '-11062.06' })) as { reason: string }).reason, /not positive/);
    assert.match((classify(row({ unitPriceMinor: null, unitPriceText: '0.001' })) as { reason: string }).reason, /whole number of pence/);
    assert.match((classify(row({ quantity: -12 })) as { reason: string }).reason, /stock adjustment/);
    assert.equal(pence('2.55'), 255);
    assert.equal(pence('0.001'), null);
    assert.equal(londonTime('2011-06-01 12:00:00'), '2011-06-01T12:00:00.000+01:00', 'summer time');
    assert.equal(londonTime('2010-12-01 08:26:00'), '2010-12-01T08:26:00.000+00:00');
  });

  it('reads the sample: every line either imported, carriage, a return, or reported with its line number', async () => {
    const e = expected();
    const dataset = await readOnlineRetail(SAMPLE);
    assert.equal(dataset.rows, e.rows);
    assert.equal(dataset.skipped.length, e.skipped);
    assert.ok(dataset.skipped.every((s) => s.line >= 2 && s.line <= e.rows + 1 && s.message.length > 0));
    assert.equal(dataset.invoices.filter((i) => i.kind === 'sale').length, e.invoices);
  });

  it('refuses a file of another shape by its header, before any line of it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'online-retail-shape-'));
    try {
      // One column in the header, then a line of four with more after it (as in /etc/passwd): the
      // parser alone fails on that line before the first record reaches the reader.
      const file = path.join(dir, 'passwd.csv');
      const users = (from: number) => Array.from({ length: 5 }, (_, i) => `user${from + i}:x:${from + i}:${from + i}::/home:/bin/sh`);
      writeFileSync(file, ['root:x:0:0:root:/root:/bin/bash', ...users(1), 'postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash', ...users(10)].join('\n') + '\n');
      await assert.rejects(readOnlineRetail(file), /passwd\.csv: not the Online Retail file \(missing InvoiceNo, StockCode, .*Country\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports invoices as delivered orders (guest baskets without a customer), cancellations as returns, and reports what it left out', () => {
    const e = expected();
    assert.equal(summary.invoices.imported, e.invoices);
    assert.equal(summary.invoices.guests, e.guests);
    assert.equal(summary.linesImported, e.lines);
    assert.equal(summary.skippedLines.count, e.skipped);
    const reasons = summary.skippedLines.byReason.map((r) => r.message);
    for (const reason of [/samples/, /discount/, /bank charges/, /Amazon fee/, /CRUK commission/, /bad debt/, /not positive/, /fraction of a penny/, /gift voucher/]) {
      assert.ok(reasons.some((r) => reason.test(r)), `${reason} in ${reasons.join(' | ')}`);
    }
    assert.match(stderr, /^skipped line \d+ \(invoice \w+\): .+$/m);
    // Returns: lines without a customer or without an earlier purchase in the data, and carriage not refunded, are reported.
    assert.equal(summary.notImported.count, e.unmatchedLines + e.carriageReported);
    assert.ok(e.carriageReported > 0 && e.carriageRefunded > 0, 'the sample has carriage refunded and reported');
    assert.equal(summary.cancellations.carriageRefundedMinor, e.carriageRefunded);
    assert.match(stderr, /^not imported line \d+ \(invoice C\w+\): carriage refund of \d+ pence not made: .+$/m);
    assert.ok(e.cancellationLines > e.unmatchedLines, 'some returns are matched');
    assert.ok(summary.eventsWritten > e.lines * 3);
  });

  it('report: orders delivered (or returned), GMV = Σ quantity × price of the goods lines (GBP pence), returns refunded at their sale price, carriage refunded', async () => {
    const e = expected();
    const report = JSON.parse((await cli('report', '--json', '--tenant', 'online-retail')).stdout) as { orders: number; ordersByStatus: Record<string, number>; gmv: unknown };
    assert.equal(report.orders, e.invoices);
    assert.equal(Object.values(report.ordersByStatus).reduce((a, b) => a + b, 0), e.invoices);
    assert.deepEqual(Object.keys(report.ordersByStatus).filter((k) => k !== 'delivered' && k !== 'returned'), []);
    assert.deepEqual(report.gmv, { currency: 'GBP', minor: e.gmv });
    const { rows } = await database.pool.query<{ kind: string; amount: string }>(`select kind, sum(amount_minor)::text as amount from analytics_returns_daily where tenant_id = 'online-retail' group by kind`);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, Number(r.amount)]));
    assert.equal(byKind.return, e.returnedAmount, 'returns refund the units at the price they were sold at');
    assert.equal(byKind.refund, e.returnedAmount + e.carriageRefunded, 'refunds = returned goods + carriage refunded');
    assert.ok(summary.cancellations.returns > 0);
    const segments = JSON.parse((await cli('segments', 'recompute', '--tenant', 'online-retail')).stdout) as { customers: number; currency: string };
    assert.deepEqual([segments.customers, segments.currency], [e.customers, 'GBP'], 'guests are not segmented');
  });

  it('a second run imports nothing more', async () => {
    const again = JSON.parse((await cli('import', 'online-retail', '--file', SAMPLE)).stdout) as { invoices: { imported: number; alreadyImported: number }; eventsWritten: number };
    assert.deepEqual([again.invoices.imported, again.invoices.alreadyImported, again.eventsWritten], [0, expected().invoices, 0]);
  });
});

describe('import online-retail: carriage on a cancellation (given rows)', { timeout: 120_000 }, () => {
  const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dir: string;
  let tenants = 0;

  before(async () => {
    database = await createTestDatabase(10);
    store = new PostgresEventStore(database.pool);
    dir = mkdtempSync(path.join(tmpdir(), 'online-retail-'));
  });
  after(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `rows` (after the header: the first row is line 2) and imports them into `tenant` (a new one by default). */
  async function importRows(rows: readonly string[], tenant = `retail-${++tenants}`) {
    const file = path.join(dir, `${tenant}-${rows.length}.csv`);
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const dataset = await readOnlineRetail(file);
    const handler = new CachingCommandHandler(store);
    const result = await replayOnlineRetail(handler, dataset, { tenantId: tenant, concurrency: 4 });
    return { tenant, dataset, result, eventsWritten: handler.eventsWritten };
  }
  const refunds = async (tenant: string, orderId: string) =>
    (await store.readStream(orderStream(tenant, orderId))).filter((e) => e.type === 'OrderRefunded').map((e) => e.data);
  const row = (invoice: string, sku: string, quantity: number, day: number, price: string, customer = '20001') =>
    `${invoice},${sku},${sku === 'POST' ? 'POSTAGE' : `THING ${sku}`},${quantity},2011-01-${String(day).padStart(2, '0')} 10:00:00,${price},${customer},United Kingdom`;

  it('refunds the carriage (pence, GBP) on the latest order the goods were matched to, after its return; a re-run writes nothing', async () => {
    const rows = [
      row('900001', 'A1', 10, 10, '1.00'), // line 2
      row('900001', 'POST', 1, 10, '5.00'),
      row('900002', 'A1', 10, 11, '1.00'), // line 4
      row('900002', 'POST', 1, 11, '3.00'),
      row('C900003', 'A1', -15, 12, '1.00'), // line 6: 10 units of 900002, 5 of 900001
      row('C900003', 'POST', -1, 12, '3.00'), // line 7
    ];
    const first = await importRows(rows);
    assert.deepEqual(first.result.failed, []);
    assert.deepEqual(first.result.notes, []);
    assert.deepEqual([first.result.cancellations.returns, first.result.cancellations.carriageRefunds, first.result.cancellations.carriageRefundedMinor], [2, 1, 300]);
    const latest = await store.readStream(orderStream(first.tenant, '900002'));
    assert.deepEqual(latest.slice(-3).map((e) => e.type), ['OrderItemsReturned', 'OrderRefunded', 'OrderRefunded'], 'carriage after the return');
    assert.deepEqual(latest.at(-1)!.data, {
      orderId: '900002',
      refundId: 'carriage:C900003',
      amount: { minor: 300, currency: 'GBP' },
      reason: 'online-retail cancellation C900003: carriage',
      toWallet: { minor: 0, currency: 'GBP' },
      toExternal: { minor: 300, currency: 'GBP' },
      refundedTotal: { minor: 1300, currency: 'GBP' },
    }, 'the whole order paid back: goods 1000 + carriage 300');
    assert.equal(latest.at(-1)!.metadata.causationId, `online-retail:C900003:refund-carriage:900002`);
    assert.deepEqual((await refunds(first.tenant, '900001')).map((r) => r.refundId), ['return:C900003:900001'], 'the earlier order refunds its goods only');

    const again = await importRows(rows, first.tenant);
    assert.deepEqual([again.eventsWritten, again.result.cancellations.returns, again.result.cancellations.carriageRefunds, again.result.failed.length], [0, 0, 0, 0]);
    assert.equal((await refunds(first.tenant, '900002')).length, 2);
  });

  it('counts every invoice read: with goods, carriage only, or every line left out (also under --limit)', async () => {
    const file = path.join(dir, 'every-line-skipped.csv');
    writeFileSync(file, [HEADER, row('920001', 'A1', 1, 10, '1.00'), row('A920002', 'B', 1, 10, '5.00'), row('920003', 'POST', 1, 10, '5.00'), row('920004', 'M', 1, 10, '2.00'), row('920005', 'A1', 1, 10, '1.00')].join('\n') + '\n');
    const all = await readOnlineRetail(file);
    assert.deepEqual([all.invoicesRead, all.invoices.map((i) => i.invoice), all.skippedInvoices.map((i) => i.invoice), all.invoicesEveryLineSkipped], [5, ['920001', '920005'], ['920003'], ['A920002', '920004']]);
    const limited = await readOnlineRetail(file, { limit: 2 });
    assert.deepEqual([limited.invoicesRead, limited.invoices.map((i) => i.invoice), limited.invoicesEveryLineSkipped], [2, ['920001'], ['A920002']]);
  });

  it('reports carriage it does not refund with its line number: carriage only, no customer, no goods matched, more than the order charged', async () => {
    const { tenant, dataset, result } = await importRows([
      row('910001', 'A1', 10, 10, '1.00'), // line 2: no carriage charged
      row('910002', 'B1', 10, 10, '1.00'), // line 3
      row('910002', 'POST', 1, 10, '5.00'),
      row('C910003', 'POST', -1, 11, '5.00'), // line 5: carriage only
      row('C910004', 'A1', -1, 11, '1.00', ''), // line 6: no customer
      row('C910004', 'POST', -1, 11, '2.00', ''), // line 7
      row('C910005', 'Z9', -1, 11, '1.00'), // line 8: never bought
      row('C910005', 'POST', -1, 11, '2.00'), // line 9
      row('C910006', 'A1', -1, 12, '1.00'), // line 10: matched to 910001, which charged no carriage
      row('C910006', 'POST', -1, 12, '2.00'), // line 11
      row('C910007', 'B1', -1, 12, '1.00'), // line 12: 910002 charged 500
      row('C910007', 'POST', -1, 12, '4.00'), // line 13: refunded
      row('C910008', 'B1', -1, 13, '1.00'), // line 14
      row('C910008', 'POST', -1, 13, '2.00'), // line 15: 100 of 500 left
    ]);
    assert.deepEqual(dataset.skippedInvoices, [{ line: 5, invoice: 'C910003', message: 'cancellation invoice with carriage only (500 pence): no returned goods to match an order to, carriage not refunded' }]);
    assert.deepEqual([dataset.invoicesRead, dataset.invoices.length, dataset.invoicesEveryLineSkipped], [8, 7, []]);
    const carriage = result.failed.filter((f) => /carriage/.test(f.message)).sort((a, b) => a.line - b.line);
    assert.deepEqual(carriage, [
      { line: 7, invoice: 'C910004', message: 'carriage refund of 200 pence not made: a cancellation without a customer, no order to refund it on' },
      { line: 9, invoice: 'C910005', message: "carriage refund of 200 pence not made: none of the cancellation's goods matched an earlier order" },
      { line: 11, invoice: 'C910006', message: 'carriage refund of 200 pence not made: order 910001 (latest matched) has 0 pence of carriage charged and not yet refunded' },
      { line: 15, invoice: 'C910008', message: 'carriage refund of 200 pence not made: order 910002 (latest matched) has 100 pence of carriage charged and not yet refunded' },
    ]);
    assert.deepEqual([result.cancellations.returns, result.cancellations.carriageRefunds, result.cancellations.carriageRefundedMinor], [3, 1, 400]);
    assert.deepEqual((await refunds(tenant, '910001')).map((r) => r.refundId), ['return:C910006:910001'], 'goods refunded, no carriage');
    assert.deepEqual((await refunds(tenant, '910002')).map((r) => [r.refundId, (r.amount as { minor: number }).minor]), [
      ['return:C910007:910002', 100],
      ['carriage:C910007', 400],
      ['return:C910008:910002', 100],
    ]);
  });

  it('reports, never crashes, when the order rejects the refund (refund-exceeds-paid after a refund made outside the import)', async () => {
    const sale = [row('920001', 'A1', 10, 10, '1.00'), row('920001', 'POST', 1, 10, '5.00')]; // paid 1500
    const { tenant } = await importRows(sale);
    const context = { tenantId: tenant, actor: 'user:support', correlationId: 'goodwill', commandId: 'goodwill-1', occurredAt: '2011-01-10T12:00:00.000+00:00' };
    await refundOrder(new CommandHandler(store), context, { orderId: '920001', refundId: 'goodwill', amount: { minor: 1000, currency: 'GBP' }, reason: 'goodwill' });
    const { result } = await importRows([...sale, row('C920002', 'A1', -1, 11, '1.00'), row('C920002', 'POST', -1, 11, '5.00')], tenant); // line 5: 500 > 1500 − 1000 − 100
    assert.deepEqual(result.failed, [
      { line: 5, invoice: 'C920002', message: 'rejected: refund-exceeds-paid: order 920001 can refund 400, 500 requested' },
    ]);
    assert.deepEqual((await refunds(tenant, '920001')).map((r) => r.refundId), ['goodwill', 'return:C920002:920001'], 'the goods are refunded, the carriage is not');
    assert.equal(result.cancellations.carriageRefunds, 0);
  });
});
