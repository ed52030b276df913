import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { analyticsProjection, ProjectionFailedError, Projector, projections, setPaused } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { checksum, given, projectAll, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (day: string, time: string) => `2026-03-${day}T${time}:00.000+03:00`;
const utc = (day: string, time: string) => new Date(at(day, time)).toISOString();
const line = (sku: string, name: string, category: string, quantity: number, unit: number) => ({
  sku, name, category, warehouseId: 'w1', unitPrice: TRY(unit), quantity, lineTotal: TRY(unit * quantity),
});

/**
 * Given a fixed history of raw events (two tenants, an unknown event type, cancellations,
 * stock moves across levels, wallet flows, baskets, a guest), every projection's rows
 * are exactly the expected ones, whatever the batch size.
 */
describe('projections: given events → rows', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string, tenant?: string) => given(store, stream, type, data, when, tenant);
    await g('product-acme:A', 'ProductRegistered', { sku: 'A', name: 'Red Mug', category: 'home/kitchen', price: TRY(1000) }, at('01', '09:00'));
    await g('product-acme:B', 'ProductRegistered', { sku: 'B', name: 'Blue Pen', category: 'office', price: TRY(250) }, at('01', '09:01'));
    await g('product-acme:A', 'ProductPriceChanged', { sku: 'A', previousPrice: TRY(1000), price: TRY(1200) }, at('01', '09:02'));
    await g('stock-acme:A@w1', 'StockReceived', { sku: 'A', warehouseId: 'w1', quantity: 10, reference: 'po', onHand: 10 }, at('01', '09:03'));
    await g('stock-acme:A@w2', 'StockReceived', { sku: 'A', warehouseId: 'w2', quantity: 3, reference: 'po', onHand: 3 }, at('01', '09:04'));
    await g('stock-acme:B@w1', 'StockReceived', { sku: 'B', warehouseId: 'w1', quantity: 2, reference: 'po', onHand: 2 }, at('01', '09:05'));
    await g('other-acme:1', 'SomethingNobodyProjects', { anything: true }, at('01', '09:06'));
    await g('wallet-acme:c1', 'WalletOpened', { walletId: 'c1', customerId: 'c1', currency: 'TRY' }, at('01', '09:10'));
    await g('wallet-acme:c1', 'WalletCredited', { walletId: 'c1', amount: TRY(500), reason: 'top-up', reference: 'r', balance: TRY(500) }, at('01', '09:11'));
    await g('wallet-acme:c1', 'WalletCredited', { walletId: 'c1', amount: TRY(200), reason: 'voucher', reference: 'v', balance: TRY(700) }, at('01', '09:12'));
    await g('basket-acme:b1', 'BasketOpened', { basketId: 'b1', customerId: 'c1', currency: 'TRY' }, at('01', '10:15'));
    const o1Lines = [line('A', 'Red Mug', 'home/kitchen', 2, 1200), line('B', 'Blue Pen', 'office', 1, 250)];
    await g('order-acme:o1', 'OrderPlaced', { orderId: 'o1', customerId: 'c1', basketId: 'b1', lines: o1Lines, subtotal: TRY(2650), shipping: TRY(500), total: TRY(3150) }, at('01', '10:30'));
    await g('stock-acme:A@w1', 'StockReserved', { sku: 'A', warehouseId: 'w1', orderId: 'o1', quantity: 2, available: 8 }, at('01', '10:30'));
    await g('stock-acme:B@w1', 'StockReserved', { sku: 'B', warehouseId: 'w1', orderId: 'o1', quantity: 1, available: 1 }, at('01', '10:30'));
    await g('wallet-acme:c1', 'WalletDebited', { walletId: 'c1', orderId: 'o1', amount: TRY(700), balance: TRY(0) }, at('01', '10:30'));
    await g('basket-acme:b1', 'BasketCheckedOut', { basketId: 'b1', orderId: 'o1', customerId: 'c1', lines: [], subtotal: TRY(2650) }, at('01', '10:31'));
    await g('order-acme:o1', 'OrderPaymentConfirmed', { orderId: 'o1', payments: [], amount: TRY(3150) }, at('01', '11:00'));
    await g('basket-acme:b2', 'BasketOpened', { basketId: 'b2', customerId: 'c2', currency: 'TRY' }, at('02', '23:00'));
    await g('order-acme:o2', 'OrderPlaced', { orderId: 'o2', customerId: 'c2', basketId: 'b2', lines: [line('A', 'Red Mug', 'home/kitchen', 1, 1200)], subtotal: TRY(1200), shipping: TRY(0), total: TRY(1200) }, at('02', '23:30'));
    await g('stock-acme:A@w1', 'StockReserved', { sku: 'A', warehouseId: 'w1', orderId: 'o2', quantity: 1, available: 7 }, at('02', '23:30'));
    await g('order-acme:o1', 'OrderShipped', { orderId: 'o1' }, at('02', '09:00'));
    await g('stock-acme:A@w1', 'StockShipped', { sku: 'A', warehouseId: 'w1', orderId: 'o1', quantity: 2, onHand: 8 }, at('02', '09:00'));
    await g('stock-acme:B@w1', 'StockShipped', { sku: 'B', warehouseId: 'w1', orderId: 'o1', quantity: 1, onHand: 1 }, at('02', '09:00'));
    await g('order-acme:o2', 'OrderCancelled', { orderId: 'o2', reason: 'customer request', previousStatus: 'pending' }, at('03', '08:00'));
    await g('stock-acme:A@w1', 'StockReleased', { sku: 'A', warehouseId: 'w1', orderId: 'o2', quantity: 1, reason: 'customer request', available: 8 }, at('03', '08:00'));
    await g('order-acme:o1', 'OrderDelivered', { orderId: 'o1' }, at('04', '16:00'));
    await g('order-acme:o3', 'OrderPlaced', { orderId: 'o3', customerId: 'c1', basketId: 'b3', lines: [line('B', 'Blue Pen', 'office', 1, 250)], subtotal: TRY(250), shipping: TRY(0), total: TRY(250) }, at('05', '14:10'));
    await g('stock-acme:B@w1', 'StockReserved', { sku: 'B', warehouseId: 'w1', orderId: 'o3', quantity: 1, available: 0 }, at('05', '14:10'));
    await g('wallet-acme:c1', 'WalletDebited', { walletId: 'c1', orderId: 'o3', amount: TRY(250), balance: TRY(0) }, at('05', '14:10'));
    await g('order-acme:o3', 'OrderCancelled', { orderId: 'o3', reason: 'out of stock', previousStatus: 'pending' }, at('05', '15:00'));
    await g('stock-acme:B@w1', 'StockReleased', { sku: 'B', warehouseId: 'w1', orderId: 'o3', quantity: 1, reason: 'x', available: 1 }, at('05', '15:00'));
    await g('wallet-acme:c1', 'WalletRefunded', { walletId: 'c1', orderId: 'o3', amount: TRY(250), balance: TRY(250) }, at('05', '15:00'));
    await g('order-acme:o4', 'OrderPlaced', { orderId: 'o4', customerId: 'guest-77', basketId: 'g77', lines: [line('B', 'Blue Pen', 'office', 1, 250)], subtotal: TRY(250), shipping: TRY(0), total: TRY(250) }, at('06', '12:00'));
    await g('product-globex:A', 'ProductRegistered', { sku: 'A', name: 'Globex A', category: 'tools', price: { minor: 99, currency: 'EUR' } }, at('01', '09:00'), 'globex');
  });
  after(() => database.drop());

  const acme = sql`tenant_id = 'acme'`;

  const project = (batchSize: number) => projectAll(store, database.db, batchSize);

  it('catalogue: products with price, availability over warehouses and stock status; stock per warehouse; category tree', async () => {
    await project(1000);
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['tenant_id', 'sku', 'name', 'category_path', 'price_minor', 'currency', 'on_hand', 'reserved', 'available', 'stock_status', 'registered_at', 'updated_at']), [
      ['acme', 'A', 'Red Mug', 'home/kitchen', 1200, 'TRY', 11, 0, 11, 'in-stock', utc('01', '09:00'), utc('01', '09:02')],
      ['acme', 'B', 'Blue Pen', 'office', 250, 'TRY', 1, 0, 1, 'low', utc('01', '09:01'), utc('01', '09:01')],
      ['globex', 'A', 'Globex A', 'tools', 99, 'EUR', 0, 0, 0, 'out', utc('01', '09:00'), utc('01', '09:00')],
    ]);
    assert.deepEqual(await rows(database.db, 'catalogue_stock', ['tenant_id', 'sku', 'warehouse_id', 'on_hand', 'reserved']), [
      ['acme', 'A', 'w1', 8, 0],
      ['acme', 'A', 'w2', 3, 0],
      ['acme', 'B', 'w1', 1, 0],
    ]);
    assert.deepEqual(await rows(database.db, 'catalogue_categories', ['tenant_id', 'path', 'parent_path', 'name', 'depth', 'products']), [
      ['acme', 'home', null, 'home', 0, 1],
      ['acme', 'home/kitchen', 'home', 'kitchen', 1, 1],
      ['acme', 'office', null, 'office', 0, 1],
      ['globex', 'tools', null, 'tools', 0, 1],
    ]);
  });

  it('sales: orders with status and times, lines, daily sales net of cancellations on the day of placement', async () => {
    assert.deepEqual(await rows(database.db, 'orders', ['order_id', 'customer_id', 'status', 'subtotal_minor', 'shipping_minor', 'total_minor', 'item_count', 'placed_day', 'confirmed_at', 'shipped_at', 'delivered_at', 'cancelled_at', 'cancel_reason']), [
      ['o1', 'c1', 'delivered', 2650, 500, 3150, 3, '2026-03-01', utc('01', '11:00'), utc('02', '09:00'), utc('04', '16:00'), null, null],
      ['o2', 'c2', 'cancelled', 1200, 0, 1200, 1, '2026-03-02', null, null, null, utc('03', '08:00'), 'customer request'],
      ['o3', 'c1', 'cancelled', 250, 0, 250, 1, '2026-03-05', null, null, null, utc('05', '15:00'), 'out of stock'],
      ['o4', 'guest-77', 'pending', 250, 0, 250, 1, '2026-03-06', null, null, null, null, null],
    ]);
    // Placed before discounts, KDV and payment plans were recorded: 0 discount and KDV; paid is the confirmed amount, nothing before.
    assert.deepEqual(await rows(database.db, 'orders', ['order_id', 'discount_minor', 'tax_minor', 'prices_include_tax', 'paid_minor', 'refunded_minor']), [
      ['o1', 0, 0, true, 3150, 0], ['o2', 0, 0, true, 0, 0], ['o3', 0, 0, true, 0, 0], ['o4', 0, 0, true, 0, 0],
    ]);
    assert.deepEqual(await rows(database.db, 'order_lines', ['order_id', 'line_no', 'sku', 'quantity', 'unit_price_minor', 'line_total_minor']), [
      ['o1', 1, 'A', 2, 1200, 2400], ['o1', 2, 'B', 1, 250, 250], ['o2', 1, 'A', 1, 1200, 1200], ['o3', 1, 'B', 1, 250, 250], ['o4', 1, 'B', 1, 250, 250],
    ]);
    assert.deepEqual(await rows(database.db, 'daily_sales_by_category', ['day', 'category', 'gmv_minor', 'orders', 'items']), [
      ['2026-03-01', 'home/kitchen', 2400, 1, 2],
      ['2026-03-01', 'office', 250, 1, 1],
      ['2026-03-02', 'home/kitchen', 0, 0, 0],
      ['2026-03-05', 'office', 0, 0, 0],
      ['2026-03-06', 'office', 250, 1, 1],
    ]);
  });

  it('analytics: hourly sales, product days, cancellations and refunds, wallet flows, stock levels, baskets', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_sales_hourly', ['day', 'hour', 'orders', 'gmv_minor', 'items', 'cancelled_orders', 'cancelled_gmv_minor', 'cancelled_items'], acme), [
      ['2026-03-01', 10, 1, 2650, 3, 0, 0, 0],
      ['2026-03-02', 23, 1, 1200, 1, 1, 1200, 1],
      ['2026-03-05', 14, 1, 250, 1, 1, 250, 1],
      ['2026-03-06', 12, 1, 250, 1, 0, 0, 0],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_product_daily', ['day', 'sku', 'name', 'category', 'orders', 'units', 'gmv_minor', 'cancelled_orders', 'cancelled_units', 'cancelled_gmv_minor']), [
      ['2026-03-01', 'A', 'Red Mug', 'home/kitchen', 1, 2, 2400, 0, 0, 0],
      ['2026-03-01', 'B', 'Blue Pen', 'office', 1, 1, 250, 0, 0, 0],
      ['2026-03-02', 'A', 'Red Mug', 'home/kitchen', 1, 1, 1200, 1, 1, 1200],
      ['2026-03-05', 'B', 'Blue Pen', 'office', 1, 1, 250, 1, 1, 250],
      ['2026-03-06', 'B', 'Blue Pen', 'office', 1, 1, 250, 0, 0, 0],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_returns_daily', ['day', 'kind', 'count', 'amount_minor']), [
      ['2026-03-03', 'cancellation', 1, 1200],
      ['2026-03-05', 'cancellation', 1, 250],
      ['2026-03-05', 'wallet-refund', 1, 250],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_wallet_daily', ['day', 'flow', 'count', 'amount_minor']), [
      ['2026-03-01', 'payment', 1, 700],
      ['2026-03-01', 'top-up', 1, 500],
      ['2026-03-01', 'voucher', 1, 200],
      ['2026-03-05', 'payment', 1, 250],
      ['2026-03-05', 'refund', 1, 250],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_stock', ['sku', 'warehouse_id', 'on_hand', 'reserved', 'available', 'threshold', 'level', 'level_since']), [
      ['A', 'w1', 8, 0, 8, 5, 'ok', utc('01', '09:03')],
      ['A', 'w2', 3, 0, 3, 5, 'low', utc('01', '09:04')],
      ['B', 'w1', 1, 0, 1, 5, 'low', utc('05', '15:00')],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_baskets', ['basket_id', 'customer_id', 'opened_day', 'status', 'closed_at']), [
      ['b1', 'c1', '2026-03-01', 'checked-out', utc('01', '10:31')],
      ['b2', 'c2', '2026-03-02', 'open', null],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_basket_daily', ['day', 'opened', 'checked_out', 'abandoned']), [
      ['2026-03-01', 1, 1, 0],
      ['2026-03-02', 1, 0, 0],
    ]);
  });

  it('segmentation: orders not cancelled per customer, guests left out', async () => {
    assert.deepEqual(await rows(database.db, 'rfm_orders', ['order_id', 'customer_id', 'placed_day', 'monetary_minor', 'active']), [
      ['o1', 'c1', '2026-03-01', 2650, true],
      ['o2', 'c2', '2026-03-02', 1200, false],
      ['o3', 'c1', '2026-03-05', 250, false],
    ]);
    assert.deepEqual(await rows(database.db, 'rfm_customers', ['customer_id', 'currency', 'orders', 'monetary_minor', 'first_order_day', 'last_order_day']), [['c1', 'TRY', 1, 2650, '2026-03-01', '2026-03-01']]);
  });

  it('gives the same rows whatever the batch size (events split across transactions)', async () => {
    const tables = projections.flatMap((p) => p.tables);
    const once = await checksum(database.db, tables);
    for (const size of [1, 3, 7]) {
      await project(size);
      assert.deepEqual(await checksum(database.db, tables), once, `batch size ${size}`);
    }
  });
});

