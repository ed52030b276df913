import assert from 'node:assert/strict';
import { fold } from '../../src/domain/shared/index.js';
import {
  availableStock,
  stockDecider,
  stockEventTypes,
  type StockCommand,
  type StockEvent,
} from '../../src/domain/stock/index.js';
import { spec } from '../support/decider-spec.js';
import { describe, it } from 'node:test';
import { rejects } from './helpers.js';

const sku = 'SKU-1';
const warehouseId = 'IST-1';
const orderId = 'ORD-1';

const received = (quantity: number, onHand: number, reference = 'PO-1'): StockEvent => ({
  type: 'StockReceived',
  data: { sku, warehouseId, quantity, reference, onHand },
});
const reserved = (quantity: number, available: number, order = orderId): StockEvent => ({
  type: 'StockReserved',
  data: { sku, warehouseId, orderId: order, quantity, available },
});
const receive = (quantity: number, reference = 'PO-1'): StockCommand => ({
  type: 'ReceiveStock',
  data: { sku, warehouseId, quantity, reference },
});
const reserve = (quantity: number, order = orderId): StockCommand => ({
  type: 'ReserveStock',
  data: { sku, warehouseId, orderId: order, quantity },
});
const release = (order = orderId, reason = 'order-cancelled'): StockCommand => ({
  type: 'ReleaseStock',
  data: { sku, warehouseId, orderId: order, reason },
});
const ship = (order = orderId): StockCommand => ({ type: 'ShipStock', data: { sku, warehouseId, orderId: order } });

describe('stock: ReceiveStock', () => {
  it('receives into an empty stream', () => {
    spec(stockDecider).given([]).when(receive(10)).then([received(10, 10)]);
  });

  it('adds to the on-hand count', () => {
    spec(stockDecider)
      .given([received(10, 10), reserved(4, 6)])
      .when(receive(5, 'PO-2'))
      .then([received(5, 15, 'PO-2')]);
  });

  for (const quantity of [0, -3, 1.5, Number.NaN]) {
    it(`rejects quantity ${quantity}`, () => {
      rejects(stockDecider, [], receive(quantity), 'invalid-quantity', 'unprocessable');
    });
  }

  it('rejects a receipt that would overflow the on-hand count', () => {
    rejects(stockDecider, [received(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)], receive(1), 'invalid-quantity', 'unprocessable');
  });
});

describe('stock: ReserveStock', () => {
  it('reserves available stock and reports what is left', () => {
    spec(stockDecider).given([received(10, 10)]).when(reserve(4)).then([reserved(4, 6)]);
  });

  it('can reserve exactly what is available', () => {
    spec(stockDecider)
      .given([received(10, 10), reserved(4, 6)])
      .when(reserve(6, 'ORD-2'))
      .then([reserved(6, 0, 'ORD-2')]);
  });

  it('rejects reserving more than available', () => {
    rejects(stockDecider, [received(10, 10), reserved(4, 6)], reserve(7, 'ORD-2'), 'insufficient-stock', 'conflict', {
      requested: 7,
      available: 6,
    });
  });

  it('rejects reserving stock that never arrived', () => {
    rejects(stockDecider, [], reserve(1), 'insufficient-stock', 'conflict', { requested: 1, available: 0 });
  });

  it('is a no-op when the order already holds the same quantity', () => {
    spec(stockDecider).given([received(10, 10), reserved(4, 6)]).when(reserve(4)).then([]);
  });

  it('is a no-op for the same quantity even when nothing more is available', () => {
    spec(stockDecider).given([received(4, 4), reserved(4, 0)]).when(reserve(4)).then([]);
  });

  it('rejects a different quantity for an order that holds a reservation', () => {
    rejects(stockDecider, [received(10, 10), reserved(4, 6)], reserve(5), 'reservation-exists', 'conflict', {
      orderId,
      existing: 4,
      requested: 5,
    });
  });

  it('rejects a non-positive quantity', () => {
    rejects(stockDecider, [received(10, 10)], reserve(0), 'invalid-quantity', 'unprocessable', { quantity: 0 });
  });

  it('allows a new reservation after the old one was released', () => {
    const releasedEvent: StockEvent = {
      type: 'StockReleased',
      data: { sku, warehouseId, orderId, quantity: 4, reason: 'x', available: 10 },
    };
    spec(stockDecider)
      .given([received(10, 10), reserved(4, 6), releasedEvent])
      .when(reserve(5))
      .then([reserved(5, 5)]);
  });
});

