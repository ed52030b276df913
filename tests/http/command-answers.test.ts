import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderStream, stockStream, walletStream } from '../../src/application/commerce/streams.js';
import { comparePositions, formatPosition, parsePosition, type RecordedEvent } from '../../src/application/ports/event-store.js';
import { commandOk, createHarness, json, seedProduct, type Harness } from './harness.js';

/*
 * What a command answers agrees with the log: `revision` is the command's stream's revision
 * (of its original events when it is a repeat), `position` the latest `$all` position the
 * command caused (its events and the steps it ran synchronously), so a query given that
 * position reflects all of them.
 */

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('HTTP: command answers agree with the log', () => {
  let h: Harness;
  let admin: string;
  let alice: string;

  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    for (const p of h.projectors) p.start();
  });
  after(() => h.close());

  const ok = (token: string, path: string, body: unknown) => commandOk(h, token, path, body);
  /** The first event of `streamId` of `type` whose data names `transferId`. */
  const transferEvent = async (streamId: string, type: string, transferId: string): Promise<RecordedEvent> =>
    (await h.store.readStream(streamId)).find((e) => e.type === type && e.data.transferId === transferId)!;

  it('wallets/transfer: T1, then T4, then T1 sent again → the same answer as T1’s first (its WalletTransferSent’s revision, its receipt’s position), not T4’s', async () => {
    for (const customerId of ['ca', 'cb']) await ok(admin, 'wallets/open', { customerId, currency: 'TRY' });
    await ok(admin, 'wallets/credit', { customerId: 'ca', amount: TRY(10_000), reason: 'gift', reference: 'seed' });
    const transfer = (transferId: string) => ok(admin, 'wallets/transfer', { fromCustomerId: 'ca', toCustomerId: 'cb', amount: TRY(100), transferId });
    const first = await transfer('T1');
    await transfer('T4');
    const events = await h.eventCount();
    const again = await transfer('T1');
    assert.equal(await h.eventCount(), events, 'nothing appended');
    assert.deepEqual(again, first);
    const sent = await transferEvent(walletStream('acme', 'ca'), 'WalletTransferSent', 'T1');
    const received = await transferEvent(walletStream('acme', 'cb'), 'WalletTransferReceived', 'T1');
    assert.deepEqual(again, { streamId: walletStream('acme', 'ca'), revision: String(sent.revision), position: formatPosition(received.position), transferId: 'T1', status: 'completed' });
  });

  it('stock/transfer: S1, then S4, then S1 sent again → the same answer as S1’s first (the destination’s revision and position of its in half)', async () => {
    await seedProduct(h, admin, { sku: 'desk', minor: 90_000, stock: 10, warehouseId: 'ist' });
    const transfer = (transferId: string, quantity: number) => ok(admin, 'stock/transfer', { sku: 'desk', fromWarehouseId: 'ist', toWarehouseId: 'izm', quantity, transferId });
    const first = await transfer('S1', 3);
    await transfer('S4', 1);
    const again = await transfer('S1', 3);
    assert.deepEqual(again, first);
    const into = await transferEvent(stockStream('acme', 'desk', 'izm'), 'StockTransferredIn', 'S1');
    assert.deepEqual(again, { streamId: stockStream('acme', 'desk', 'izm'), revision: String(into.revision), position: formatPosition(into.position), transferId: 'S1', status: 'completed' });
  });

  it('orders/cancel → the order stream’s revision (its OrderRefunded) and the latest position the request caused (the checkout compensation after it); a query at that position sees the stock released', async () => {
    await seedProduct(h, admin, { sku: 'lamp', minor: 47_500, stock: 5 });
    await ok(alice, 'baskets/open', { basketId: 'b1', customerId: 'alice', currency: 'TRY' });
    await ok(alice, 'baskets/add-item', { basketId: 'b1', sku: 'lamp', quantity: 2, warehouseId: 'wh-1' });
    const checkedOut = await ok(alice, 'baskets/check-out', { basketId: 'b1', orderId: 'o1', payment: { external: { method: 'card', reference: 'psp-o1', captured: false } } });
    await ok(admin, 'orders/record-payment', { orderId: 'o1', method: 'card', reference: 'psp-o1', amount: checkedOut.total, outcome: 'captured' });

    const response = await h.command(alice, 'orders/cancel', { orderId: 'o1', reason: 'changed mind' }, { 'x-request-id': 'cancel-o1' });
    assert.equal(response.statusCode, 200, response.body);
    const refunded = (await h.store.readStream(orderStream('acme', 'o1'))).at(-1)!;
    assert.equal(refunded.type, 'OrderRefunded');
    // Every event the request caused, from the table itself ($all reads lag behind the projectors' open transactions).
    const { rows: caused } = await h.database.pool.query<{ type: string; position: string }>(
      `select event_type as type, transaction_id::text || '/' || global_position as position
       from events where metadata ->> 'correlationId' = 'cancel-o1' order by transaction_id, global_position`,
    );
    assert.ok(caused.some((e) => e.type === 'StockReleased'), 'the checkout process released the reservation in the request');
    const latest = parsePosition(caused.at(-1)!.position)!;
    assert.equal(comparePositions(latest, refunded.position), 1, 'the compensation comes after the order’s own events');
    assert.deepEqual(json(response), { streamId: orderStream('acme', 'o1'), revision: String(refunded.revision), position: formatPosition(latest) });

    const lamp = await h.query(alice, `catalogue/lamp?position=${formatPosition(latest)}`);
    assert.equal(lamp.statusCode, 200, lamp.body);
    assert.equal(json<{ data: { available: number } }>(lamp).data.available, 5);
  });
});
