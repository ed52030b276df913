import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../src/domain/shared/index.js';
import { allocateLines, availableStock, stockDecider, stockLevel, stockLevelOf, type StockCommand, type StockEvent } from '../../src/domain/stock/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/* Stock rules beyond the skeleton: adjustments, returns, transfers, reservation expiry, alerts, allocation. */

const sku = 'SKU-1';
const warehouseId = 'IST';
const received = (quantity: number, onHand: number, reference = 'po'): StockEvent => ({ type: 'StockReceived', data: { sku, warehouseId, quantity, reference, onHand } });
const reserved = (orderId: string, quantity: number, available: number): StockEvent => ({ type: 'StockReserved', data: { sku, warehouseId, orderId, quantity, available } });
const shipped = (orderId: string, quantity: number, onHand: number): StockEvent => ({ type: 'StockShipped', data: { sku, warehouseId, orderId, quantity, onHand } });
const thresholdSet = (lowStock: number): StockEvent => ({ type: 'StockThresholdSet', data: { sku, warehouseId, lowStock } });
const reserve = (orderId: string, quantity: number, expiresAt?: string): StockCommand => ({
  type: 'ReserveStock',
  data: { sku, warehouseId, orderId, quantity, ...(expiresAt ? { expiresAt } : {}) },
});
const adjust = (quantity: number, reason = 'stock count'): StockCommand => ({ type: 'AdjustStock', data: { sku, warehouseId, quantity, reason, reference: 'count-7' } });

describe('stock: reservations with an expiry', () => {
  it('records the expiry with the reservation', () => {
    spec(stockDecider)
      .given([received(10, 10)])
      .when(reserve('o-1', 3, '2026-11-21T10:30:00.000+03:00'))
      .then([{ type: 'StockReserved', data: { sku, warehouseId, orderId: 'o-1', quantity: 3, available: 7, expiresAt: '2026-11-21T10:30:00.000+03:00' } }]);
  });

  it('rejects an expiry that is not an ISO 8601 time', () => {
    rejects(stockDecider, [received(10, 10)], reserve('o-1', 3, 'soon'), 'invalid-time', 'unprocessable');
  });
});

describe('stock: AdjustStock', () => {
  it('adds found units with a reason', () => {
    spec(stockDecider)
      .given([received(10, 10)])
      .when(adjust(2, ' found in aisle 3 '))
      .then([{ type: 'StockAdjusted', data: { sku, warehouseId, quantity: 2, reason: 'found in aisle 3', reference: 'count-7', onHand: 12, available: 12 } }]);
  });

  it('removes lost units, but never reserved ones', () => {
    spec(stockDecider)
      .given([received(10, 10), reserved('o-1', 6, 4)])
      .when(adjust(-4, 'damaged'))
      .then([{ type: 'StockAdjusted', data: { sku, warehouseId, quantity: -4, reason: 'damaged', reference: 'count-7', onHand: 6, available: 0 } }]);
    rejects(stockDecider, [received(10, 10), reserved('o-1', 6, 4)], adjust(-5, 'damaged'), 'insufficient-stock', 'conflict', { requested: 5, available: 4 });
  });

  it('rejects a zero or fractional adjustment and a blank reason', () => {
    rejects(stockDecider, [received(10, 10)], adjust(0), 'invalid-adjustment', 'unprocessable');
    rejects(stockDecider, [received(10, 10)], adjust(1.5), 'invalid-adjustment', 'unprocessable');
    rejects(stockDecider, [received(10, 10)], adjust(1, '  '), 'invalid-reason', 'unprocessable');
  });
});

describe('stock: ReturnStock', () => {
  const history = [received(10, 10), reserved('o-1', 3, 7), shipped('o-1', 3, 7)];
  const returnStock = (quantity: number, returnId = 'ret-1', orderId = 'o-1'): StockCommand => ({
    type: 'ReturnStock',
    data: { sku, warehouseId, orderId, quantity, returnId },
  });

  it('puts shipped units back on hand', () => {
    spec(stockDecider)
      .given(history)
      .when(returnStock(2))
      .then([{ type: 'StockReturned', data: { sku, warehouseId, orderId: 'o-1', returnId: 'ret-1', quantity: 2, onHand: 9, available: 9 } }]);
  });

  it('returns at most what the order shipped from here, net of earlier returns', () => {
    const first = stockDecider.decide(returnStock(2), fold(stockDecider, history));
    rejects(stockDecider, [...history, ...first], returnStock(2, 'ret-2'), 'return-exceeds-shipped', 'conflict', { returnable: 1, requested: 2 });
    rejects(stockDecider, history, returnStock(1, 'ret-9', 'o-unknown'), 'return-exceeds-shipped', 'conflict', { returnable: 0 });
  });

  it('is idempotent per return id', () => {
    const first = stockDecider.decide(returnStock(2), fold(stockDecider, history));
    spec(stockDecider).given([...history, ...first]).when(returnStock(2)).then([]);
  });

  it('return ids are per order: another order returning under the same id puts its units back too', () => {
    const both = [...history, reserved('o-2', 2, 5), shipped('o-2', 2, 5)];
    const first = stockDecider.decide(returnStock(2), fold(stockDecider, both));
    spec(stockDecider)
      .given([...both, ...first])
      .when(returnStock(1, 'ret-1', 'o-2'))
      .then([{ type: 'StockReturned', data: { sku, warehouseId, orderId: 'o-2', returnId: 'ret-1', quantity: 1, onHand: 8, available: 8 } }]);
  });
});

