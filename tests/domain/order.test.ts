import assert from 'node:assert/strict';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import {
  orderDecider,
  orderEventTypes,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
  type OrderPayment,
  type PlaceOrder,
  type PlaceOrderLine,
} from '../../src/domain/order/index.js';
import { spec } from '../support/decider-spec.js';
import { describe, it } from 'node:test';
import { rejects } from './helpers.js';

const orderId = 'ORD-1';
const customerId = 'CUS-1';
const basketId = 'BSK-1';

const kettle: PlaceOrderLine = {
  sku: 'SKU-K',
  name: 'Kettle',
  category: 'Kitchen',
  warehouseId: 'IST-1',
  unitPrice: money(12_990, 'TRY'),
  quantity: 2,
};
const mug: PlaceOrderLine = {
  sku: 'SKU-M',
  name: 'Mug',
  category: 'Kitchen',
  warehouseId: 'ANK-1',
  unitPrice: money(4_500, 'TRY'),
  quantity: 1,
};
const shipping = money(2_000, 'TRY');
// KDV included in prices at the general 20 %: 25 980 × 20/120 = 4 330; 4 500 × 20/120 = 750.
const lines: OrderLine[] = [
  { ...kettle, lineTotal: money(25_980, 'TRY'), taxRate: 20, discount: money(0, 'TRY'), tax: money(4_330, 'TRY') },
  { ...mug, lineTotal: money(4_500, 'TRY'), taxRate: 20, discount: money(0, 'TRY'), tax: money(750, 'TRY') },
];
const total = money(25_980 + 4_500 + 2_000, 'TRY');
const allocations = [
  { lineIndex: 0, sku: 'SKU-K', warehouseId: 'IST-1', quantity: 2 },
  { lineIndex: 1, sku: 'SKU-M', warehouseId: 'ANK-1', quantity: 1 },
];

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId,
    basketId,
    lines,
    subtotal: money(30_480, 'TRY'),
    shipping,
    total,
    discount: money(0, 'TRY'),
    tax: money(0, 'TRY'),
    includedTax: money(5_080, 'TRY'),
    pricesIncludeTax: true,
    allocations,
  },
};
const payments: OrderPayment[] = [
  { method: 'wallet', amount: money(10_000, 'TRY'), reference: 'WAL-1' },
  { method: 'card', amount: money(22_480, 'TRY'), reference: 'PSP-1' },
];
const paid: OrderEvent = { type: 'OrderPaymentConfirmed', data: { orderId, payments, amount: total } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, carrier: 'Aras', trackingNumber: 'TRK-1' } };
const delivered: OrderEvent = { type: 'OrderDelivered', data: { orderId } };
const cancelled: OrderEvent = {
  type: 'OrderCancelled',
  data: { orderId, reason: 'customer request', previousStatus: 'pending' },
};

const place = (over: Partial<PlaceOrder['data']> = {}): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId, customerId, basketId, lines: [kettle, mug], shipping, ...over },
});
const confirm = (with_: OrderPayment[] = payments): OrderCommand => ({
  type: 'ConfirmOrderPayment',
  data: { orderId, payments: with_ },
});
const ship: OrderCommand = { type: 'ShipOrder', data: { orderId, carrier: 'Aras', trackingNumber: 'TRK-1' } };
const deliver: OrderCommand = { type: 'DeliverOrder', data: { orderId } };
const cancel = (reason = 'customer request'): OrderCommand => ({ type: 'CancelOrder', data: { orderId, reason } });