/** The events added for wallets, stock thresholds and alerts, guest and abandoned baskets, returns and refunds, payment outcomes, coupons, wallet requests. */
describe('projections: given the newer events → rows', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string) => given(store, stream, type, data, when);
    await g('product-acme:A', 'ProductRegistered', { sku: 'A', name: 'Red Mug', category: 'home', price: TRY(1000) }, at('01', '09:00'));
    await g('stock-acme:A@w1', 'StockReceived', { sku: 'A', warehouseId: 'w1', quantity: 20, reference: 'po', onHand: 20 }, at('01', '09:00'));
    await g('stock-acme:A@w1', 'StockThresholdSet', { sku: 'A', warehouseId: 'w1', lowStock: 8 }, at('01', '09:01'));
    await g('stock-acme:A@w1', 'StockAdjusted', { sku: 'A', warehouseId: 'w1', quantity: -5, reason: 'damaged', reference: 'x', onHand: 15, available: 15 }, at('01', '09:02'));
    await g('stock-acme:A@w1', 'StockTransferredOut', { sku: 'A', warehouseId: 'w1', transferId: 't1', toWarehouseId: 'w2', quantity: 8, onHand: 7, available: 7 }, at('01', '09:03'));
    await g('stock-acme:A@w1', 'LowStock', { sku: 'A', warehouseId: 'w1', available: 7, threshold: 8 }, at('01', '09:03'));
    await g('stock-acme:A@w2', 'StockTransferredIn', { sku: 'A', warehouseId: 'w2', transferId: 't1', fromWarehouseId: 'w1', quantity: 8, onHand: 8, available: 8 }, at('01', '09:04'));
    await g('basket-acme:g1', 'BasketOpened', { basketId: 'g1', customerId: '', currency: 'TRY', guestId: 'anon-1' }, at('01', '10:00'));
    await g('basket-acme:g1', 'BasketAssigned', { basketId: 'g1', customerId: 'c1', guestId: 'anon-1' }, at('01', '10:05'));
    await g('basket-acme:b2', 'BasketOpened', { basketId: 'b2', customerId: 'c2', currency: 'TRY' }, at('01', '11:00'));
    await g('basket-acme:b2', 'BasketAbandoned', { basketId: 'b2', customerId: 'c2', lastActivityAt: null, at: at('02', '11:00'), idleMinutes: 1440, itemCount: 1, subtotal: TRY(1000) }, at('02', '11:00'));
    await g('basket-acme:g1', 'BasketCheckedOut', { basketId: 'g1', orderId: 'o1', customerId: 'c1', lines: [], subtotal: TRY(3000) }, at('01', '10:10'));
    await g('basket-acme:g1', 'BasketReopened', { basketId: 'g1', orderId: 'o0', reason: 'checkout-failed:insufficient-stock' }, at('01', '10:11'));
    await g('basket-acme:g1', 'BasketCheckedOut', { basketId: 'g1', orderId: 'o1', customerId: 'c1', lines: [], subtotal: TRY(3000) }, at('01', '10:12'));
    await g('order-acme:o1', 'OrderPlaced', { orderId: 'o1', customerId: 'c1', basketId: 'g1', lines: [line('A', 'Red Mug', 'home', 3, 1000)], subtotal: TRY(3000), shipping: TRY(0), total: TRY(3000) }, at('01', '10:12'));
    await g('stock-acme:A@w1', 'StockReserved', { sku: 'A', warehouseId: 'w1', orderId: 'o1', quantity: 3, available: 4 }, at('01', '10:12'));
    await g('order-acme:o1', 'OrderPaymentConfirmed', { orderId: 'o1', payments: [], amount: TRY(3000) }, at('01', '10:13'));
    await g('order-acme:o1', 'OrderProcessingStarted', { orderId: 'o1' }, at('01', '12:00'));
    await g('order-acme:o1', 'OrderShipped', { orderId: 'o1' }, at('01', '13:00'));
    await g('stock-acme:A@w1', 'StockShipped', { sku: 'A', warehouseId: 'w1', orderId: 'o1', quantity: 3, onHand: 4 }, at('01', '13:00'));
    await g('order-acme:o1', 'OrderDelivered', { orderId: 'o1' }, at('02', '09:00'));
    await g('order-acme:o1', 'OrderItemsReturned', { orderId: 'o1', returnId: 'r1', items: [{ sku: 'A', quantity: 1, amount: TRY(1000) }], amount: TRY(1000), reason: 'broken', fullyReturned: false }, at('03', '09:00'));
    await g('stock-acme:A@w1', 'StockReturned', { sku: 'A', warehouseId: 'w1', orderId: 'o1', returnId: 'r1', quantity: 1, onHand: 5, available: 5 }, at('03', '09:00'));
    await g('order-acme:o1', 'OrderRefunded', { orderId: 'o1', refundId: 'return:r1', amount: TRY(1000), reason: 'return', toWallet: TRY(0), toExternal: TRY(1000), refundedTotal: TRY(1000) }, at('03', '09:00'));
    await g('wallet-acme:c1', 'WalletOpened', { walletId: 'c1', customerId: 'c1', currency: 'TRY' }, at('03', '10:00'));
    await g('wallet-acme:c1', 'WalletBonusGranted', { walletId: 'c1', lotId: 'l1', amount: TRY(300), expiresAt: at('09', '00:00'), reason: 'welcome', reference: 'x', balance: TRY(0), bonusBalance: TRY(300) }, at('03', '10:01'));
    await g('wallet-acme:c1', 'WalletCredited', { walletId: 'c1', amount: TRY(500), reason: 'gift-cheque', reference: 'GC1', balance: TRY(500) }, at('03', '10:02'));
    await g('wallet-acme:c1', 'WalletTransferSent', { walletId: 'c1', transferId: 'tr1', toWalletId: 'c2', amount: TRY(200), balance: TRY(300) }, at('03', '10:03'));
    await g('wallet-acme:c2', 'WalletTransferReceived', { walletId: 'c2', transferId: 'tr1', fromWalletId: 'c1', amount: TRY(200), balance: TRY(200) }, at('03', '10:03'));
    await g('wallet-acme:c2', 'WalletWithdrawalPaidOut', { walletId: 'c2', requestId: 'w1', amount: TRY(150), held: TRY(0) }, at('03', '10:04'));
    await g('wallet-acme:c1', 'WalletBonusExpired', { walletId: 'c1', lotId: 'l1', amount: TRY(300), expiresAt: at('09', '00:00'), balance: TRY(300), bonusBalance: TRY(0) }, at('09', '00:00'));
    await g('giftcheque-acme:GC1', 'GiftChequeIssued', { code: 'GC1', amount: TRY(500), expiresAt: at('30', '00:00') }, at('02', '08:00'));
    // Payment outcomes (o5 and o6 are orders only the payment events mention: the analytics read model needs no more).
    await g('order-acme:o1', 'OrderPaymentCaptured', { orderId: 'o1', method: 'card', reference: 'p1', amount: TRY(3000) }, at('01', '10:13'));
    await g('order-acme:o5', 'OrderPaymentDeclined', { orderId: 'o5', method: 'card', reference: 'p2', amount: TRY(800), reason: 'insufficient-funds' }, at('01', '10:20'));
    await g('order-acme:o6', 'OrderPaymentCaptured', { orderId: 'o6', method: 'card', reference: 'p3', amount: TRY(450) }, at('01', '23:59'));
    await g('order-acme:o7', 'OrderPaymentCaptured', { orderId: 'o7', method: 'bank-transfer', reference: 'p4', amount: TRY(1200) }, at('02', '08:30'));
    // Coupons: SPRING held twice on the 1st, one released (its order cancelled) on the 2nd.
    await g('campaign-acme:SPRING', 'CouponRedemptionHeld', { code: 'SPRING', orderId: 'o1', customerId: 'c1', discount: TRY(300), at: at('01', '10:12') }, at('01', '10:12'));
    await g('campaign-acme:SPRING', 'CouponRedemptionHeld', { code: 'SPRING', orderId: 'o5', customerId: 'c2', discount: TRY(80), at: at('01', '10:19') }, at('01', '10:19'));
    await g('campaign-acme:SPRING', 'CouponRedemptionReleased', { code: 'SPRING', orderId: 'o5', customerId: 'c2', discount: TRY(80), reason: 'order-cancelled' }, at('02', '08:00'));
    await g('campaign-acme:WELCOME', 'CouponRedemptionHeld', { code: 'WELCOME', orderId: 'o6', customerId: 'c3', discount: TRY(50), at: at('01', '23:58') }, at('01', '23:58'));
    // Wallet requests: a top-up requested then rejected; a withdrawal requested then rejected; freezes (no flow, counted apart).
    await g('wallet-acme:c1', 'WalletTopUpRequested', { walletId: 'c1', requestId: 'q1', amount: TRY(400), method: 'card', reference: 'x' }, at('03', '10:05'));
    await g('wallet-acme:c1', 'WalletWithdrawalRequested', { walletId: 'c1', requestId: 'w2', amount: TRY(100), destination: 'TR00', balance: TRY(200), held: TRY(100) }, at('03', '10:06'));
    await g('wallet-acme:c1', 'WalletTopUpRejected', { walletId: 'c1', requestId: 'q1', amount: TRY(400), reason: 'fraud' }, at('04', '09:00'));
    await g('wallet-acme:c1', 'WalletWithdrawalRejected', { walletId: 'c1', requestId: 'w2', amount: TRY(100), reason: 'bad account', balance: TRY(300), held: TRY(0) }, at('04', '09:01'));
    await g('wallet-acme:c1', 'WalletFrozen', { walletId: 'c1', reason: 'review' }, at('04', '09:02'));
    await g('wallet-acme:c1', 'WalletUnfrozen', { walletId: 'c1' }, at('04', '17:30'));
    await g('wallet-acme:c2', 'WalletFrozen', { walletId: 'c2', reason: 'chargeback' }, at('04', '18:00'));
    // 00:30 local on the 5th is still the 4th in UTC: the local day counts.
    await g('wallet-acme:c1', 'WalletFrozen', { walletId: 'c1', reason: 'fraud check' }, at('05', '00:30'));
    await given(store, 'wallet-globex:c1', 'WalletFrozen', { walletId: 'c1', reason: 'review' }, at('04', '10:00'), 'globex');
    for (const p of projections) await new Projector(store, database.db, p, { batchSize: 4 }).catchUp();
  });
  after(() => database.drop());

  it('catalogue: every unit move, per-warehouse thresholds summed', async () => {
    assert.deepEqual(await rows(database.db, 'catalogue_stock', ['sku', 'warehouse_id', 'on_hand', 'reserved', 'low_stock_threshold']), [['A', 'w1', 5, 0, 8], ['A', 'w2', 8, 0, null]]);
    assert.deepEqual(await rows(database.db, 'catalogue_products', ['sku', 'on_hand', 'available', 'low_stock_threshold', 'stock_status']), [['A', 13, 13, 8, 'in-stock']]);
  });

  it('sales: processing, returned units and refunds', async () => {
    assert.deepEqual(await rows(database.db, 'orders', ['order_id', 'status', 'processing_at', 'returned_units', 'refunded_minor']), [['o1', 'delivered', utc('01', '12:00'), 1, 1000]]);
  });

  it('analytics: returns and refunds, every wallet flow, alerts from the stock aggregate, abandoned and reassigned baskets', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_returns_daily', ['day', 'kind', 'count', 'amount_minor']), [['2026-03-03', 'refund', 1, 1000], ['2026-03-03', 'return', 1, 1000]]);
    assert.deepEqual(await rows(database.db, 'analytics_wallet_daily', ['day', 'flow', 'count', 'amount_minor']), [
      ['2026-03-02', 'gift-cheque-issued', 1, 500],
      ['2026-03-03', 'bonus', 1, 300],
      ['2026-03-03', 'gift-cheque', 1, 500],
      ['2026-03-03', 'top-up-requested', 1, 400],
      ['2026-03-03', 'transfer-in', 1, 200],
      ['2026-03-03', 'transfer-out', 1, 200],
      ['2026-03-03', 'withdrawal-requested', 1, 100],
      ['2026-03-03', 'withdrawal', 1, 150],
      ['2026-03-04', 'top-up-rejected', 1, 400],
      ['2026-03-04', 'withdrawal-rejected', 1, 100],
      ['2026-03-09', 'bonus-expired', 1, 300],
    ]);
    // w1: threshold set, so the aggregate's LowStock alert sets the level (the counts alone would not move it);
    // w2: no threshold: the level follows the counts (8 > 5: ok).
    assert.deepEqual(await rows(database.db, 'analytics_stock', ['sku', 'warehouse_id', 'on_hand', 'available', 'threshold', 'level', 'level_since', 'domain_alerts']), [
      ['A', 'w1', 5, 5, 8, 'low', utc('01', '09:03'), true],
      ['A', 'w2', 8, 8, 5, 'ok', utc('01', '09:04'), false],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_baskets', ['basket_id', 'customer_id', 'status']), [['b2', 'c2', 'abandoned'], ['g1', 'c1', 'checked-out']]);
    assert.deepEqual(await rows(database.db, 'analytics_basket_daily', ['day', 'opened', 'checked_out', 'abandoned']), [['2026-03-01', 2, 1, 1]]);
  });

  it('analytics: wallet freezes and unfreezes counted per tenant and local day of the event, apart from the flows', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_wallet_freezes_daily', ['tenant_id', 'day', 'frozen', 'unfrozen']), [
      ['acme', '2026-03-04', 2, 1],
      ['acme', '2026-03-05', 1, 0],
      ['globex', '2026-03-04', 1, 0],
    ]);
  });

  it('analytics: returned units per product by the day of the return; payment outcomes; coupon redemptions', async () => {
    assert.deepEqual(await rows(database.db, 'analytics_product_daily', ['day', 'sku', 'name', 'category', 'orders', 'units', 'gmv_minor', 'cancelled_units', 'returned_units', 'returned_amount_minor']), [
      ['2026-03-01', 'A', 'Red Mug', 'home', 1, 3, 3000, 0, 0, 0],
      ['2026-03-03', 'A', 'Red Mug', 'home', 0, 0, 0, 0, 1, 1000],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_payments_daily', ['day', 'currency', 'method', 'outcome', 'count', 'amount_minor']), [
      ['2026-03-01', 'TRY', 'card', 'captured', 2, 3450],
      ['2026-03-01', 'TRY', 'card', 'declined', 1, 800],
      ['2026-03-02', 'TRY', 'bank-transfer', 'captured', 1, 1200],
    ]);
    assert.deepEqual(await rows(database.db, 'analytics_coupons_daily', ['day', 'code', 'currency', 'held', 'released', 'held_discount_minor', 'released_discount_minor']), [
      ['2026-03-01', 'SPRING', 'TRY', 2, 0, 380, 0],
      ['2026-03-01', 'WELCOME', 'TRY', 1, 0, 50, 0],
      ['2026-03-02', 'SPRING', 'TRY', 0, 1, 0, 80],
    ]);
  });

  it('segmentation: refunds come off the monetary value', async () => {
    assert.deepEqual(await rows(database.db, 'rfm_customers', ['customer_id', 'orders', 'monetary_minor']), [['c1', 1, 2000]]);
  });
});