describe('stock: transfers between warehouses', () => {
  const out: StockCommand = { type: 'TransferStockOut', data: { sku, warehouseId, transferId: 'tr-1', toWarehouseId: 'ANK', quantity: 4 } };
  const into: StockCommand = { type: 'TransferStockIn', data: { sku, warehouseId: 'ANK', transferId: 'tr-1', fromWarehouseId: warehouseId, quantity: 4 } };

  it('the out half takes available units', () => {
    spec(stockDecider)
      .given([received(10, 10)])
      .when(out)
      .then([{ type: 'StockTransferredOut', data: { sku, warehouseId, transferId: 'tr-1', toWarehouseId: 'ANK', quantity: 4, onHand: 6, available: 6 } }]);
    rejects(stockDecider, [received(10, 10), reserved('o-1', 8, 2)], out, 'insufficient-stock', 'conflict', { requested: 4, available: 2 });
  });

  it('the in half adds them in the other warehouse', () => {
    spec(stockDecider)
      .given([])
      .when(into)
      .then([{ type: 'StockTransferredIn', data: { sku, warehouseId: 'ANK', transferId: 'tr-1', fromWarehouseId: warehouseId, quantity: 4, onHand: 4, available: 4 } }]);
  });

  it('each half is idempotent per transfer; other figures under the same id are a conflict; a warehouse cannot send to itself', () => {
    const afterOut = [received(10, 10), ...stockDecider.decide(out, fold(stockDecider, [received(10, 10)]))];
    spec(stockDecider).given(afterOut).when(out).then([]);
    rejects(stockDecider, afterOut, { ...out, data: { ...out.data, quantity: 5 } }, 'transfer-exists', 'conflict');
    rejects(stockDecider, [received(10, 10)], { ...out, data: { ...out.data, toWarehouseId: warehouseId } }, 'invalid-transfer', 'unprocessable');
    const afterIn = stockDecider.decide(into, fold(stockDecider, []));
    spec(stockDecider).given(afterIn).when(into).then([]);
  });
});

describe('stock: thresholds and alerts', () => {
  const alert = (type: 'LowStock' | 'OutOfStock' | 'LowStockCleared', available: number, threshold = 3): StockEvent =>
    ({ type, data: { sku, warehouseId, available, threshold } });

  it('no alerts before a threshold is set', () => {
    spec(stockDecider).given([received(5, 5)]).when(reserve('o-1', 5)).then([reserved('o-1', 5, 0)]);
  });

  it('setting a threshold at or above availability raises LowStock at once', () => {
    spec(stockDecider).given([received(2, 2)]).when({ type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: 3 } }).then([thresholdSet(3), alert('LowStock', 2)]);
  });

  it('falling to the threshold raises LowStock', () => {
    spec(stockDecider).given([received(10, 10), thresholdSet(3)]).when(reserve('o-1', 7)).then([reserved('o-1', 7, 3), alert('LowStock', 3)]);
  });

  it('falling to 0 raises OutOfStock', () => {
    spec(stockDecider).given([received(10, 10), thresholdSet(3)]).when(reserve('o-1', 10)).then([reserved('o-1', 10, 0), alert('OutOfStock', 0)]);
  });

  it('coming back from 0 raises BackInStock, telling whether still low', () => {
    const out = [received(2, 2), thresholdSet(3), reserved('o-1', 2, 0)];
    spec(stockDecider)
      .given(out)
      .when({ type: 'ReceiveStock', data: { sku, warehouseId, quantity: 1, reference: 'po-2' } })
      .then([received(1, 3, 'po-2'), { type: 'BackInStock', data: { sku, warehouseId, available: 1, threshold: 3, low: true } }]);
    spec(stockDecider)
      .given(out)
      .when({ type: 'ReleaseStock', data: { sku, warehouseId, orderId: 'o-1', reason: 'cancelled' } })
      .then([
        { type: 'StockReleased', data: { sku, warehouseId, orderId: 'o-1', quantity: 2, reason: 'cancelled', available: 2 } },
        { type: 'BackInStock', data: { sku, warehouseId, available: 2, threshold: 3, low: true } },
      ]);
  });

  it('rising above the threshold clears LowStock', () => {
    spec(stockDecider)
      .given([received(3, 3), thresholdSet(3)])
      .when({ type: 'ReceiveStock', data: { sku, warehouseId, quantity: 5, reference: 'po-3' } })
      .then([received(5, 8, 'po-3'), alert('LowStockCleared', 8)]);
  });

  it('no alert when the level does not change', () => {
    spec(stockDecider).given([received(10, 10), thresholdSet(3)]).when(reserve('o-1', 2)).then([reserved('o-1', 2, 8)]);
  });

  it('rejects a negative or fractional threshold', () => {
    rejects(stockDecider, [], { type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: -1 } }, 'invalid-threshold', 'unprocessable');
    rejects(stockDecider, [], { type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: 0.5 } }, 'invalid-threshold', 'unprocessable');
  });

  it('reports the level', () => {
    assert.equal(stockLevel(fold(stockDecider, [received(10, 10)])), 'untracked');
    assert.equal(stockLevel(fold(stockDecider, [received(10, 10), thresholdSet(3)])), 'ok');
  });

  it('a threshold set below availability on stock that had none raises no alert: nothing was alerted, the level is ok', () => {
    spec(stockDecider).given([received(3, 3)]).when({ type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: 1 } }).then([thresholdSet(1)]);
  });

  it('changing the threshold moves the level: raised to availability raises LowStock, lowered below it clears it', () => {
    spec(stockDecider).given([received(3, 3), thresholdSet(1)]).when({ type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: 3 } }).then([thresholdSet(3), alert('LowStock', 3)]);
    spec(stockDecider)
      .given([received(3, 3), thresholdSet(3)])
      .when({ type: 'SetStockThreshold', data: { sku, warehouseId, lowStock: 2 } })
      .then([thresholdSet(2), alert('LowStockCleared', 3, 2)]);
  });

  it('the level rule, for read models too: out at 0 or below, low at or below the threshold, else ok', () => {
    assert.deepEqual([stockLevelOf(0, 3), stockLevelOf(-1, 3), stockLevelOf(1, 3), stockLevelOf(3, 3), stockLevelOf(4, 3), stockLevelOf(1, 0)], ['out', 'out', 'low', 'low', 'ok', 'ok']);
    assert.equal(stockLevel(fold(stockDecider, [received(3, 3), thresholdSet(3)])), stockLevelOf(3, 3));
  });
});

