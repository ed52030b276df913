import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../src/domain/shared/index.js';
import { stockDecider, type StockCommand, type StockEvent } from '../../src/domain/stock/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * The destination of a transfer records its refusal of the in half (`StockTransferRefused`)
 * before the source is reversed, and then never receives that transfer id: the units given
 * back to the source can never also arrive here.
 */

const sku = 'S1';
const warehouseId = 'B';
const reason = 'transfer-refused:transfer-exists';

// C sends T2 (2 units) to B; A sent T2 (1 unit) to B first.
const receiveFromC: StockCommand = { type: 'TransferStockIn', data: { sku, warehouseId, transferId: 'T2', fromWarehouseId: 'C', quantity: 2 } };
const refuseFromC: StockCommand = { type: 'RefuseStockTransfer', data: { sku, warehouseId, transferId: 'T2', fromWarehouseId: 'C', quantity: 2, reason } };
const refusedFromC: StockEvent = { type: 'StockTransferRefused', data: { sku, warehouseId, transferId: 'T2', fromWarehouseId: 'C', quantity: 2, reason } };
const receivedFrom = (fromWarehouseId: string, quantity: number, onHand: number): StockEvent => ({
  type: 'StockTransferredIn',
  data: { sku, warehouseId, transferId: 'T2', fromWarehouseId, quantity, onHand, available: onHand },
});
const stocked: StockEvent = { type: 'StockReceived', data: { sku, warehouseId, quantity: 5, reference: 'PO-1', onHand: 5 } };

describe('stock: the destination refuses a transfer for good', () => {
  it('given T2 held at B by a transfer from A, when the refusal of T2 from C is recorded, then StockTransferRefused names T2, C, 2 units and the code, and moves no units', () => {
    spec(stockDecider).given([stocked, receivedFrom('A', 1, 6)]).when(refuseFromC).then([refusedFromC]);
    const state = fold(stockDecider, [stocked, receivedFrom('A', 1, 6), refusedFromC]);
    assert.deepEqual([state.onHand, state.transfers.T2], [6, { direction: 'in', quantity: 1, counterpart: 'A' }], 'A’s transfer untouched');
  });

  it('given a warehouse that never saw T2, when the refusal is recorded, then StockTransferRefused', () => {
    spec(stockDecider).given([]).when(refuseFromC).then([refusedFromC]);
  });

  it('given the refusal of T2 from C recorded, when T2 from C is received later, then transfer-reversed with the reason, and no units arrive', () => {
    rejects(stockDecider, [stocked, refusedFromC], receiveFromC, 'transfer-reversed', 'conflict', { transferId: 'T2', reason });
  });

  it('given the refusal of T2 from C recorded, when T2 arrives from another warehouse, then transfer-exists: the id is spent here', () => {
    rejects(stockDecider, [refusedFromC], { ...receiveFromC, data: { ...receiveFromC.data, fromWarehouseId: 'D' } }, 'transfer-exists', 'conflict', { transferId: 'T2' });
  });

  it('given the refusal recorded, when it is recorded again, then nothing (idempotent)', () => {
    spec(stockDecider).given([refusedFromC]).when(refuseFromC).then([]);
  });

  it('given this very transfer received, when its refusal is recorded, then nothing: the receipt stands', () => {
    spec(stockDecider).given([receivedFrom('C', 2, 2)]).when(refuseFromC).then([]);
  });

  it('when the refusal has no reason, a quantity that is not positive, or names B as its own source, then invalid-reason / invalid-quantity / invalid-transfer', () => {
    rejects(stockDecider, [], { ...refuseFromC, data: { ...refuseFromC.data, reason: ' ' } }, 'invalid-reason', 'unprocessable');
    rejects(stockDecider, [], { ...refuseFromC, data: { ...refuseFromC.data, quantity: 0 } }, 'invalid-quantity', 'unprocessable');
    rejects(stockDecider, [], { ...refuseFromC, data: { ...refuseFromC.data, fromWarehouseId: 'B' } }, 'invalid-transfer', 'unprocessable');
  });
});
