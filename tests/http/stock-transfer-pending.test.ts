import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stockStream } from '../../src/application/commerce/streams.js';
import { StockTransferProcessManager, stockTransferSubscriber } from '../../src/application/process-managers/stock-transfer/index.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';
import { commandOk, createHarness, json, seedProduct, type Harness } from './harness.js';

/*
 * A stock transfer whose in half cannot be written during the request (the destination's
 * append keeps failing) answers 202 pending with its transferId instead of 500; the
 * stock-transfer process manager, or the same body sent again, completes it once.
 */

describe('HTTP: a stock transfer whose in half cannot be settled during the request', () => {
  let h: Harness;
  let admin: string;
  let destinationDown = false;
  before(async () => {
    h = await createHarness({
      now: () => new Date('2026-11-21T07:00:00.000Z'),
      handler: (store) =>
        new InterceptingHandler(store, (command) => {
          if (command.type === 'TransferStockIn' && destinationDown) throw lostConnection();
        }),
    });
    admin = h.token('acme', 'admin-1', ['admin']);
    await seedProduct(h, admin, { sku: 'S1', minor: 500, stock: 10, warehouseId: 'A' });
  });
  after(() => h.close());
  const onHand = async (warehouseId: string) => (await h.handler.load(stockDecider, stockStream('acme', 'S1', warehouseId))).state.onHand;

  it('answers 202 pending with the transferId; the same body again completes it, moving the units once', async () => {
    destinationDown = true;
    const body = { sku: 'S1', fromWarehouseId: 'A', toWarehouseId: 'B', quantity: 3 };
    const pending = await h.command(admin, 'stock/transfer', body);
    assert.equal(pending.statusCode, 202, pending.body);
    const { status, transferId, streamId } = json<{ status: string; transferId: string; streamId: string }>(pending);
    assert.deepEqual([status, streamId], ['pending', stockStream('acme', 'S1', 'A')]);
    assert.deepEqual([await onHand('A'), await onHand('B')], [7, 0], 'out of A, not yet in B');
    destinationDown = false;
    const again = await commandOk(h, admin, 'stock/transfer', { ...body, transferId });
    assert.deepEqual([again.transferId, again.streamId, again.status], [transferId, stockStream('acme', 'S1', 'B'), 'completed'], 'completed: 200, as wallet transfers');
    assert.deepEqual([await onHand('A'), await onHand('B')], [7, 3], 'moved once');
  });

  it('answers 202 pending, and the stock-transfer process manager completes it', async () => {
    destinationDown = true;
    const pending = await h.command(admin, 'stock/transfer', { sku: 'S1', fromWarehouseId: 'A', toWarehouseId: 'C', quantity: 2, transferId: 'T-pm' });
    assert.equal(pending.statusCode, 202, pending.body);
    assert.deepEqual([json(pending).status, json(pending).transferId], ['pending', 'T-pm']);
    destinationDown = false;
    await stockTransferSubscriber(h.store, new StockTransferProcessManager(h.handler)).catchUp();
    assert.deepEqual([await onHand('A'), await onHand('C')], [5, 2]);
  });
});
