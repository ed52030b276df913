import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { CommandContext } from '../../src/application/command-context.js';
import * as commerce from '../../src/application/commerce/index.js';
import { StockTransferProcessManager, stockTransferSubscriber } from '../../src/application/process-managers/stock-transfer/index.js';
import { availableStock, stockDecider } from '../../src/domain/stock/index.js';
import { startStockTransferRunner, STOCK_TRANSFER_CHECKPOINT } from '../../src/infrastructure/stock-transfer-runner.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { InterceptingHandler, lostConnection } from '../support/intercepting-handler.js';
import { isCode } from '../support/domain-errors.js';

/*
 * Stock transfers move units exactly once: a refused transfer appends nothing; a transfer
 * refused by the destination after the source sent it (a race) is recorded as refused there
 * and gives the units back to the source; a transfer interrupted between its halves is
 * completed by the stock-transfer process manager (or when sent again). Every stock command
 * names a registered SKU. Each test uses its own tenant.
 */

const T0 = '2026-11-21T10:00:00.000+03:00';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  /** The process manager run over all of `$all` from the start, as a fresh service would. */
  const settleAll = () => stockTransferSubscriber(f.store, new StockTransferProcessManager(f.handler)).catchUp();
  /** Only the out half, as appended by a request whose process died right after it. */
  const sendOnly = (tenantId: string, from: string, to: string, quantity: number, transferId: string, context = ctx(tenantId)) =>
    f.handler.handle(
      stockDecider,
      commerce.stockStream(tenantId, 'S1', from),
      { type: 'TransferStockOut', data: { sku: 'S1', warehouseId: from, transferId, toWarehouseId: to, quantity } },
      context,
    );
  /** A handler whose every in half loses its connection. */
  const inHalfDown = () =>
    new InterceptingHandler(f.store, (command) => {
      if (command.type === 'TransferStockIn') throw lostConnection();
    });

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

  it('given another transfer takes T2 at B between the two halves (a race), when the in half is refused, then B records its refusal, the out half is reversed on C, the refusal is answered, and T2 never moves C\'s units again', async () => {
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
    assert.deepEqual(await types('t-race', 'B'), ['StockTransferredIn', 'StockTransferRefused']);
    const refusal = (await f.store.readStream(commerce.stockStream('t-race', 'S1', 'B'))).at(-1)!;
    assert.deepEqual(refusal.data, { sku: 'S1', warehouseId: 'B', transferId: 'T2', fromWarehouseId: 'C', quantity: 2, reason: 'transfer-refused:transfer-exists' });
    assert.deepEqual(await onHand('t-race', ['A', 'B', 'C']), { A: 9, B: 1, C: 10 });
    assert.equal(availableStock(await stock('t-race', 'C')), 10);
    const before = await eventCount();
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-race'), transfer('C', 'B', 2, 'T2')), isCode('transfer-reversed', { transferId: 'T2' }));
    assert.equal(await eventCount(), before, 'a reversed transfer appends nothing when sent again');
  });

  it('given the in half fails with a lost connection past the retries, then the answer is pending with the transferId; sending the same transfer again completes it exactly once', async () => {
    await seed('t-crash', ['A']);
    const first = ctx('t-crash');
    const pending = await commerce.transferStock(inHalfDown(), first, transfer('A', 'B', 4, 'T3'), { retries: 1 });
    assert.deepEqual([pending.status, pending.streamId], ['pending', commerce.stockStream('t-crash', 'S1', 'A')]);
    assert.deepEqual(await onHand('t-crash', ['A', 'B']), { A: 6, B: 0 }, 'pending: out, not yet in');
    assert.equal((await commerce.transferStock(f.handler, first, transfer('A', 'B', 4, 'T3'))).status, 'completed');
    assert.equal((await commerce.transferStock(f.handler, ctx('t-crash'), transfer('A', 'B', 4, 'T3'))).status, 'completed');
    assert.deepEqual(await types('t-crash', 'A'), ['StockReceived', 'StockTransferredOut']);
    assert.deepEqual(await types('t-crash', 'B'), ['StockTransferredIn']);
    assert.deepEqual(await onHand('t-crash', ['A', 'B']), { A: 6, B: 4 });
  });

  it('given T1 (with the low-stock alert it caused at A) then T4 moved units from A to B, when T1 is sent again under another command id, then it answers as T1 did: B’s revision and the position of T1’s in half, T1’s events; nothing appended', async () => {
    await seed('t-again', ['A']);
    await commerce.setStockThreshold(f.handler, ctx('t-again'), { sku: 'S1', warehouseId: 'A', lowStock: 8 });
    const first = await commerce.transferStock(f.handler, ctx('t-again'), transfer('A', 'B', 3, 'T1'));
    await commerce.transferStock(f.handler, ctx('t-again'), transfer('A', 'B', 1, 'T4'));
    // Counted per stream: a `$all` count may lag behind an append that just committed (watermark).
    const written = async () => [...(await types('t-again', 'A')), ...(await types('t-again', 'B'))].length;
    const before = await written();
    const again = await commerce.transferStock(f.handler, ctx('t-again'), transfer('A', 'B', 3, 'T1'));
    assert.equal(await written(), before, 'nothing appended');
    const answer = (r: commerce.TransferStockResult) => ({ streamId: r.streamId, revision: r.revision, position: r.position, status: r.status, events: r.events.map((e) => e.type) });
    assert.deepEqual(answer(again), answer(first));
    assert.deepEqual(answer(again).events, ['StockTransferredOut', 'LowStock', 'StockTransferredIn']);
    const received = (await f.store.readStream(commerce.stockStream('t-again', 'S1', 'B'))).find((e) => e.type === 'StockTransferredIn' && e.data.transferId === 'T1')!;
    assert.deepEqual([again.revision, again.position], [received.revision, received.position]);
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

  it('given the in half is refused and the reversal cannot be written (lost connection), then the refusal is answered; the process manager gives the units back once, and the id is spent', async () => {
    await seed('t-rev-crash', ['A', 'C']);
    let raced = false;
    const racingAndDown = new InterceptingHandler(f.store, async (command) => {
      if (command.type === 'TransferStockIn' && !raced) {
        raced = true;
        await commerce.transferStock(f.handler, ctx('t-rev-crash'), transfer('A', 'B', 1, 'T5'));
      }
      if (command.type === 'ReverseStockTransfer') throw lostConnection();
    });
    await assert.rejects(commerce.transferStock(racingAndDown, ctx('t-rev-crash'), transfer('C', 'B', 2, 'T5'), { retries: 1 }), isCode('transfer-exists'));
    assert.equal((await stock('t-rev-crash', 'C')).onHand, 8, 'not yet reversed');
    assert.deepEqual(await types('t-rev-crash', 'B'), ['StockTransferredIn', 'StockTransferRefused']);
    await settleAll();
    await settleAll();
    assert.deepEqual(await types('t-rev-crash', 'C'), ['StockReceived', 'StockTransferredOut', 'StockTransferReversed']);
    await assert.rejects(commerce.transferStock(f.handler, ctx('t-rev-crash'), transfer('C', 'B', 2, 'T5')), isCode('transfer-reversed'));
    assert.deepEqual(await types('t-rev-crash', 'C'), ['StockReceived', 'StockTransferredOut', 'StockTransferReversed'], 'sent again: nothing more');
    assert.deepEqual(await types('t-rev-crash', 'B'), ['StockTransferredIn', 'StockTransferRefused']);
    assert.deepEqual(await onHand('t-rev-crash', ['A', 'B', 'C']), { A: 9, B: 1, C: 10 });
  });

  describe('the stock-transfer process manager settles every sent transfer exactly once', () => {
    it('given a transfer answered pending (its in half lost past the retries), then the process manager completes it, once, with the request’s correlation and business time', async () => {
      await seed('pm-pending', ['A']);
      const context = ctx('pm-pending');
      const pending = await commerce.transferStock(inHalfDown(), context, transfer('A', 'B', 4, 'P1'), { retries: 0 });
      assert.equal(pending.status, 'pending');
      await settleAll();
      await settleAll();
      assert.deepEqual(await types('pm-pending', 'B'), ['StockTransferredIn']);
      assert.deepEqual(await onHand('pm-pending', ['A', 'B']), { A: 6, B: 4 });
      const received = (await f.store.readStream(commerce.stockStream('pm-pending', 'S1', 'B'))).at(-1)!;
      assert.deepEqual([received.metadata.actor, received.metadata.correlationId, received.metadata.occurredAt], ['system:stock-transfer', context.correlationId, T0]);
      assert.equal((await commerce.transferStock(f.handler, context, transfer('A', 'B', 4, 'P1'))).status, 'completed', 'the same request again');
      assert.deepEqual(await onHand('pm-pending', ['A', 'B']), { A: 6, B: 4 });
    });

    it('given transfers left half-way, when two process managers run at once, then each is received exactly once', async () => {
      await seed('pm-twice', ['A']);
      for (let i = 0; i < 5; i++) await sendOnly('pm-twice', 'A', 'B', 1, `D${i}`);
      await Promise.all([settleAll(), settleAll()]);
      await Promise.all([settleAll(), settleAll()]);
      assert.deepEqual(await types('pm-twice', 'B'), Array.from({ length: 5 }, () => 'StockTransferredIn'));
      assert.deepEqual(await onHand('pm-twice', ['A', 'B']), { A: 5, B: 5 });
    });

    it('given a sent transfer whose id another transfer takes at the destination before the process manager gets to it, then the refusal is recorded there and the source reversed, units back', async () => {
      await seed('pm-refuse', ['A', 'C']);
      await sendOnly('pm-refuse', 'C', 'B', 3, 'R1');
      await commerce.transferStock(f.handler, ctx('pm-refuse'), transfer('A', 'B', 1, 'R1'));
      await settleAll();
      await settleAll();
      assert.deepEqual(await types('pm-refuse', 'B'), ['StockTransferredIn', 'StockTransferRefused']);
      assert.deepEqual(await types('pm-refuse', 'C'), ['StockReceived', 'StockTransferredOut', 'StockTransferReversed']);
      assert.deepEqual(await onHand('pm-refuse', ['A', 'B', 'C']), { A: 9, B: 1, C: 10 });
      await assert.rejects(
        f.handler.handle(
          stockDecider,
          commerce.stockStream('pm-refuse', 'S1', 'B'),
          { type: 'TransferStockIn', data: { sku: 'S1', warehouseId: 'B', transferId: 'R1', fromWarehouseId: 'C', quantity: 3 } },
          ctx('pm-refuse'),
        ),
        isCode('transfer-reversed'),
        'the refused transfer can never be received later',
      );
    });

    it('30 concurrent transfers, some losing their in half, with two process managers running alongside: each sent transfer is received or reversed exactly once, and no unit is created or lost', async () => {
      const tenant = 'pm-herd';
      await seed(tenant, ['A']);
      let n = 0;
      const contended = new InterceptingHandler(
        f.store,
        (command) => {
          if (command.type === 'TransferStockIn' && n++ % 3 === 0) throw lostConnection();
        },
        { retries: 0 },
      );
      const managers = [0, 1].map(() => stockTransferSubscriber(f.store, new StockTransferProcessManager(f.handler), { retryMinMs: 10 }));
      const running = managers.map((m) => m.run(200));
      const answers = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => commerce.transferStock(contended, ctx(tenant), transfer('A', 'B', 1, `H${i}`), { retries: 0 })),
      );
      await sleep(200);
      for (const m of managers) m.stop();
      await Promise.all(running);
      await settleAll();

      const ids = async (warehouseId: string, type: string) =>
        (await f.store.readStream(commerce.stockStream(tenant, 'S1', warehouseId))).filter((e) => e.type === type).map((e) => String(e.data.transferId));
      const sent = await ids('A', 'StockTransferredOut');
      const settled = [...(await ids('B', 'StockTransferredIn')), ...(await ids('A', 'StockTransferReversed'))];
      assert.ok(sent.length > 0);
      assert.ok(
        answers.some((a) => a.status === 'fulfilled' && a.value.status === 'pending'),
        'some answers were pending (the path under test was taken)',
      );
      assert.deepEqual([...settled].sort(), [...sent].sort(), 'every sent transfer settled exactly once');
      const counts = await onHand(tenant, ['A', 'B']);
      assert.equal(counts.A! + counts.B!, 10, 'no unit created or lost');
    });

    it('the runner started with the service settles a transfer left half-way while it runs, and keeps its checkpoint', async () => {
      await seed('pm-runner', ['A']);
      const logs: string[] = [];
      const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) }));
      const runner = await startStockTransferRunner({ store: f.store, handler: f.handler, pool: f.database.pool, logger });
      try {
        await sendOnly('pm-runner', 'A', 'B', 2, 'L1');
        const deadline = Date.now() + 10_000;
        while ((await stock('pm-runner', 'B')).onHand !== 2 && Date.now() < deadline) await sleep(25);
        assert.deepEqual(await onHand('pm-runner', ['A', 'B']), { A: 8, B: 2 });
      } finally {
        await runner.stop();
      }
      const { rows } = await f.database.pool.query<{ n: string }>('select count(*) as n from process_manager_checkpoints where name = $1', [STOCK_TRANSFER_CHECKPOINT]);
      assert.equal(rows[0]?.n, '1');
      assert.deepEqual(logs, []);
    });
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
