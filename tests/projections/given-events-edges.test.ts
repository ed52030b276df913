import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  categoryTree,
  couponRedemptions,
  findOrder,
  listCatalogue,
  paymentOutcomes,
  salesByProduct,
  salesReport,
  stockAlerts,
  walletFlows,
} from '../../src/application/queries/index.js';
import { InvalidMoneyError } from '../../src/domain/shared/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { projections } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { checksum, given, projectAll, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (day: string, time: string) => `2026-03-${day}T${time}:00.000+03:00`;
const line = (sku: string, category: string, quantity: number, unit: number, warehouseId = 'izmir') => ({
  sku, name: `Product ${sku}`, category, warehouseId, unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity),
});
const page = { limit: 100, offset: 0 };
/** 2^53 − 1 − 991: a credit that a few more minor units take beyond what a JS number holds exactly. */
const BIG = 9007199254740000;

/**
 * Given raw events — external payments recorded by several events, thresholds set on stock
 * that had none (before the stock aggregate raised an alert for it), split allocations,
 * categories spelled with `>`, amounts summing beyond 2^53 − 1 — the read models and their
 * queries answer the truth, whatever the batch size.
 */
describe('projections: given events at the edges → rows and answers', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string, tenant?: string) => given(store, stream, type, data, when, tenant);
    const placed = (orderId: string, lines: ReturnType<typeof line>[], extra: Record<string, unknown> = {}) => {
      const subtotal = lines.reduce((s, l) => s + l.lineTotal.minor, 0);
      return { orderId, customerId: 'c1', basketId: `b-${orderId}`, lines, subtotal: TRY(subtotal), shipping: TRY(0), total: TRY(subtotal), ...extra };
    };
    // Payments. o1: captured at checkout (the plan's capturedReference), then confirmed with that payment and the wallet part.
    await g('order-acme:o1', 'OrderPlaced', placed('o1', [line('A', 'home', 1, 2500)], { payment: { wallet: TRY(500), external: TRY(2000), method: 'card', capturedReference: 'p1' } }), at('01', '10:00'));
    await g('order-acme:o1', 'OrderPaymentConfirmed', { orderId: 'o1', payments: [{ method: 'wallet', amount: TRY(500), reference: 'wallet:c1' }, { method: 'card', amount: TRY(2000), reference: 'p1' }], amount: TRY(2500) }, at('01', '10:00'));
    // o2: captured at checkout before capturedReference was recorded: the confirmation is its only record.
    await g('order-acme:o2', 'OrderPlaced', placed('o2', [line('A', 'home', 1, 700)], { payment: { wallet: TRY(0), external: TRY(700), method: 'card' } }), at('01', '11:00'));
    await g('order-acme:o2', 'OrderPaymentConfirmed', { orderId: 'o2', payments: [{ method: 'card', amount: TRY(700), reference: 'p2' }], amount: TRY(700) }, at('01', '11:00'));
    // o3: declined, then captured by the provider's report, then confirmed with that capture (the next day).
    await g('order-acme:o3', 'OrderPlaced', placed('o3', [line('A', 'home', 1, 900)], { payment: { wallet: TRY(0), external: TRY(900), method: 'card' } }), at('01', '12:00'));
    await g('order-acme:o3', 'OrderPaymentDeclined', { orderId: 'o3', method: 'card', reference: 'p3a', amount: TRY(900), reason: 'insufficient-funds' }, at('01', '12:01'));
    await g('order-acme:o3', 'OrderPaymentCaptured', { orderId: 'o3', method: 'card', reference: 'p3b', amount: TRY(900) }, at('01', '23:59'));
    await g('order-acme:o3', 'OrderPaymentConfirmed', { orderId: 'o3', payments: [{ method: 'card', amount: TRY(900), reference: 'p3b' }], amount: TRY(900) }, at('02', '00:01'));
    // o4: a bank transfer an admin confirmed directly; o5: paid by the wallet alone (no external payment).
    await g('order-acme:o4', 'OrderPaymentConfirmed', { orderId: 'o4', payments: [{ method: 'bank-transfer', amount: TRY(1200), reference: 'EFT-4' }], amount: TRY(1200) }, at('02', '09:00'));
    await g('order-acme:o5', 'OrderPaymentConfirmed', { orderId: 'o5', payments: [{ method: 'wallet', amount: TRY(300), reference: 'wallet:c1' }], amount: TRY(300) }, at('02', '09:30'));

    // Stock. S1: 3 at izmir (low against the default 5), then a threshold of 1: the aggregate raises no alert (it tracked no level), the level is ok.
    await g('stock-acme:S1@izmir', 'StockReceived', { sku: 'S1', warehouseId: 'izmir', quantity: 3, reference: 'po', onHand: 3 }, at('01', '09:00'));
    await g('stock-acme:S1@izmir', 'StockThresholdSet', { sku: 'S1', warehouseId: 'izmir', lowStock: 1 }, at('01', '09:05'));
    // S2: 10 (ok), threshold 2, then reservations down to 2 (LowStock) and 0 (OutOfStock), then a release back to 4 (BackInStock, ok).
    await g('stock-acme:S2@izmir', 'StockReceived', { sku: 'S2', warehouseId: 'izmir', quantity: 10, reference: 'po', onHand: 10 }, at('01', '09:00'));
    await g('stock-acme:S2@izmir', 'StockThresholdSet', { sku: 'S2', warehouseId: 'izmir', lowStock: 2 }, at('01', '09:01'));
    await g('stock-acme:S2@izmir', 'StockReserved', { sku: 'S2', warehouseId: 'izmir', orderId: 'x1', quantity: 8, available: 2 }, at('01', '09:02'));
    await g('stock-acme:S2@izmir', 'LowStock', { sku: 'S2', warehouseId: 'izmir', available: 2, threshold: 2 }, at('01', '09:02'));
    await g('stock-acme:S2@izmir', 'StockReserved', { sku: 'S2', warehouseId: 'izmir', orderId: 'x2', quantity: 2, available: 0 }, at('01', '09:03'));
    await g('stock-acme:S2@izmir', 'OutOfStock', { sku: 'S2', warehouseId: 'izmir', available: 0, threshold: 2 }, at('01', '09:03'));
    await g('stock-acme:S3@izmir', 'StockReceived', { sku: 'S3', warehouseId: 'izmir', quantity: 4, reference: 'po', onHand: 4 }, at('01', '09:00'));
    await g('stock-acme:S3@izmir', 'StockThresholdSet', { sku: 'S3', warehouseId: 'izmir', lowStock: 6 }, at('01', '09:10'));
    await g('stock-acme:S3@izmir', 'LowStock', { sku: 'S3', warehouseId: 'izmir', available: 4, threshold: 6 }, at('01', '09:10'));

    // Allocations. o6: 4 of K, 3 from izmir and 1 from ankara (named twice: summed), and 1 of A moved whole to ankara;
    // o7: placed before allocations were recorded: each line whole from its warehouse.
    await g('order-acme:o6', 'OrderPlaced', placed('o6', [line('K', 'home', 4, 100), line('A', 'home', 1, 100)], {
      allocations: [
        { lineIndex: 0, sku: 'K', warehouseId: 'izmir', quantity: 2 },
        { lineIndex: 0, sku: 'K', warehouseId: 'ankara', quantity: 1 },
        { lineIndex: 1, sku: 'A', warehouseId: 'ankara', quantity: 1 },
        { lineIndex: 0, sku: 'K', warehouseId: 'izmir', quantity: 1 },
      ],
    }), at('03', '10:00'));
    await g('order-acme:o7', 'OrderPlaced', placed('o7', [line('K', 'home', 2, 100)]), at('03', '11:00'));

    // Categories spelled with `>`.
    await g('product-acme:HK-1', 'ProductRegistered', { sku: 'HK-1', name: 'Pot', category: 'Home > Kitchen', price: TRY(1500) }, at('01', '09:00'));
    await g('product-acme:HG-1', 'ProductRegistered', { sku: 'HG-1', name: 'Rake', category: 'Home/Garden', price: TRY(800) }, at('01', '09:00'));

    // Amounts beyond 2^53 − 1. Tenant big: wallet credits summing to BIG + 100 001; orders of one product on one
    // day, BIG + 993 placed and the 993 cancelled (net BIG); discounts of BIG + 993 held, 993 released.
    const b = (stream: string, type: string, data: Record<string, unknown>, when: string) => g(stream, type, data, when, 'big');
    for (const [i, minor] of [BIG, 100_000, 1].entries()) {
      await b(`wallet-big:w${i}`, 'WalletCredited', { walletId: `w${i}`, amount: TRY(minor), reason: 'adjustment', reference: `r${i}`, balance: TRY(minor) }, at('01', '10:00'));
    }
    await b('order-big:o1', 'OrderPlaced', placed('o1', [line('X', 'tools', 1, BIG)]), at('01', '10:00'));
    await b('order-big:o2', 'OrderPlaced', placed('o2', [line('X', 'tools', 1, 993)]), at('01', '11:00'));
    await b('order-big:o2', 'OrderCancelled', { orderId: 'o2', reason: 'x', previousStatus: 'pending' }, at('01', '12:00'));
    await b('campaign-big:C', 'CouponRedemptionHeld', { code: 'C', orderId: 'o1', customerId: 'c1', discount: TRY(BIG), at: at('01', '10:00') }, at('01', '10:00'));
    await b('campaign-big:C', 'CouponRedemptionHeld', { code: 'C', orderId: 'o2', customerId: 'c1', discount: TRY(993), at: at('01', '11:00') }, at('01', '11:00'));
    await b('campaign-big:C', 'CouponRedemptionReleased', { code: 'C', orderId: 'o2', customerId: 'c1', discount: TRY(993), reason: 'order-cancelled' }, at('01', '12:00'));
    // Tenant huge: GMV of two categories, each within 2^53 − 1, whose sum is not.
    await g('order-huge:o1', 'OrderPlaced', placed('o1', [line('X', 'tools', 1, BIG)]), at('01', '10:00'), 'huge');
    await g('order-huge:o2', 'OrderPlaced', placed('o2', [line('Y', 'toys', 1, BIG)]), at('01', '10:00'), 'huge');
  });
  after(() => database.drop());

  const project = (batchSize: number) => projectAll(store, database.db, batchSize);

  it('payments: each captured external payment once, whichever events record it; declines apart; wallet parts are no payments', async () => {
    await project(1000);
    assert.deepEqual(await paymentOutcomes(database.db, 'acme', page), [
      { day: '2026-03-01', method: 'card', outcome: 'captured', count: 3, amount: TRY(2000 + 700 + 900) },
      { day: '2026-03-01', method: 'card', outcome: 'declined', count: 1, amount: TRY(900) },
      { day: '2026-03-02', method: 'bank-transfer', outcome: 'captured', count: 1, amount: TRY(1200) },
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_captured_payments', ['order_id', 'reference', 'method', 'day', 'amount_minor']), [
      ['o1', 'p1', 'card', '2026-03-01', 2000],
      ['o2', 'p2', 'card', '2026-03-01', 700],
      ['o3', 'p3b', 'card', '2026-03-01', 900],
      ['o4', 'EFT-4', 'bank-transfer', '2026-03-02', 1200],
    ]);
  });

  it('stock alerts: the level is the stock aggregate rule on available units and threshold, also right after a threshold is set', async () => {
    await project(1000);
    assert.deepEqual(await rows(database.db, 'analytics_stock', ['sku', 'available', 'threshold', 'level', 'level_since', 'domain_alerts']), [
      ['S1', 3, 1, 'ok', new Date(at('01', '09:05')).toISOString(), true],
      ['S2', 0, 2, 'out', new Date(at('01', '09:03')).toISOString(), true],
      ['S3', 4, 6, 'low', new Date(at('01', '09:00')).toISOString(), true],
    ]);
    const alerts = await stockAlerts(database.db, 'acme', page);
    assert.deepEqual(alerts.map((a) => [a.sku, a.level, a.available, a.threshold]), [['S2', 'out', 0, 2], ['S3', 'low', 4, 6]]);
    // The catalogue's per-warehouse figures agree (S1: 3 > 1 is in stock).
    assert.deepEqual(await rows(database.db, 'catalogue_stock', ['sku', 'on_hand', 'reserved', 'low_stock_threshold']), [['S1', 3, 0, 1], ['S2', 10, 10, 2], ['S3', 4, 0, 6]]);
  });

  it('orders: each line with the warehouses its units were allocated to; one warehouse only when it is the only one', async () => {
    await project(1000);
    const o6 = await findOrder(database.db, 'acme', 'o6');
    assert.deepEqual(o6?.lines.map((l) => [l.sku, l.quantity, l.warehouseId, l.allocations]), [
      ['K', 4, null, [{ warehouseId: 'izmir', quantity: 3 }, { warehouseId: 'ankara', quantity: 1 }]],
      ['A', 1, 'ankara', undefined],
    ]);
    assert.deepEqual(await rows(database.db, 'order_line_allocations', ['order_id', 'line_no', 'seq', 'warehouse_id', 'quantity'], sql`tenant_id = 'acme' and order_id in ('o6', 'o7')`), [
      ['o6', 1, 1, 'izmir', 3],
      ['o6', 1, 2, 'ankara', 1],
      ['o6', 2, 1, 'ankara', 1],
      ['o7', 1, 1, 'izmir', 2],
    ]);
    const o7 = await findOrder(database.db, 'acme', 'o7');
    assert.deepEqual(o7?.lines.map((l) => [l.sku, l.quantity, l.warehouseId, l.allocations]), [['K', 2, 'izmir', undefined]]);
  });

  it('catalogue: a category filter finds products however the category is spelled (`>` or `/`, spaces)', async () => {
    await project(1000);
    const skus = async (category: string) => (await listCatalogue(database.db, 'acme', { category, ...page })).map((i) => i.sku);
    for (const spelling of ['Home > Kitchen', 'Home/Kitchen', ' Home /Kitchen ', 'Home>Kitchen']) assert.deepEqual(await skus(spelling), ['HK-1'], spelling);
    assert.deepEqual(await skus('Home'), ['HG-1', 'HK-1']);
    assert.deepEqual(await skus('Home > Garden'), ['HG-1']);
    const tree = await categoryTree(database.db, 'acme', 'Home > Kitchen');
    assert.deepEqual(tree.map((n) => [n.path, n.products]), [['Home/Kitchen', 1]]);
  });

  it('money: sums beyond 2^53 − 1 are stored exactly, differences come back exact, and a figure Money cannot carry fails the query', async () => {
    await project(1000);
    assert.deepEqual(await rows(database.db, 'analytics_wallet_daily', ['tenant_id', 'flow', 'count']), [['big', 'adjustment', 3]]);
    const { rows: stored } = await database.pool.query<{ amount: string }>(`select amount_minor::text as amount from analytics_wallet_daily where tenant_id = 'big'`);
    assert.deepEqual(stored.map((r) => r.amount), ['9007199254840001']);
    await assert.rejects(walletFlows(database.db, 'big', page), InvalidMoneyError);
    // Net GMV: BIG + 993 placed − 993 cancelled, exactly (as JS numbers BIG + 993 would round to BIG + 992).
    const [day] = await salesByProduct(database.db, 'big', page);
    assert.deepEqual(day?.gmv, TRY(BIG));
    // The discounts held, BIG + 993, cannot be given as Money: the whole answer is refused, not rounded.
    await assert.rejects(couponRedemptions(database.db, 'big', page), InvalidMoneyError);
    await assert.rejects(salesReport(database.db, 'huge'), InvalidMoneyError);
    assert.deepEqual((await salesReport(database.db, 'big')).gmvByCurrency, [TRY(BIG)]);
  });

  it('gives the same rows whatever the batch size', async () => {
    const tables = projections.flatMap((p) => p.tables);
    await project(1000);
    const once = await checksum(database.db, tables);
    for (const size of [1, 2, 5]) {
      await project(size);
      assert.deepEqual(await checksum(database.db, tables), once, `batch size ${size}`);
    }
  });
});