describe('order: PlaceOrder', () => {
  it('places an order with line totals, subtotal and total', () => {
    spec(orderDecider).given([]).when(place()).then([placed]);
  });

  it('accepts free shipping', () => {
    spec(orderDecider)
      .given([])
      .when(place({ lines: [mug], shipping: money(0, 'TRY') }))
      .then([
        {
          type: 'OrderPlaced',
          data: {
            orderId,
            customerId,
            basketId,
            lines: [{ ...mug, lineTotal: money(4_500, 'TRY'), taxRate: 20, discount: money(0, 'TRY'), tax: money(750, 'TRY') }],
            subtotal: money(4_500, 'TRY'),
            shipping: money(0, 'TRY'),
            total: money(4_500, 'TRY'),
            discount: money(0, 'TRY'),
            tax: money(0, 'TRY'),
            includedTax: money(750, 'TRY'),
            pricesIncludeTax: true,
            allocations: [{ lineIndex: 0, sku: 'SKU-M', warehouseId: 'ANK-1', quantity: 1 }],
          },
        },
      ]);
  });

  it('rejects placing twice', () => {
    rejects(orderDecider, [placed], place(), 'order-already-placed', 'conflict', { orderId });
  });

  it('rejects an order without lines', () => {
    rejects(orderDecider, [], place({ lines: [] }), 'order-has-no-lines', 'unprocessable');
  });

  for (const quantity of [0, -2, 1.5]) {
    it(`rejects line quantity ${quantity}`, () => {
      rejects(orderDecider, [], place({ lines: [kettle, { ...mug, quantity }] }), 'invalid-quantity', 'unprocessable', {
        sku: 'SKU-M',
        quantity,
      });
    });
  }

  it('rejects a non-positive unit price', () => {
    rejects(
      orderDecider,
      [],
      place({ lines: [{ ...kettle, unitPrice: money(0, 'TRY') }] }),
      'invalid-price',
      'unprocessable',
    );
  });

  for (const bad of [money(-1, 'TRY'), { minor: 0.5, currency: 'TRY' }] as Money[]) {
    it(`rejects shipping ${JSON.stringify(bad)}`, () => {
      rejects(orderDecider, [], place({ shipping: bad }), 'invalid-price', 'unprocessable', { field: 'shipping' });
    });
  }

  it('rejects lines in different currencies', () => {
    rejects(
      orderDecider,
      [],
      place({ lines: [kettle, { ...mug, unitPrice: money(300, 'USD') }] }),
      'currency-mismatch',
      'unprocessable',
      { expected: 'TRY', actual: 'USD' },
    );
  });

  it('rejects shipping in another currency', () => {
    rejects(orderDecider, [], place({ shipping: money(500, 'EUR') }), 'currency-mismatch', 'unprocessable', {
      field: 'shipping',
      expected: 'TRY',
      actual: 'EUR',
    });
  });

  it('rejects totals beyond safe integers', () => {
    rejects(
      orderDecider,
      [],
      place({ lines: [{ ...kettle, unitPrice: money(Number.MAX_SAFE_INTEGER, 'TRY') }] }),
      'amount-out-of-range',
      'unprocessable',
    );
  });
});

describe('order: ConfirmOrderPayment', () => {
  it('confirms payments summing to the total', () => {
    spec(orderDecider).given([placed]).when(confirm()).then([paid]);
  });

  it('rejects payments summing to less than the total', () => {
    rejects(orderDecider, [placed], confirm([payments[0]!]), 'payment-amount-mismatch', 'unprocessable', {
      expected: total,
      actual: money(10_000, 'TRY'),
    });
  });

  it('rejects payments summing to more than the total', () => {
    const over = [...payments, { method: 'boleto', amount: money(1, 'TRY'), reference: 'B-1' } as const];
    rejects(orderDecider, [placed], confirm(over), 'payment-amount-mismatch', 'unprocessable', {
      expected: total,
      actual: money(32_481, 'TRY'),
    });
  });

  it('rejects an empty payment list', () => {
    rejects(orderDecider, [placed], confirm([]), 'payment-amount-mismatch', 'unprocessable', {
      actual: money(0, 'TRY'),
    });
  });

  it('rejects a non-positive payment', () => {
    const zero: OrderPayment = { method: 'card', amount: money(0, 'TRY'), reference: 'PSP-0' };
    rejects(orderDecider, [placed], confirm([...payments, zero]), 'invalid-amount', 'unprocessable', {
      reference: 'PSP-0',
    });
  });

  it('rejects a payment in another currency', () => {
    const usd: OrderPayment = { method: 'card', amount: money(32_480, 'USD'), reference: 'PSP-1' };
    rejects(orderDecider, [placed], confirm([usd]), 'currency-mismatch', 'unprocessable', {
      expected: 'TRY',
      actual: 'USD',
    });
  });

  it('rejects an unplaced order', () => {
    rejects(orderDecider, [], confirm(), 'order-not-found', 'conflict', { orderId });
  });

  for (const [status, history] of [
    ['confirmed', [placed, paid]],
    ['shipped', [placed, paid, shipped]],
    ['cancelled', [placed, cancelled]],
  ] as const) {
    it(`rejects a ${status} order`, () => {
      rejects(orderDecider, history, confirm(), 'order-not-payable', 'conflict', { status });
    });
  }
});

