import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import {
  InvalidAmountError,
  InvalidTimestampError,
  OlistImportError,
  normaliseTimeline,
  parseMinorUnits,
  parseOlistTimestamp,
  readOlist,
  resolveCategory,
  type OlistDataset,
  type TimelinePoint,
} from '../../src/infrastructure/import/olist/index.js';
import { readCsvRows } from '../../src/infrastructure/import/olist/csv.js';
import { computeExpectedOlistFigures, type ReportStatus } from '../support/olist-expected.js';

const SAMPLE = join(import.meta.dirname, '../../data/olist-sample');
const SHARED = join(import.meta.dirname, '../../../shared/data/olist');

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'olist-test-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Data lines of a CSV with one record per line, as the first field (unquoted). */
function firstFields(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => (line.split(',')[0] ?? '').replaceAll('"', ''));
}

describe('parseMinorUnits', () => {
  it('parses decimal strings exactly', () => {
    assert.equal(parseMinorUnits('199.90'), 19990);
    assert.equal(parseMinorUnits('0.5'), 50);
    assert.equal(parseMinorUnits('12'), 1200);
    assert.equal(parseMinorUnits('0.00'), 0);
    assert.equal(parseMinorUnits('1.15'), 115); // 1.15 * 100 = 114.99999999999999 as a float
    assert.equal(parseMinorUnits('6735.00'), 673500);
  });
  it('rejects more than two decimals, signs and junk', () => {
    for (const bad of ['1.234', '-1.00', '+1', '', '.5', '1.', '1,50', ' 1.00', 'abc', '1e3', '99999999999999999']) {
      assert.throws(() => parseMinorUnits(bad), InvalidAmountError, bad);
    }
  });
});

describe('parseOlistTimestamp', () => {
  it('reads local São Paulo time with the offset of that date (DST in 2017: until 19 Feb, from 15 Oct)', () => {
    assert.equal(parseOlistTimestamp('2017-01-05 12:01:20').iso, '2017-01-05T12:01:20.000-02:00');
    assert.equal(parseOlistTimestamp('2017-02-18 22:59:59').iso, '2017-02-18T22:59:59.000-02:00');
    assert.equal(parseOlistTimestamp('2017-02-19 00:00:00').iso, '2017-02-19T00:00:00.000-03:00');
    assert.equal(parseOlistTimestamp('2017-06-01 10:00:00').iso, '2017-06-01T10:00:00.000-03:00');
    assert.equal(parseOlistTimestamp('2017-10-02 10:56:33').iso, '2017-10-02T10:56:33.000-03:00');
    assert.equal(parseOlistTimestamp('2017-10-15 01:00:00').iso, '2017-10-15T01:00:00.000-02:00');
    assert.equal(parseOlistTimestamp('2017-12-31 19:28:24').iso, '2017-12-31T19:28:24.000-02:00');
    assert.equal(parseOlistTimestamp('2017-06-01 10:00:00').epochMillis, Date.UTC(2017, 5, 1, 13, 0, 0));
  });
  it('resolves the repeated hour to standard time and moves the skipped hour forward, flagged', () => {
    assert.equal(parseOlistTimestamp('2017-02-18 23:30:00').iso, '2017-02-18T23:30:00.000-03:00');
    const gap = parseOlistTimestamp('2017-10-15 00:30:00');
    assert.equal(gap.iso, '2017-10-15T01:30:00.000-02:00');
    assert.equal(gap.shiftedFromGap, true);
    assert.equal(parseOlistTimestamp('2017-10-15 01:30:00').shiftedFromGap, false);
  });
  it('agrees with luxon fromFormat for the first and last second of every hour of 2017', () => {
    for (let t = DateTime.utc(2017, 1, 1); t.year === 2017; t = t.plus({ hours: 1 })) {
      for (const text of [t.toFormat('yyyy-MM-dd HH:00:00'), t.toFormat('yyyy-MM-dd HH:59:59')]) {
        const luxon = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: 'America/Sao_Paulo' });
        assert.equal(parseOlistTimestamp(text).iso, luxon.toISO(), text);
        assert.equal(parseOlistTimestamp(text).epochMillis, luxon.toMillis(), text);
      }
    }
  });
  it('rejects malformed and out-of-range timestamps', () => {
    for (const bad of ['2017-02-30 10:00:00', '2017-13-01 00:00:00', '2017-01-01 24:00:00', '2017-01-01T10:00:00', '2017-01-01', '01/02/2017 10:00:00', '']) {
      assert.throws(() => parseOlistTimestamp(bad), InvalidTimestampError, bad);
    }
  });
});

