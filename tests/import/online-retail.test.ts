/**
 * The Online Retail importer on the committed sample (see online-retail-sample.SOURCE.md):
 * what it reads, leaves out (with line numbers and reasons) and imports, and the report
 * figures, against figures this test computes itself from the CSV.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { classify, londonTime, pence, readOnlineRetail, type RetailRow } from '../../src/infrastructure/import/online-retail/index.js';
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
  const returns = new Map<string, { customer: string; lines: { sku: string; q: number }[]; at: string; first: number }>();
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
      if (CARRIAGE.has(r.StockCode)) continue;
      cancellationLines++;
      const ret = returns.get(r.InvoiceNo) ?? { customer: r.CustomerID, lines: [], at: r.InvoiceDate, first: index };
      ret.lines.push({ sku: r.StockCode, q: -q });
      returns.set(r.InvoiceNo, ret);
      continue;
    }
    const inv = sales.get(r.InvoiceNo) ?? { customer: r.CustomerID, lines: [], shipping: 0, at: r.InvoiceDate, first: index };
    if (CARRIAGE.has(r.StockCode)) inv.shipping += q * p;
    else inv.lines.push({ sku: r.StockCode, q, p });
    sales.set(r.InvoiceNo, inv);
  }
  // Returns: each line against the customer's latest earlier purchases of the SKU with units left; refunded at that order's price.
  const timeline = [...[...sales].map(([id, s]) => ({ id, kind: 'sale' as const, ...s })), ...[...returns].map(([id, r]) => ({ id, kind: 'return' as const, ...r }))]
    .filter((x) => x.lines.length > 0)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.first - b.first));
  const bought = new Map<string, { sku: string; left: number; price: number }[]>();
  let unmatchedLines = 0;
  let returnedAmount = 0;
  for (const x of timeline) {
    if (x.kind === 'sale') {
      if (x.customer === '') continue;
      const mine = bought.get(x.customer) ?? [];
      const firstPrice = new Map<string, number>();
      const units = new Map<string, number>();
      for (const l of x.lines as { sku: string; q: number; p: number }[]) {
        if (!firstPrice.has(l.sku)) firstPrice.set(l.sku, l.p);
        units.set(l.sku, (units.get(l.sku) ?? 0) + l.q);
      }
      for (const [sku, q] of units) mine.push({ sku, left: q, price: firstPrice.get(sku)! });
      bought.set(x.customer, mine);
      continue;
    }
    for (const l of x.lines) {
      let left = l.q;
      const mine = (x.customer === '' ? [] : (bought.get(x.customer) ?? [])).filter((b) => b.sku === l.sku);
      for (let i = mine.length - 1; i >= 0 && left > 0; i--) {
        const take = Math.min(left, mine[i]!.left);
        mine[i]!.left -= take;
        left -= take;
        returnedAmount += take * mine[i]!.price;
      }
      if (left > 0) unmatchedLines++;
    }
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
    cancellations: { returns: number };
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
    // Returns: lines without a customer or without an earlier purchase in the data are reported.
    assert.equal(summary.notImported.count, e.unmatchedLines);
    assert.ok(e.cancellationLines > e.unmatchedLines, 'some returns are matched');
    assert.ok(summary.eventsWritten > e.lines * 3);
  });

  it('report: orders delivered (or returned), GMV = Σ quantity × price of the goods lines (GBP pence), returns refunded at their sale price', async () => {
    const e = expected();
    const report = JSON.parse((await cli('report', '--json', '--tenant', 'online-retail')).stdout) as { orders: number; ordersByStatus: Record<string, number>; gmv: unknown };
    assert.equal(report.orders, e.invoices);
    assert.equal(Object.values(report.ordersByStatus).reduce((a, b) => a + b, 0), e.invoices);
    assert.deepEqual(Object.keys(report.ordersByStatus).filter((k) => k !== 'delivered' && k !== 'returned'), []);
    assert.deepEqual(report.gmv, { currency: 'GBP', minor: e.gmv });
    const { rows } = await database.pool.query<{ kind: string; amount: string }>(`select kind, sum(amount_minor)::text as amount from analytics_returns_daily where tenant_id = 'online-retail' group by kind`);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, Number(r.amount)]));
    assert.equal(byKind.return, e.returnedAmount, 'returns refund the units at the price they were sold at');
    assert.equal(byKind.refund, e.returnedAmount);
    assert.ok(summary.cancellations.returns > 0);
    const segments = JSON.parse((await cli('segments', 'recompute', '--tenant', 'online-retail')).stdout) as { customers: number; currency: string };
    assert.deepEqual([segments.customers, segments.currency], [e.customers, 'GBP'], 'guests are not segmented');
  });

  it('a second run imports nothing more', async () => {
    const again = JSON.parse((await cli('import', 'online-retail', '--file', SAMPLE)).stdout) as { invoices: { imported: number; alreadyImported: number }; eventsWritten: number };
    assert.deepEqual([again.invoices.imported, again.invoices.alreadyImported, again.eventsWritten], [0, expected().invoices, 0]);
  });
});