describe('order: ShipOrder', () => {
  it('ships a confirmed order with carrier and tracking number', () => {
    spec(orderDecider).given([placed, paid]).when(ship).then([shipped]);
  });

  it('omits carrier and tracking number when not given', () => {
    spec(orderDecider)
      .given([placed, paid])
      .when({ type: 'ShipOrder', data: { orderId } })
      .then([{ type: 'OrderShipped', data: { orderId } }]);
  });

  it('rejects an unplaced order', () => {
    rejects(orderDecider, [], ship, 'order-not-found', 'conflict');
  });

  for (const [status, history] of [
    ['pending', [placed]],
    ['shipped', [placed, paid, shipped]],
    ['delivered', [placed, paid, shipped, delivered]],
    ['cancelled', [placed, cancelled]],
  ] as const) {
    it(`rejects a ${status} order`, () => {
      rejects(orderDecider, history, ship, 'order-not-shippable', 'conflict', { status });
    });
  }
});

describe('order: DeliverOrder', () => {
  it('delivers a shipped order', () => {
    spec(orderDecider).given([placed, paid, shipped]).when(deliver).then([delivered]);
  });

  it('rejects an unplaced order', () => {
    rejects(orderDecider, [], deliver, 'order-not-found', 'conflict');
  });

  for (const [status, history] of [
    ['pending', [placed]],
    ['confirmed', [placed, paid]],
    ['delivered', [placed, paid, shipped, delivered]],
    ['cancelled', [placed, cancelled]],
  ] as const) {
    it(`rejects a ${status} order`, () => {
      rejects(orderDecider, history, deliver, 'order-not-deliverable', 'conflict', { status });
    });
  }
});

describe('order: CancelOrder', () => {
  it('cancels a pending order', () => {
    spec(orderDecider).given([placed]).when(cancel()).then([cancelled]);
  });

  it('cancels a confirmed order, trimming the reason, and refunds its card payment (the wallet part goes back through checkout)', () => {
    spec(orderDecider)
      .given([placed, paid])
      .when(cancel('  out of stock '))
      .then([
        { type: 'OrderCancelled', data: { orderId, reason: 'out of stock', previousStatus: 'confirmed' } },
        {
          type: 'OrderRefunded',
          data: {
            orderId,
            refundId: 'cancellation',
            amount: money(22_480, 'TRY'),
            reason: 'cancelled: out of stock',
            toWallet: money(0, 'TRY'),
            toExternal: money(22_480, 'TRY'),
            refundedTotal: money(22_480, 'TRY'),
            toPayments: [{ method: 'card', reference: 'PSP-1', amount: money(22_480, 'TRY') }],
          },
        },
      ]);
  });

  it('rejects a blank reason', () => {
    rejects(orderDecider, [placed], cancel('   '), 'invalid-reason', 'unprocessable');
  });

  it('rejects an unplaced order', () => {
    rejects(orderDecider, [], cancel(), 'order-not-found', 'conflict');
  });

  for (const [status, history] of [
    ['shipped', [placed, paid, shipped]],
    ['delivered', [placed, paid, shipped, delivered]],
    ['cancelled', [placed, cancelled]],
  ] as const) {
    it(`rejects a ${status} order`, () => {
      rejects(orderDecider, history, cancel(), 'order-not-cancellable', 'conflict', { status });
    });
  }
});

describe('order: state and event names', () => {
  it('keeps lines, total and payments', () => {
    const state = fold(orderDecider, [placed, paid]);
    assert.equal(state.status, 'confirmed');
    assert.deepEqual(state.lines, lines);
    assert.deepEqual(state.total, total);
    assert.deepEqual(state.payments, payments);
    assert.equal(state.customerId, customerId);
  });

  it('ignores lifecycle events before placement', () => {
    assert.deepEqual(fold(orderDecider, [paid, shipped]), { status: 'none' });
  });

  it('lists every event type', () => {
    assert.deepEqual([...orderEventTypes].sort(), [
      'OrderCancelled',
      'OrderDelivered',
      'OrderItemsReturned',
      'OrderPaymentCaptured',
      'OrderPaymentConfirmed',
      'OrderPaymentDeclined',
      'OrderPlaced',
      'OrderProcessingStarted',
      'OrderRefunded',
      'OrderShipped',
    ]);
  });
});