describe('normaliseTimeline', () => {
  const at = (hour: number): TimelinePoint => ({ iso: `h${hour}`, epochMillis: hour * 3_600_000 });

  it('leaves an ordered timeline alone', () => {
    const timeline = { purchasedAt: at(1), approvedAt: at(2), shippedAt: at(3), deliveredAt: at(4) };
    assert.deepEqual(normaliseTimeline(timeline, true), { timeline, fixes: [] });
  });
  it('fills missing steps of a delivered order with the latest earlier known timestamp', () => {
    const { timeline, fixes } = normaliseTimeline({ purchasedAt: at(1), shippedAt: at(3) }, true);
    assert.deepEqual(timeline, { purchasedAt: at(1), approvedAt: at(1), shippedAt: at(3), deliveredAt: at(3) });
    assert.deepEqual(fixes, [
      { field: 'approvedAt', kind: 'filled', from: 'purchasedAt', value: 'h1' },
      { field: 'deliveredAt', kind: 'filled', from: 'shippedAt', value: 'h3' },
    ]);
  });
  it('keeps missing steps missing for orders not delivered', () => {
    const input = { purchasedAt: at(1), approvedAt: at(2) };
    assert.deepEqual(normaliseTimeline(input, false), { timeline: input, fixes: [] });
  });
  it('clamps a step earlier than the previous one up to it, for any status', () => {
    const { timeline, fixes } = normaliseTimeline({ purchasedAt: at(1), approvedAt: at(5), shippedAt: at(3), deliveredAt: at(4) }, false);
    assert.deepEqual(timeline, { purchasedAt: at(1), approvedAt: at(5), shippedAt: at(5), deliveredAt: at(5) });
    assert.deepEqual(fixes, [
      { field: 'shippedAt', kind: 'clamped', from: 'approvedAt', value: 'h5', original: 'h3' },
      { field: 'deliveredAt', kind: 'clamped', from: 'approvedAt', value: 'h5', original: 'h4' },
    ]);
  });
});

describe('resolveCategory', () => {
  const translations = new Map([['beleza_saude', 'health_beauty']]);
  it('uses the translation file, then our table, then the slug; empty is uncategorized', () => {
    assert.deepEqual(resolveCategory('beleza_saude', translations), { category: 'health_beauty', source: 'translation-file' });
    assert.deepEqual(resolveCategory('pc_gamer', translations), { category: 'gaming_pc', source: 'supplementary' });
    assert.deepEqual(resolveCategory('portateis_cozinha_e_preparadores_de_alimentos', translations), {
      category: 'portable_kitchen_and_food_preparers',
      source: 'supplementary',
    });
    assert.deepEqual(resolveCategory('algo_novo', translations), { category: 'algo_novo', source: 'untranslated' });
    assert.deepEqual(resolveCategory('', translations), { category: 'uncategorized', source: 'empty' });
  });
});

