import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandContext } from '../../src/application/command-context.js';
import * as commerce from '../../src/application/commerce/index.js';
import { availableStock, stockDecider } from '../../src/domain/stock/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';
import { isCode } from '../support/domain-errors.js';

/*
 * Stock transfers move units exactly once: a refused transfer appends nothing; a transfer
 * refused by the destination after the source sent it (a race) gives the units back to the
 * source; a transfer interrupted between its halves completes when sent again. Every stock
 * command names a registered SKU. Each test uses its own tenant.
 */

const T0 = '2026-11-21T10:00:00.000+03:00';

describe('stock transfers', { timeout: 120_000 }, () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(async () => {
    await f.store.close();
    await f.database.drop();
  });

  const ctx = (tenantId: string): CommandContext => f.context(T0, tenantId);
  const types = async (tenantId: string, warehouseId: string) => (await f.store.readStream(commerce.stockStream(tenantId, 'S1', warehouseId))).map((e) => e.type);
  const stock = async (tenantId: string, warehouseId: string) => (await f.handler.load(stockDecider, commerce.stockStream(tenantId, 'S1', warehouseId))).state;
  const onHand = async (tenantId: string, warehouses: string[]) => {
    const counts: Record<string, number> = {};
    for (const w of warehouses) counts[w] = (await stock(tenantId, w)).onHand;
    return counts;
  };
  const eventCount = async () => (await f.store.readAll({ maxCount: 1_000_000 })).length;
  /** Registers S1 and receives 10 units into each of `warehouses`. */
  const seed = async (tenantId: string, warehouses: string[]) => {
    await commerce.registerProduct(f.handler, ctx(tenantId), { sku: 'S1', name: 'S1', category: 'books', price: { minor: 100, currency: 'TRY' } });
    for (const warehouseId of warehouses) await commerce.receiveStock(f.handler, ctx(tenantId), { sku: 'S1', warehouseId, quantity: 10, reference: 'PO-1' });
  };
  const transfer = (from: string, to: string, quantity: number, transferId: string) => ({ sku: 'S1', fromWarehouseId: from, toWarehouseId: to, quantity, transferId });

  it('given T1 moved 3 from A to B, when T1 is sent from C to B, then transfer-exists and nothing is appended (C keeps its 10), also when retried', async () => {
    await seed('t-reuse', ['A', 'C']);
    await commerce.transferStock(f.handler, ctx('t-reuse'), transfer('A', 'B', 3, 'T1'));
    for (let attempt = 0; attempt < 2; attempt++) {
      const before = await eventCount();
      await assert.rejects(commerce.transferStock(f.handler, ctx('t-reuse'), transfer('C', 'B', 2, 'T1')), isCode('transfer-exists', { transferId: 'T1' }));
      assert.equal(await eventCount(), before, 'nothing appended');
    }
    assert.deepEqual(await types('t-reuse', 'C'), ['StockReceived']);
    assert.deepEqual(await onHand('t-reuse', ['A', 'B', 'C']), { A: 7, B: 3, C: 10 });
  });

  it('given T7 moved 1 from H to B, when T7 is sent from G to H, then transfer-exists and G keeps its units', async () => {
    await seed('t-reuse-2', ['G', 'H']);
    await commerce.transferStock(f.handler, ctx('t-reuse-2'), transfer('H', 'B', 1, 'T7'));
    const before = await eventCount();
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-reuse-2'), transfer('G', 'H', 3, 'T7')), isCode('transfer-exists'));
    assert.equal(await eventCount(), before, 'nothing appended');
    assert.deepEqual(await onHand('t-reuse-2', ['B', 'G', 'H']), { B: 1, G: 10, H: 9 });
  });

  it('given another transfer takes T2 at B between the two halves (a race), when the in half is refused, then the out half is reversed on C, the refusal is answered, and T2 never moves C\'s units again', async () => {
    await seed('t-race', ['A', 'C']);
    let raced = false;
    const racing = new InterceptingHandler(f.store, async (command) => {
      if (command.type === 'TransferStockIn' && !raced) {
        raced = true;
        await commerce.transferStock(f.handler, ctx('t-race'), transfer('A', 'B', 1, 'T2'));
      }
    });
    await assert.rejects(commerce.transferStock(racing, ctx('t-race'), transfer('C', 'B', 2, 'T2')), isCode('transfer-exists'));
    assert.deepEqual(await types('t-race', 'C'), ['StockReceived', 'StockTransferredOut', 'StockTransferReversed']);
    assert.deepEqual(await onHand('t-race', ['A', 'B', 'C']), { A: 9, B: 1, C: 10 });
    assert.equal(availableStock(await stock('t-race', 'C')), 10);
    const before = await eventCount();
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-race'), transfer('C', 'B', 2, 'T2')), isCode('transfer-reversed', { transferId: 'T2' }));
    assert.equal(await eventCount(), before, 'a reversed transfer appends nothing when sent again');
  });

  it('given the in half fails with a lost connection past the retries, when the same transfer is sent again, then it completes exactly once', async () => {
    await seed('t-crash', ['A']);
    const down = new InterceptingHandler(f.store, (command) => {
      if (command.type === 'TransferStockIn') throw lostConnection();
    });
    const first = ctx('t-crash');
    await assert.rejects(commerce.transferStock(down, first, transfer('A', 'B', 4, 'T3'), { retries: 1 }), /Connection terminated/);
    assert.deepEqual(await onHand('t-crash', ['A', 'B']), { A: 6, B: 0 }, 'pending: out, not yet in');
    await commerce.transferStock(f.handler, first, transfer('A', 'B', 4, 'T3'));
    await commerce.transferStock(f.handler, ctx('t-crash'), transfer('A', 'B', 4, 'T3'));
    assert.deepEqual(await types('t-crash', 'A'), ['StockReceived', 'StockTransferredOut']);
    assert.deepEqual(await types('t-crash', 'B'), ['StockTransferredIn']);
    assert.deepEqual(await onHand('t-crash', ['A', 'B']), { A: 6, B: 4 });
  });

  it('given the in half fails twice with a lost connection, when transferred (3 retries), then it completes in the same request', async () => {
    await seed('t-flaky', ['A']);
    let failures = 0;
    const flaky = new InterceptingHandler(f.store, (command) => {
      if (command.type === 'TransferStockIn' && failures < 2) {
        failures++;
        throw lostConnection();
      }
    });
    const result = await commerce.transferStock(flaky, ctx('t-flaky'), transfer('A', 'B', 4, 'T4'));
    assert.deepEqual(result.events.map((e) => e.type), ['StockTransferredOut', 'StockTransferredIn']);
    assert.deepEqual(await onHand('t-flaky', ['A', 'B']), { A: 6, B: 4 });
  });

  it('given the in half is refused and the reversal cannot be written (lost connection), when the same transfer is sent again, then the units are given back once', async () => {
    await seed('t-rev-crash', ['A', 'C']);
    let raced = false;
    const racingAndDown = new InterceptingHandler(f.store, async (command) => {
      if (command.type === 'TransferStockIn' && !raced) {
        raced = true;
        await commerce.transferStock(f.handler, ctx('t-rev-crash'), transfer('A', 'B', 1, 'T5'));
      }
      if (command.type === 'ReverseStockTransfer') throw lostConnection();
    });
    await assert.rejects(commerce.transferStock(racingAndDown, ctx('t-rev-crash'), transfer('C', 'B', 2, 'T5'), { retries: 1 }), /Connection terminated/);
    assert.equal((await stock('t-rev-crash', 'C')).onHand, 8);
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-rev-crash'), transfer('C', 'B', 2, 'T5')), isCode('transfer-exists'));
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-rev-crash'), transfer('C', 'B', 2, 'T5')), isCode('transfer-reversed'));
    assert.deepEqual(await types('t-rev-crash', 'C'), ['StockReceived', 'StockTransferredOut', 'StockTransferReversed']);
    assert.deepEqual(await onHand('t-rev-crash', ['A', 'B', 'C']), { A: 9, B: 1, C: 10 });
  });

  describe('a SKU never registered: product-not-found, nothing appended', () => {
    const ghost = 'GHOST';
    const cases: [string, (c: CommandContext) => Promise<unknown>][] = [
      ['receive', (c) => commerce.receiveStock(f.handler, c, { sku: ghost, warehouseId: 'A', quantity: 5, reference: 'PO-1' })],
      ['adjust', (c) => commerce.adjustStock(f.handler, c, { sku: ghost, warehouseId: 'A', quantity: 5, reason: 'found', reference: 'count-1' })],
      ['transfer', (c) => commerce.transferStock(f.handler, c, { sku: ghost, fromWarehouseId: 'A', toWarehouseId: 'B', quantity: 1, transferId: 'T9' })],
      ['set-threshold', (c) => commerce.setStockThreshold(f.handler, c, { sku: ghost, warehouseId: 'A', lowStock: 2 })],
    ];
    for (const [name, run] of cases) {
      it(`given GHOST was never registered, when stock ${name} names it, then product-not-found`, async () => {
        const before = await eventCount();
        await assert.rejects(run(ctx('t-ghost')), isCode('product-not-found', { sku: ghost }));
        assert.equal(await eventCount(), before);
      });
    }
  });
});