describe('stock: invariant available = on hand − reserved ≥ 0', () => {
  it('holds after any sequence of accepted commands', () => {
    let state = fold(stockDecider, [received(5, 5)]);
    const commands: StockCommand[] = [
      reserve('o-1', 4),
      adjust(-2),
      reserve('o-2', 2),
      { type: 'TransferStockOut', data: { sku, warehouseId, transferId: 't', toWarehouseId: 'X', quantity: 2 } },
      { type: 'ShipStock', data: { sku, warehouseId, orderId: 'o-1' } },
      adjust(-1),
      reserve('o-3', 1),
    ];
    for (const command of commands) {
      try {
        for (const event of stockDecider.decide(command, state)) state = stockDecider.evolve(state, event);
      } catch {
        // rejected
      }
      assert.ok(availableStock(state) >= 0 && state.onHand >= 0, JSON.stringify(state));
    }
  });
});

describe('stock: allocation across warehouses', () => {
  const line = (quantity: number, preferredWarehouseId = 'IST', s = sku) => ({ sku: s, quantity, preferredWarehouseId });
  const availability = { [sku]: [{ warehouseId: 'IST', available: 2 }, { warehouseId: 'ANK', available: 5 }, { warehouseId: 'IZM', available: 3 }] };

  it('takes the whole line from its own warehouse when it can', () => {
    assert.deepEqual(allocateLines([line(2)], availability), [{ lineIndex: 0, sku, warehouseId: 'IST', quantity: 2 }]);
  });

  it('else from the first other warehouse that covers the whole line', () => {
    assert.deepEqual(allocateLines([line(4)], availability), [{ lineIndex: 0, sku, warehouseId: 'ANK', quantity: 4 }]);
  });

  it('else splits it: own warehouse first, then the others in priority order', () => {
    assert.deepEqual(allocateLines([line(9)], availability), [
      { lineIndex: 0, sku, warehouseId: 'IST', quantity: 2 },
      { lineIndex: 0, sku, warehouseId: 'ANK', quantity: 5 },
      { lineIndex: 0, sku, warehouseId: 'IZM', quantity: 2 },
    ]);
  });

  it('when nothing covers it, the whole line goes to its own warehouse (whose reservation then fails with real figures)', () => {
    assert.deepEqual(allocateLines([line(11)], availability), [{ lineIndex: 0, sku, warehouseId: 'IST', quantity: 11 }]);
  });

  it('earlier lines use up availability for later lines of the same SKU', () => {
    assert.deepEqual(allocateLines([line(2), line(2)], availability), [
      { lineIndex: 0, sku, warehouseId: 'IST', quantity: 2 },
      { lineIndex: 1, sku, warehouseId: 'ANK', quantity: 2 },
    ]);
  });
});