describe('readCsvRows', () => {
  it('gives the physical start line of each record, with a BOM, CRLF and a quoted line break', async () => {
    const dir = tempDir({ 'x.csv': '\ufeffa,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n5,"6"\r\n7\r\n8,9' });
    const rows = [];
    for await (const row of readCsvRows(join(dir, 'x.csv'), ['a', 'b'])) rows.push(row);
    assert.deepEqual(rows, [
      { line: 2, record: { a: '1', b: '2' } },
      { line: 3, record: { a: 'x\r\ny', b: '3' } },
      { line: 6, record: { a: '5', b: '6' } },
      { line: 7, record: { a: '7', b: undefined } },
      { line: 8, record: { a: '8', b: '9' } },
    ]);
  });
  it('fails on a missing column and on an unclosed quote', async () => {
    const dir = tempDir({ 'a.csv': 'a\n1\n', 'b.csv': 'a,b\n1,2\n"3,4\n' });
    await assert.rejects(async () => {
      for await (const _ of readCsvRows(join(dir, 'a.csv'), ['a', 'b'])) void _;
    }, (e: unknown) => e instanceof OlistImportError && e.line === 1 && /missing column\(s\) b/.test(e.message));
    await assert.rejects(async () => {
      for await (const _ of readCsvRows(join(dir, 'b.csv'), ['a', 'b'])) void _;
    }, (e: unknown) => e instanceof OlistImportError && e.file === 'b.csv' && e.line === 3);
  });
});

describe('readOlist on the committed sample', () => {
  let dataset: OlistDataset | undefined;
  const load = async (): Promise<OlistDataset> => (dataset ??= await readOlist(SAMPLE));

  it('reads every order with items, and every item row', async () => {
    const { orders, rejected } = await load();
    const orderIds = firstFields(join(SAMPLE, 'olist_orders_dataset.csv'));
    const itemOrderIds = firstFields(join(SAMPLE, 'olist_order_items_dataset.csv'));
    const withItems = new Set(itemOrderIds);
    const noItems = orderIds.filter((id) => !withItems.has(id));
    assert.equal(orderIds.length, 2000);
    assert.equal(orders.length, orderIds.length - noItems.length);
    assert.deepEqual(orders.map((o) => o.orderId), orderIds.filter((id) => withItems.has(id)));
    const units = orders.reduce((sum, o) => sum + o.items.reduce((s, i) => s + i.quantity, 0), 0);
    assert.equal(units, itemOrderIds.length);
    assert.deepEqual(
      rejected.map((r) => [r.orderId, r.message]),
      noItems.map((id) => [id, 'order has no items']),
    );
  });

  it('fills the domain shape: person id, ISO times, minor units, English categories', async () => {
    const { orders, products, customers, warnings } = await load();
    const first = orders[0];
    assert.ok(first);
    assert.equal(first.orderId, 'e481f51cbdc54678b7cc49136f2d6af7');
    assert.equal(first.customerId, '7c396fd4830fd04220f754e42b4e5bff');
    assert.equal(first.purchasedAt, '2017-10-02T10:56:33.000-03:00');
    assert.deepEqual(first.items, [
      { productId: '87285b34884572647811a353c7ac498a', sellerId: '3504c0cb71d7fa48d967e0e4c94d59d9', unitPriceMinor: 2999, quantity: 1, freightMinor: 872, category: 'housewares' },
    ]);
    assert.deepEqual(first.payments.map((p) => p.valueMinor), [1812, 1859, 200]);
    assert.deepEqual(first.source, { file: 'olist_orders_dataset.csv', line: 2 });
    for (const order of orders) {
      assert.ok(customers.has(order.customerId));
      for (const item of order.items) assert.equal(products.get(item.productId)?.category, item.category);
      if (order.status === 'delivered') assert.ok(order.approvedAt && order.shippedAt && order.deliveredAt, order.orderId);
    }
    assert.ok([...products.values()].some((p) => p.category === 'uncategorized'));
    assert.ok(warnings.length > 0 && warnings.every((w) => w.orderId && w.file === 'olist_orders_dataset.csv'));
  });

  it('agrees with the independent expected-figures calculator', async () => {
    const { orders, rejected } = await load();
    const expected = computeExpectedOlistFigures(SAMPLE, { excludeOrderIds: rejected.flatMap((r) => r.orderId ?? []) });
    assert.equal(expected.orders, orders.length);
    const status: Record<string, ReportStatus> = {
      delivered: 'delivered', shipped: 'shipped', invoiced: 'confirmed', processing: 'confirmed',
      approved: 'confirmed', created: 'pending', canceled: 'cancelled', unavailable: 'cancelled',
    };
    const byStatus: Record<ReportStatus, number> = { pending: 0, confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 };
    let gmv = 0;
    for (const order of orders) {
      const s = status[order.status] ?? 'pending';
      byStatus[s] += 1;
      if (s !== 'cancelled') for (const item of order.items) gmv += item.unitPriceMinor * item.quantity;
    }
    assert.deepEqual(expected.ordersByStatus, byStatus);
    assert.deepEqual(expected.gmv, { currency: 'BRL', minor: gmv });
    assert.equal(expected.gmvByCategory.reduce((sum, c) => sum + c.minor, 0), gmv);
  });
});

