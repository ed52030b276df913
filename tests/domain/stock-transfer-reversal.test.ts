import { describe, it } from 'node:test';
import { stockDecider, type StockCommand, type StockEvent } from '../../src/domain/stock/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * A transfer whose in half was refused is reversed on the sender: the units come back once,
 * and the reversed transfer id can never send (and so never create) units again.
 */

const sku = 'S1';
const warehouseId = 'C';

const received = (quantity: number, onHand: number): StockEvent => ({ type: 'StockReceived', data: { sku, warehouseId, quantity, reference: 'PO-1', onHand } });
const sentOut = (transferId: string, quantity: number, onHand: number, toWarehouseId = 'B'): StockEvent => ({
  type: 'StockTransferredOut',
  data: { sku, warehouseId, transferId, toWarehouseId, quantity, onHand, available: onHand },
});
const cameIn = (transferId: string, quantity: number, onHand: number): StockEvent => ({
  type: 'StockTransferredIn',
  data: { sku, warehouseId, transferId, fromWarehouseId: 'A', quantity, onHand, available: onHand },
});
const reversed = (transferId: string, quantity: number, onHand: number, reason = 'transfer-refused:transfer-exists'): StockEvent => ({
  type: 'StockTransferReversed',
  data: { sku, warehouseId, transferId, toWarehouseId: 'B', quantity, reason, onHand, available: onHand },
});
const reverse = (transferId: string, reason = 'transfer-refused:transfer-exists'): StockCommand => ({
  type: 'ReverseStockTransfer',
  data: { sku, warehouseId, transferId, reason },
});
const sendOut = (transferId: string, quantity: number, toWarehouseId = 'B'): StockCommand => ({
  type: 'TransferStockOut',
  data: { sku, warehouseId, transferId, toWarehouseId, quantity },
});

describe('stock: ReverseStockTransfer', () => {
  it('given T1 sent out (2 of 10), when reversed, then StockTransferReversed gives the 2 units back to C', () => {
    spec(stockDecider).given([received(10, 10), sentOut('T1', 2, 8)]).when(reverse('T1')).then([reversed('T1', 2, 10)]);
  });

  it('given T1 already reversed, when reversed again, then nothing (idempotent per transfer)', () => {
    spec(stockDecider).given([received(10, 10), sentOut('T1', 2, 8), reversed('T1', 2, 10)]).when(reverse('T1', 'another')).then([]);
  });

  it('given no transfer T1 sent from here, when reversed, then transfer-not-found', () => {
    rejects(stockDecider, [received(10, 10)], reverse('T1'), 'transfer-not-found', 'conflict', { transferId: 'T1' });
  });

  it('given T1 received here (an in half), when reversed, then transfer-not-found', () => {
    rejects(stockDecider, [cameIn('T1', 3, 3)], reverse('T1'), 'transfer-not-found', 'conflict', { transferId: 'T1' });
  });

  it('given T1 sent out, when reversed without a reason, then invalid-reason', () => {
    rejects(stockDecider, [received(10, 10), sentOut('T1', 2, 8)], reverse('T1', '  '), 'invalid-reason', 'unprocessable');
  });

  it('given T1 sent out and reversed, when the same transfer is sent again, then transfer-reversed (the id is spent)', () => {
    rejects(stockDecider, [received(10, 10), sentOut('T1', 2, 8), reversed('T1', 2, 10)], sendOut('T1', 2), 'transfer-reversed', 'conflict', {
      transferId: 'T1',
      reason: 'transfer-refused:transfer-exists',
    });
  });

  it('given T1 sent out and not reversed, when the same transfer is sent again, then nothing (idempotent)', () => {
    spec(stockDecider).given([received(10, 10), sentOut('T1', 2, 8)]).when(sendOut('T1', 2)).then([]);
  });

  it('given a threshold of 3 and T1 took available to 0, when reversed, then BackInStock follows', () => {
    spec(stockDecider)
      .given([received(2, 2), { type: 'StockThresholdSet', data: { sku, warehouseId, lowStock: 3 } }, sentOut('T1', 2, 0), { type: 'OutOfStock', data: { sku, warehouseId, available: 0, threshold: 3 } }])
      .when(reverse('T1'))
      .then([reversed('T1', 2, 2), { type: 'BackInStock', data: { sku, warehouseId, available: 2, threshold: 3, low: true } }]);
  });
});
