import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { given, projectAll, rows } from './support.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const at = (day: string, time: string) => `2026-03-${day}T${time}:00.000+03:00`;
const line = (sku: string, unit: number) => ({ sku, name: `Item ${sku}`, category: 'home', warehouseId: 'w1', unitPrice: TRY(unit), quantity: 1, lineTotal: TRY(unit) });

/**
 * Given refunds as the command handlers write them — the order's `OrderRefunded` and the
 * wallet's `WalletRefunded` — every amount given back is counted once: in the order's
 * `refunded_minor` (wallet part included), and in exactly one money kind of analytics
 * (`refund` to external payments, `wallet-refund` to wallets), whatever the batch size.
 */
describe('projections: refunds by card and by wallet, given events → rows', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    const g = (stream: string, type: string, data: Record<string, unknown>, when: string) => given(store, stream, type, data, when);
    const wallet = 'wallet-acme:c1';
    const refunded = (orderId: string, refundId: string, amount: number, toWallet: number, reason: string, extra: Record<string, unknown> = {}) => ({
      orderId, refundId, amount: TRY(amount), reason, toWallet: TRY(toWallet), toExternal: TRY(amount - toWallet), refundedTotal: TRY(amount), ...extra,
    });
    /** An order placed on `day`, paid `walletPart` from the wallet and the rest by card, confirmed. */
    const paidOrder = async (orderId: string, day: string, total: number, walletPart: number) => {
      const card = total - walletPart;
      const payment = card > 0 ? { wallet: TRY(walletPart), external: TRY(card), method: 'card' } : { wallet: TRY(walletPart), external: TRY(0) };
      await g(`order-acme:${orderId}`, 'OrderPlaced', { orderId, customerId: 'c1', basketId: `b-${orderId}`, lines: [line(`S-${orderId}`, total)], subtotal: TRY(total), shipping: TRY(0), total: TRY(total), payment }, at(day, '10:00'));
      await g(wallet, 'WalletDebited', { walletId: 'c1', orderId, amount: TRY(walletPart), balance: TRY(0) }, at(day, '10:00'));
      const payments = [{ method: 'wallet', amount: TRY(walletPart), reference: `wallet:${orderId}` }];
      if (card > 0) {
        await g(`order-acme:${orderId}`, 'OrderPaymentCaptured', { orderId, method: 'card', reference: `psp-${orderId}`, amount: TRY(card) }, at(day, '10:01'));
        payments.push({ method: 'card', amount: TRY(card), reference: `psp-${orderId}` });
      }
      await g(`order-acme:${orderId}`, 'OrderPaymentConfirmed', { orderId, payments, amount: TRY(total) }, at(day, '10:02'));
    };
    const delivered = async (orderId: string, day: string) => {
      await g(`order-acme:${orderId}`, 'OrderShipped', { orderId }, at(day, '11:00'));
      await g(`order-acme:${orderId}`, 'OrderDelivered', { orderId }, at(day, '12:00'));
    };
    await g(wallet, 'WalletOpened', { walletId: 'c1', customerId: 'c1', currency: 'TRY' }, at('01', '09:00'));
    await g(wallet, 'WalletCredited', { walletId: 'c1', amount: TRY(20_000), reason: 'top-up', reference: 't', balance: TRY(20_000) }, at('01', '09:00'));

    // (a) Cancellation of an order paid 6,500 from the wallet and 22,000 by card: the order refunds the card with
    // the cancellation, the checkout process gives the wallet part back (refund id checkout:o1).
    await paidOrder('o1', '01', 28_500, 6_500);
    await g('order-acme:o1', 'OrderCancelled', { orderId: 'o1', reason: 'changed mind', previousStatus: 'confirmed' }, at('01', '13:00'));
    await g('order-acme:o1', 'OrderRefunded', refunded('o1', 'cancellation', 22_000, 0, 'cancelled: changed mind', { toPayments: [{ method: 'card', reference: 'psp-o1', amount: TRY(22_000) }] }), at('01', '13:00'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o1', amount: TRY(6_500), balance: TRY(6_500), refundId: 'checkout:o1', reason: 'changed mind' }, at('01', '13:01'));

    // (b) Return of the whole of an order paid 7,000 from the wallet and 14,000 by card: one refund of 21,000 with
    // its wallet part 7,000, which the wallet records again under the same refund id.
    await paidOrder('o2', '02', 21_000, 7_000);
    await delivered('o2', '02');
    await g('order-acme:o2', 'OrderItemsReturned', { orderId: 'o2', returnId: 'r1', items: [{ sku: 'S-o2', quantity: 1, amount: TRY(21_000) }], amount: TRY(21_000), reason: 'broken', fullyReturned: true }, at('02', '15:00'));
    await g('order-acme:o2', 'OrderRefunded', refunded('o2', 'return:r1', 21_000, 7_000, 'return: broken'), at('02', '15:00'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o2', amount: TRY(7_000), balance: TRY(7_000), refundId: 'return:r1', reason: 'return: broken' }, at('02', '15:01'));

    // (c) Admin refunds of delivered orders: 4,000 of which 3,000 to the wallet; 500 wholly to the wallet.
    await paidOrder('o3', '03', 10_000, 3_000);
    await delivered('o3', '03');
    await g('order-acme:o3', 'OrderRefunded', refunded('o3', 'goodwill', 4_000, 3_000, 'goodwill'), at('03', '16:00'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o3', amount: TRY(3_000), balance: TRY(3_000), refundId: 'goodwill', reason: 'goodwill' }, at('03', '16:01'));
    await paidOrder('o4', '04', 2_000, 2_000);
    await delivered('o4', '04');
    await g('order-acme:o4', 'OrderRefunded', refunded('o4', 'sorry', 500, 500, 'late'), at('04', '16:00'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o4', amount: TRY(500), balance: TRY(500), refundId: 'sorry', reason: 'late' }, at('04', '16:01'));

    // A checkout that failed (card declined, never confirmed): its wallet part was never paid to the order.
    await g('order-acme:o5', 'OrderPlaced', {
      orderId: 'o5', customerId: 'c1', basketId: 'b-o5', lines: [line('S-o5', 1_000)], subtotal: TRY(1_000), shipping: TRY(0), total: TRY(1_000),
      payment: { wallet: TRY(400), external: TRY(600), method: 'card' },
    }, at('05', '10:00'));
    await g(wallet, 'WalletDebited', { walletId: 'c1', orderId: 'o5', amount: TRY(400), balance: TRY(0) }, at('05', '10:00'));
    await g('order-acme:o5', 'OrderPaymentDeclined', { orderId: 'o5', method: 'card', reference: 'psp-o5', amount: TRY(600), reason: 'insufficient-funds' }, at('05', '10:01'));
    await g('order-acme:o5', 'OrderCancelled', { orderId: 'o5', reason: 'payment-declined: insufficient-funds', previousStatus: 'pending' }, at('05', '10:01'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o5', amount: TRY(400), balance: TRY(400), refundId: 'checkout:o5', reason: 'payment-declined' }, at('05', '10:02'));

    // An old log: a confirmed order paid from the wallet, cancelled before checkout processes, its wallet part given back without a refund id.
    await paidOrder('o6', '06', 800, 800);
    await g('order-acme:o6', 'OrderCancelled', { orderId: 'o6', reason: 'customer request', previousStatus: 'confirmed' }, at('06', '13:00'));
    await g(wallet, 'WalletRefunded', { walletId: 'c1', orderId: 'o6', amount: TRY(800), balance: TRY(800) }, at('06', '13:01'));
  });
  after(() => database.drop());

  for (const batchSize of [1000, 1, 2, 3]) {
    it(`sales: refunded = every amount given back out of paid, wallet part included, each once (batches of ${batchSize})`, async () => {
      await projectAll(store, database.db, batchSize);
      assert.deepEqual(await rows(database.db, 'orders', ['order_id', 'status', 'paid_minor', 'refunded_minor']), [
        ['o1', 'cancelled', 28_500, 28_500], // card 22,000 (OrderRefunded) + wallet 6,500 (WalletRefunded checkout:o1)
        ['o2', 'returned', 21_000, 21_000], // OrderRefunded 21,000 with its wallet part; the wallet's 7,000 is that same money
        ['o3', 'delivered', 10_000, 4_000],
        ['o4', 'delivered', 2_000, 500],
        ['o5', 'cancelled', 0, 0], // never confirmed: neither the wallet part paid nor its return
        ['o6', 'cancelled', 800, 800],
      ]);
      assert.deepEqual(await rows(database.db, 'order_refunds', ['order_id', 'refund_id', 'amount_minor', 'to_wallet_minor', 'currency']), [
        ['o1', 'cancellation', 22_000, 0, 'TRY'],
        ['o2', 'return:r1', 21_000, 7_000, 'TRY'],
        ['o3', 'goodwill', 4_000, 3_000, 'TRY'],
        ['o4', 'sorry', 500, 500, 'TRY'],
      ]);
    });

    it(`analytics: refund (to external payments) and wallet-refund (to wallets) are disjoint; cancellations and returns keep their value (batches of ${batchSize})`, async () => {
      await projectAll(store, database.db, batchSize);
      assert.deepEqual(await rows(database.db, 'analytics_returns_daily', ['day', 'kind', 'count', 'amount_minor']), [
        ['2026-03-01', 'cancellation', 1, 28_500],
        ['2026-03-01', 'refund', 1, 22_000],
        ['2026-03-01', 'wallet-refund', 1, 6_500],
        ['2026-03-02', 'refund', 1, 14_000],
        ['2026-03-02', 'return', 1, 21_000],
        ['2026-03-02', 'wallet-refund', 1, 7_000],
        ['2026-03-03', 'refund', 1, 1_000],
        ['2026-03-03', 'wallet-refund', 1, 3_000],
        ['2026-03-04', 'wallet-refund', 1, 500],
        ['2026-03-05', 'cancellation', 1, 1_000],
        ['2026-03-05', 'wallet-refund', 1, 400],
        ['2026-03-06', 'cancellation', 1, 800],
        ['2026-03-06', 'wallet-refund', 1, 800],
      ]);
    });
  }
});