describe('stock: ReleaseStock', () => {
  it('releases the whole reservation with the reason', () => {
    spec(stockDecider)
      .given([received(10, 10), reserved(4, 6), reserved(3, 3, 'ORD-2')])
      .when(release())
      .then([
        {
          type: 'StockReleased',
          data: { sku, warehouseId, orderId, quantity: 4, reason: 'order-cancelled', available: 7 },
        },
      ]);
  });

  it('rejects an order without a reservation', () => {
    rejects(stockDecider, [received(10, 10), reserved(4, 6)], release('ORD-9'), 'reservation-not-found', 'conflict', {
      orderId: 'ORD-9',
    });
  });

  it('rejects releasing twice', () => {
    const releasedEvent: StockEvent = {
      type: 'StockReleased',
      data: { sku, warehouseId, orderId, quantity: 4, reason: 'x', available: 10 },
    };
    rejects(stockDecider, [received(10, 10), reserved(4, 6), releasedEvent], release(), 'reservation-not-found', 'conflict');
  });

  it('does not mistake Object.prototype keys for reservations', () => {
    rejects(stockDecider, [received(10, 10)], release('constructor'), 'reservation-not-found', 'conflict');
  });
});

describe('stock: ShipStock', () => {
  it('ships the reservation, lowering on-hand stock', () => {
    spec(stockDecider)
      .given([received(10, 10), reserved(4, 6)])
      .when(ship())
      .then([{ type: 'StockShipped', data: { sku, warehouseId, orderId, quantity: 4, onHand: 6 } }]);
  });

  it('rejects an order without a reservation', () => {
    rejects(stockDecider, [received(10, 10)], ship(), 'reservation-not-found', 'conflict', { orderId });
  });

  it('rejects shipping twice', () => {
    const shipped: StockEvent = { type: 'StockShipped', data: { sku, warehouseId, orderId, quantity: 4, onHand: 6 } };
    rejects(stockDecider, [received(10, 10), reserved(4, 6), shipped], ship(), 'reservation-not-found', 'conflict');
  });
});

describe('stock: state and event names', () => {
  it('folds counts and reservations', () => {
    const state = fold(stockDecider, [
      received(10, 10),
      reserved(4, 6),
      reserved(3, 3, 'ORD-2'),
      { type: 'StockShipped', data: { sku, warehouseId, orderId, quantity: 4, onHand: 6 } },
    ]);
    assert.deepEqual(
      { sku: state.sku, warehouseId: state.warehouseId, onHand: state.onHand, reserved: state.reserved, reservations: state.reservations, shipped: state.shipped },
      { sku, warehouseId, onHand: 6, reserved: 3, reservations: { 'ORD-2': 3 }, shipped: { [orderId]: 4 } },
    );
    assert.equal(availableStock(state), 3);
  });

  it('starts empty', () => {
    assert.deepEqual(stockDecider.initialState, {
      sku: '',
      warehouseId: '',
      onHand: 0,
      reserved: 0,
      reservations: {},
      reservationExpiry: {},
      shipped: {},
      returned: {},
      returns: {},
      transfers: {},
      refusals: {},
      lowStock: undefined,
    });
  });

  it('lists every event type', () => {
    assert.deepEqual([...stockEventTypes].sort(), [
      'BackInStock',
      'LowStock',
      'LowStockCleared',
      'OutOfStock',
      'StockAdjusted',
      'StockReceived',
      'StockReleased',
      'StockReserved',
      'StockReturned',
      'StockShipped',
      'StockThresholdSet',
      'StockTransferRefused',
      'StockTransferReversed',
      'StockTransferredIn',
      'StockTransferredOut',
    ]);
  });
});