/** An event the analytics read model cannot apply stops it, naming the event and what is wrong; nothing is skipped. */
describe('projections: analytics stops on a malformed new event', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    await given(store, 'order-acme:o1', 'OrderPlaced', { orderId: 'o1', customerId: 'c1', basketId: 'b1', lines: [line('A', 'Red Mug', 'home', 2, 1000)], subtotal: TRY(2000), shipping: TRY(0), total: TRY(2000) }, at('01', '10:00'));
    await new Projector(store, database.db, analyticsProjection).catchUp();
  });
  after(() => database.drop());

  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['order-acme:o1', 'OrderItemsReturned', { orderId: 'o1', returnId: 'r1', items: [{ sku: 'A', amount: TRY(1000) }], amount: TRY(1000), reason: 'x', fullyReturned: false }, /quantity must be an integer/],
    ['order-acme:o1', 'OrderItemsReturned', { orderId: 'o1', returnId: 'r2', items: [{ sku: 'Z', quantity: 1, amount: TRY(1000) }], amount: TRY(1000), reason: 'x', fullyReturned: false }, /SKU Z is not in order o1/],
    ['order-acme:o9', 'OrderItemsReturned', { orderId: 'o9', returnId: 'r3', items: [], amount: TRY(0), reason: 'x', fullyReturned: false }, /unknown order o9/],
    ['order-acme:o1', 'OrderPaymentCaptured', { orderId: 'o1', reference: 'p1', amount: TRY(2000) }, /method must be a non-empty string/],
    ['order-acme:o1', 'OrderPaymentDeclined', { orderId: 'o1', method: 'card', reference: 'p1', reason: 'x' }, /amount must be money/],
    ['campaign-acme:SPRING', 'CouponRedemptionHeld', { code: 'SPRING', orderId: 'o1', customerId: 'c1', at: at('01', '10:00') }, /discount must be money/],
    ['campaign-acme:SPRING', 'CouponRedemptionReleased', { orderId: 'o1', customerId: 'c1', discount: TRY(10), reason: 'x' }, /code must be a non-empty string/],
    ['wallet-acme:c1', 'WalletWithdrawalRequested', { walletId: 'c1', requestId: 'w1', destination: 'TR00', balance: TRY(0), held: TRY(0) }, /amount must be money/],
  ];
  for (const [stream, type, data, message] of cases) {
    it(`${type} ${JSON.stringify(data)}`, async () => {
      await given(store, stream, type, data, at('02', '10:00'));
      const poison = (await store.readAll({ maxCount: 1000 })).at(-1)!;
      await assert.rejects(new Projector(store, database.db, analyticsProjection).catchUp(), (error: unknown) => {
        assert.ok(error instanceof ProjectionFailedError);
        assert.equal(error.info.type, type);
        assert.match(error.info.message, message);
        return true;
      });
      // Deploy "a fix" that leaves the poison out, so the next case starts clean.
      await setPaused(database.db, analyticsProjection, false);
      await new Projector(store, database.db, { ...analyticsProjection, apply: (db, events) => analyticsProjection.apply(db, events.filter((e) => e.eventId !== poison.eventId)) }).catchUp();
    });
  }
});