describe('readOlist on malformed input', () => {
  const ORDERS_HEADER =
    '"order_id","customer_id","order_status","order_purchase_timestamp","order_approved_at","order_delivered_carrier_date","order_delivered_customer_date","order_estimated_delivery_date"\n';
  const order = (id: string, customer: string, status: string, purchased: string, approved = '', carrier = '', delivered = '') =>
    `${id},"${customer}",${status},${purchased},${approved},${carrier},${delivered},2017-12-01 00:00:00\n`;
  const item = (orderId: string, n: number, product: string, price: string, freight = '1.00') =>
    `"${orderId}",${n},"${product}",s1,2017-01-01 00:00:00,${price},${freight}\n`;

  const files = {
    'olist_orders_dataset_2017_first10k.csv':
      ORDERS_HEADER +
      order('o1', 'c1', 'delivered', '2017-05-01 10:00:00', '2017-05-01 11:00:00', '2017-05-02 09:00:00', '2017-05-05 15:00:00') + // 2 good
      order('o2', 'c2', 'shipped', '2017-05-01 10:00:00') + // 3 bad price
      order('o3', 'c3', 'invoiced', '2017-05-01 10:00:00') + // 4 unknown product
      order('o4', 'c4', 'processing', '2017-02-30 10:00:00') + // 5 bad timestamp
      order('o5', 'c5', 'created', '2017-05-01 10:00:00') + // 6 duplicated below
      order('o5', 'c5', 'created', '2017-05-01 10:00:00') + // 7 duplicate
      order('o6', 'c1', 'lost', '2017-05-01 10:00:00') + // 8 unknown status
      order('o7', 'c404', 'approved', '2017-05-01 10:00:00') + // 9 missing customer
      order('o8', 'c1', 'unavailable', '2017-05-01 10:00:00') + // 10 no items
      order('o9', 'c1', 'canceled', '2017-05-01 10:00:00') + // 11 bad payment
      order('o10', 'c10', 'delivered', '2017-01-05 12:01:20', '', '2017-01-04 08:00:00', '') + // 12 quirks, kept
      order('o11', 'c11', 'shipped', '2017-11-20 09:00:00', '2017-11-20 10:00:00', '2017-11-21 10:00:00'), // 13 good
    'olist_order_items_dataset_2017_first10k.csv':
      '"order_id","order_item_id","product_id","seller_id","shipping_limit_date","price","freight_value"\n' +
      item('o1', 1, 'p1', '199.90', '10.05') + // 2
      item('o1', 2, 'p2', '0.5') + // 3
      item('o1', 3, 'p1', '199.90', '10.05') + // 4
      item('o2', 1, 'p1', '1.234') + // 5 bad price
      item('o3', 1, 'p404', '10.00') + // 6 unknown product
      item('o4', 1, 'p1', '10.00') + // 7
      item('o5', 1, 'p1', '10.00') + // 8
      item('o6', 1, 'p1', '10.00') + // 9
      item('o7', 1, 'p1', '10.00') + // 10
      item('o9', 1, 'p1', '10.00') + // 11
      item('o10', 1, 'p3', '20.00') + // 12
      item('o11', 1, 'p4', '30.00') + // 13
      item('ghost', 1, 'p404', '-1'), // 14 order not in the orders file: ignored
    'olist_order_payments_dataset.csv':
      '"order_id","payment_sequential","payment_type","payment_installments","payment_value"\r\n' +
      'o1,2,voucher,1,20.00\r\n' + // 2
      'o1,1,credit_card,3,400.00\r\n' + // 3
      '"o9",1,boleto,1,12.345\r\n' + // 4 malformed value
      'ghost,1,cash,x,y\r\n' + // 5 ignored
      'o11,1,debit_card,0,31.00\r\n', // 6
    'olist_customers_dataset.csv':
      '"customer_id","customer_unique_id","customer_zip_code_prefix","customer_city","customer_state"\n' +
      ['c1', 'c2', 'c3', 'c4', 'c5', 'c10', 'c11']
        .map((c) => `"${c}","${c === 'c11' ? 'u1' : `u-${c}`}","01001",${c === 'c11' ? 'rio de janeiro,RJ' : 'sao paulo,SP'}\n`)
        .join('')
        .replace('"u-c1"', '"u1"'),
    'olist_products_dataset.csv':
      '"product_id","product_category_name","product_name_lenght","product_description_lenght","product_photos_qty","product_weight_g","product_length_cm","product_height_cm","product_width_cm"\n' +
      '"p1",beleza_saude,40,287,1,225,16,10,14\n' +
      '"p2",,40,287,1,225,16,10,14\n' +
      '"p3",pc_gamer,40,287,1,225,16,10,14\n' +
      '"p4",categoria_nova,40,287,1,225,16,10,14\n',
    'product_category_name_translation.csv': '\ufeffproduct_category_name,product_category_name_english\r\nbeleza_saude,health_beauty\r\n',
  };

  it('rejects each bad order with the file and line of the offending row and keeps the good ones', async () => {
    const dir = tempDir(files);
    const { orders, rejected, warnings, customers, products } = await readOlist(dir);
    const ORDERS = 'olist_orders_dataset_2017_first10k.csv';
    const ITEMS = 'olist_order_items_dataset_2017_first10k.csv';
    const PAYMENTS = 'olist_order_payments_dataset.csv';
    const got = rejected.map(({ file, line, orderId }) => ({ file, line, orderId }));
    const want = [
      { file: ORDERS, line: 5, orderId: 'o4' },
      { file: ORDERS, line: 7, orderId: 'o5' },
      { file: ORDERS, line: 8, orderId: 'o6' },
      { file: ITEMS, line: 5, orderId: 'o2' },
      { file: PAYMENTS, line: 4, orderId: 'o9' },
      { file: ITEMS, line: 6, orderId: 'o3' },
      { file: ORDERS, line: 9, orderId: 'o7' },
      { file: ORDERS, line: 10, orderId: 'o8' },
    ];
    assert.deepEqual(got, want);
    const message = (orderId: string) => rejected.find((r) => r.orderId === orderId)?.message ?? '';
    assert.match(message('o2'), /^price: '1\.234'/);
    assert.match(message('o3'), /product_id p404 is not in the products file/);
    assert.match(message('o4'), /^order_purchase_timestamp: '2017-02-30 10:00:00' is not a valid timestamp/);
    assert.match(message('o5'), /duplicate order id o5 \(first on line 6\)/);
    assert.match(message('o6'), /unknown order status "lost"/);
    assert.match(message('o7'), /customer_id c404/);
    assert.equal(message('o8'), 'order has no items');
    assert.match(message('o9'), /^payment_value: '12\.345'/);

    assert.deepEqual(orders.map((o) => o.orderId), ['o1', 'o10', 'o11']);
    const [o1, o10, o11] = orders;
    assert.deepEqual(o1?.items, [
      { productId: 'p1', sellerId: 's1', category: 'health_beauty', unitPriceMinor: 19990, quantity: 2, freightMinor: 2010 },
      { productId: 'p2', sellerId: 's1', category: 'uncategorized', unitPriceMinor: 50, quantity: 1, freightMinor: 100 },
    ]);
    assert.deepEqual(o1?.payments, [
      { sequential: 1, type: 'credit_card', installments: 3, valueMinor: 40000 },
      { sequential: 2, type: 'voucher', installments: 1, valueMinor: 2000 },
    ]);
    assert.equal(o1?.deliveredAt, '2017-05-05T15:00:00.000-03:00');
    assert.deepEqual(o1?.source, { file: ORDERS, line: 2 });

    // o10: delivered, approval missing (filled from purchase), carrier before purchase (clamped), delivery missing (filled)
    assert.equal(o10?.purchasedAt, '2017-01-05T12:01:20.000-02:00');
    assert.equal(o10?.approvedAt, o10?.purchasedAt);
    assert.equal(o10?.shippedAt, o10?.purchasedAt);
    assert.equal(o10?.deliveredAt, o10?.purchasedAt);
    assert.deepEqual(o10?.timelineFixes.map((f) => `${f.field}:${f.kind}`), ['approvedAt:filled', 'shippedAt:clamped', 'deliveredAt:filled']);
    assert.equal(o10?.items[0]?.category, 'gaming_pc');
    assert.equal(o11?.items[0]?.category, 'categoria_nova');
    assert.equal(o11?.deliveredAt, undefined);

    assert.deepEqual(
      warnings.map((w) => [w.file, w.line, w.orderId ?? null]),
      [
        [ORDERS, 12, 'o10'],
        [ORDERS, 12, 'o10'],
        [ORDERS, 12, 'o10'],
        [ORDERS, 12, 'o10'],
        ['olist_products_dataset.csv', 5, null],
      ],
    );
    assert.match(warnings[3]?.message ?? '', /order has no payments/);
    assert.match(warnings[4]?.message ?? '', /categoria_nova has no English translation/);

    assert.deepEqual([...customers.keys()].sort(), ['u-c10', 'u1']);
    assert.deepEqual(customers.get('u1'), { customerUniqueId: 'u1', city: 'rio de janeiro', state: 'RJ' }); // latest purchase wins
    assert.deepEqual([...products.keys()].sort(), ['p1', 'p2', 'p3', 'p4']);

    const expected = computeExpectedOlistFigures(dir, { excludeOrderIds: rejected.flatMap((r) => r.orderId ?? []) });
    assert.equal(expected.orders, orders.length);
    assert.deepEqual(expected.gmv, { currency: 'BRL', minor: 19990 * 2 + 50 + 2000 + 3000 });
  });

  it('with a limit, reads and reports only the first N orders of the orders file', async () => {
    const { orders, rejected, warnings, customers, products } = await readOlist(tempDir(files), { limit: 5 });
    assert.deepEqual(orders.map((o) => o.orderId), ['o1']);
    // o1–o5 considered; o5's repeat on line 7, past the limit, still rejects it; o6–o11 are not reported.
    assert.deepEqual(rejected.map((r) => r.orderId).sort(), ['o2', 'o3', 'o4', 'o5']);
    assert.deepEqual(warnings, []);
    assert.deepEqual([...customers.keys()], ['u1']);
    assert.deepEqual([...products.keys()].sort(), ['p1', 'p2']);
  });

  it('fails when the orders/items pair or another file is missing', async () => {
    const { ['olist_order_items_dataset_2017_first10k.csv']: _items, ...noItems } = files;
    await assert.rejects(readOlist(tempDir(noItems)), OlistImportError);
    const { ['olist_customers_dataset.csv']: _customers, ...noCustomers } = files;
    await assert.rejects(readOlist(tempDir(noCustomers)), /olist_customers_dataset\.csv: required Olist file is missing/);
  });
});

describe('readOlist on the shared 10k-order subset', { skip: !existsSync(SHARED) && 'shared data not present' }, () => {
  it('agrees with the expected-figures calculator', async () => {
    const { orders, rejected } = await readOlist(SHARED);
    const expected = computeExpectedOlistFigures(SHARED, { excludeOrderIds: rejected.flatMap((r) => r.orderId ?? []) });
    assert.equal(orders.length, 9889);
    assert.equal(expected.orders, orders.length);
  });
});
