import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { lineTax, orderDecider, orderTransitions, priceOrder, type OrderCommand, type OrderEvent, type PlaceOrder, type PlaceOrderLine } from '../../src/domain/order/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/* Order rules beyond the skeleton: KDV and discounts, payment plans and results, expiry, processing, returns, refunds, the transition table. */

const orderId = 'O-1';
const TRY = (minor: number): Money => money(minor, 'TRY');
const book: PlaceOrderLine = { sku: 'BOOK', name: 'Book', category: 'books', warehouseId: 'IST', unitPrice: TRY(10_000), quantity: 2, taxRate: 10 };
const lamp: PlaceOrderLine = { sku: 'LAMP', name: 'Lamp', category: 'home', warehouseId: 'IST', unitPrice: TRY(30_000), quantity: 1, taxRate: 20 };
const bread: PlaceOrderLine = { sku: 'BREAD', name: 'Bread', category: 'food', warehouseId: 'IST', unitPrice: TRY(1_010), quantity: 1, taxRate: 1 };

const place = (over: Partial<PlaceOrder['data']> = {}): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId, customerId: 'alice', basketId: 'B-1', lines: [book, lamp], shipping: TRY(2_000), ...over },
});
const placedBy = (command: OrderCommand): OrderEvent[] => [...orderDecider.decide(command, fold(orderDecider, []))];
const placedEvent = (over: Partial<PlaceOrder['data']> = {}) => {
  const [event] = placedBy(place(over));
  if (event?.type !== 'OrderPlaced') throw new Error('not placed');
  return event;
};

describe('order: KDV and discounts', () => {
  it('KDV rates are 1, 10 and 20 %, included in Turkish retail prices: the KDV inside each line, rounded per line', () => {
    const event = placedEvent({ lines: [book, lamp, bread] });
    assert.deepEqual(
      event.data.lines.map((l) => [l.sku, l.taxRate, l.tax?.minor]),
      [
        ['BOOK', 10, 1_818], // 20 000 × 10/110 = 1 818.18
        ['LAMP', 20, 5_000], // 30 000 × 20/120
        ['BREAD', 1, 10], // 1 010 × 1/101
      ],
    );
    assert.deepEqual([event.data.tax, event.data.includedTax, event.data.pricesIncludeTax], [TRY(0), TRY(6_828), true]);
    assert.deepEqual(event.data.total, TRY(20_000 + 30_000 + 1_010 + 2_000), 'total = subtotal − discount + tax (0: included) + shipping');
  });

  it('with net prices the KDV is added: total = subtotal − discount + tax + shipping', () => {
    const event = placedEvent({ pricesIncludeTax: false });
    assert.deepEqual(event.data.lines.map((l) => l.tax?.minor), [2_000, 6_000]);
    assert.deepEqual([event.data.tax, event.data.includedTax], [TRY(8_000), TRY(0)]);
    assert.deepEqual(event.data.total, TRY(50_000 + 8_000 + 2_000));
  });

  it('a discount is spread over the lines in proportion (largest remainder) and lowers each line KDV base; subtotal and line totals stay (GMV)', () => {
    const event = placedEvent({ discount: TRY(5_001), couponCode: 'YAZ' });
    assert.deepEqual(event.data.lines.map((l) => [l.lineTotal.minor, l.discount?.minor, l.tax?.minor]), [
      [20_000, 2_000, 1_636], // (20 000 − 2 000) × 10/110 = 1 636.36
      [30_000, 3_001, 4_500], // (30 000 − 3 001) × 20/120 = 4 499.83
    ]);
    assert.deepEqual([event.data.subtotal, event.data.discount, event.data.total, event.data.couponCode], [TRY(50_000), TRY(5_001), TRY(50_000 - 5_001 + 2_000), 'YAZ']);
  });

  it('default rate is the general 20 % when a line carries none', () => {
    const { taxRate: _omitted, ...noRate } = lamp;
    assert.equal(placedEvent({ lines: [noRate] }).data.lines[0]?.taxRate, 20);
  });

  it('lineTax rounds half up per line', () => {
    assert.equal(lineTax(1_100, 10, true), 100);
    assert.equal(lineTax(5, 10, false), 1); // 0.5 → 1
    assert.equal(lineTax(0, 20, true), 0);
  });

  it('priceOrder keeps GMV = Σ line prices', () => {
    const priced = priceOrder([book, lamp], TRY(0), TRY(777), true);
    assert.equal(priced.subtotal.minor, priced.lines.reduce((s, l) => s + l.lineTotal.minor, 0));
    assert.equal(priced.lines.reduce((s, l) => s + (l.discount?.minor ?? 0), 0), 777);
  });

  it('rejects a KDV rate other than 0, 1, 10, 20', () => {
    rejects(orderDecider, [], place({ lines: [{ ...book, taxRate: 18 }] }), 'invalid-tax-rate', 'unprocessable', { taxRate: 18 });
  });

  it('rejects a discount above the subtotal, negative or in another currency', () => {
    rejects(orderDecider, [], place({ discount: TRY(50_001) }), 'discount-exceeds-subtotal', 'unprocessable');
    rejects(orderDecider, [], place({ discount: TRY(-1) }), 'invalid-price', 'unprocessable', { field: 'discount' });
    rejects(orderDecider, [], place({ discount: money(1, 'EUR') }), 'currency-mismatch', 'unprocessable', { field: 'discount' });
  });
});

describe('order: allocations', () => {
  it('defaults to each line whole from its warehouse', () => {
    assert.deepEqual(placedEvent().data.allocations, [
      { lineIndex: 0, sku: 'BOOK', warehouseId: 'IST', quantity: 2 },
      { lineIndex: 1, sku: 'LAMP', warehouseId: 'IST', quantity: 1 },
    ]);
  });

  it('accepts a line split across warehouses, and rejects allocations that do not cover a line', () => {
    const split = [
      { lineIndex: 0, sku: 'BOOK', warehouseId: 'IST', quantity: 1 },
      { lineIndex: 0, sku: 'BOOK', warehouseId: 'ANK', quantity: 1 },
      { lineIndex: 1, sku: 'LAMP', warehouseId: 'IST', quantity: 1 },
    ];
    assert.deepEqual(placedEvent({ allocations: split }).data.allocations, split);
    rejects(orderDecider, [], place({ allocations: split.slice(1) }), 'invalid-allocation', 'unprocessable', { lineIndex: 0 });
  });
});

const planned = (wallet: number, method?: 'card' | 'bank-transfer') => placedEvent({ payment: { wallet: TRY(wallet), ...(method ? { method } : {}) }, paymentDueBy: '2026-11-21T10:30:00.000+03:00' });

describe('order: payment plan and results', () => {
  it('splits the total between the wallet and the card', () => {
    assert.deepEqual(planned(12_000, 'card').data.payment, { wallet: TRY(12_000), external: TRY(40_000), method: 'card' });
  });

  it('a wallet part covering the total needs no other method', () => {
    assert.deepEqual(placedEvent({ payment: { wallet: TRY(52_000) } }).data.payment, { wallet: TRY(52_000), external: TRY(0) });
  });

  it('rejects a wallet part above the total, and a rest without a method', () => {
    rejects(orderDecider, [], place({ payment: { wallet: TRY(52_001) } }), 'payment-exceeds-total', 'unprocessable');
    rejects(orderDecider, [], place({ payment: { wallet: TRY(1_000) } }), 'payment-incomplete', 'unprocessable');
  });

  const result = (outcome: 'captured' | 'declined', over: Record<string, unknown> = {}): OrderCommand =>
    ({ type: 'RecordPaymentResult', data: { orderId, method: 'card', reference: 'psp-1', amount: TRY(40_000), outcome, ...(outcome === 'declined' ? { reason: 'insufficient limit' } : {}), ...over } });

  it('the card provider result arrives as a command: captured', () => {
    spec(orderDecider)
      .given([planned(12_000, 'card')])
      .when(result('captured'))
      .then([{ type: 'OrderPaymentCaptured', data: { orderId, method: 'card', reference: 'psp-1', amount: TRY(40_000) } }]);
  });

  it('declined, with the reason', () => {
    spec(orderDecider)
      .given([planned(12_000, 'card')])
      .when(result('declined'))
      .then([{ type: 'OrderPaymentDeclined', data: { orderId, method: 'card', reference: 'psp-1', amount: TRY(40_000), reason: 'insufficient limit' } }]);
  });

  it('a bank transfer stays pending until an admin records it received', () => {
    const order = planned(0, 'bank-transfer');
    assert.equal(fold(orderDecider, [order]).status, 'pending');
    spec(orderDecider)
      .given([order])
      .when(result('captured', { method: 'bank-transfer', reference: 'EFT-1', amount: TRY(52_000) }))
      .then([{ type: 'OrderPaymentCaptured', data: { orderId, method: 'bank-transfer', reference: 'EFT-1', amount: TRY(52_000) } }]);
  });

  it('rejects a result for another amount or method than planned; a capture twice is a no-op, another capture a conflict', () => {
    rejects(orderDecider, [planned(12_000, 'card')], result('captured', { amount: TRY(1) }), 'payment-amount-mismatch', 'unprocessable');
    rejects(orderDecider, [planned(12_000, 'card')], result('captured', { method: 'bank-transfer' }), 'payment-method-mismatch', 'unprocessable');
    const captured = orderDecider.decide(result('captured'), fold(orderDecider, [planned(12_000, 'card')]));
    spec(orderDecider).given([planned(12_000, 'card'), ...captured]).when(result('captured')).then([]);
    rejects(orderDecider, [planned(12_000, 'card'), ...captured], result('captured', { reference: 'psp-2' }), 'payment-already-captured', 'conflict');
  });

  it('refuses a decline once a payment is captured (same payment or another attempt): a paid order is not cancelled by it', () => {
    const captured = orderDecider.decide(result('captured'), fold(orderDecider, [planned(12_000, 'card')]));
    rejects(orderDecider, [planned(12_000, 'card'), ...captured], result('declined'), 'payment-already-captured', 'conflict', { reference: 'psp-1' });
    rejects(orderDecider, [planned(12_000, 'card'), ...captured], result('declined', { reference: 'psp-2' }), 'payment-already-captured', 'conflict', { reference: 'psp-1' });
  });

  it('rejects a decline without a reason, and a result for an order no longer pending (a capture for a cancelled order: see order-cancel-refunds)', () => {
    rejects(orderDecider, [planned(12_000, 'card')], result('declined', { reason: ' ' }), 'invalid-reason', 'unprocessable');
    const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId, reason: 'x', previousStatus: 'pending' } };
    rejects(orderDecider, [planned(12_000, 'card'), cancelled], result('declined'), 'order-not-payable', 'conflict', { status: 'cancelled' });
    rejects(orderDecider, [planned(12_000, 'card'), paid], result('captured'), 'order-not-payable', 'conflict', { status: 'confirmed' });
  });
});

describe('order: unpaid orders expire', () => {
  const expire = (now: string): OrderCommand => ({ type: 'ExpireUnpaidOrder', data: { orderId, now } });

  it('cancels a pending order whose payment is due, with reason reservation-expired', () => {
    spec(orderDecider)
      .given([planned(0, 'card')])
      .when(expire('2026-11-21T10:30:00.000+03:00'))
      .then([{ type: 'OrderCancelled', data: { orderId, reason: 'reservation-expired', previousStatus: 'pending' } }]);
  });

  it('refuses before the due time (compared as instants, whatever the offset)', () => {
    rejects(orderDecider, [planned(0, 'card')], expire('2026-11-21T07:29:59.000Z'), 'order-not-expired', 'conflict');
  });

  it('is a no-op once the payment is captured, confirmed or the order is over', () => {
    const captured: OrderEvent = { type: 'OrderPaymentCaptured', data: { orderId, method: 'card', reference: 'p', amount: TRY(52_000) } };
    spec(orderDecider).given([planned(0, 'card'), captured]).when(expire('2026-11-22T00:00:00.000+03:00')).then([]);
    const paid: OrderEvent = { type: 'OrderPaymentConfirmed', data: { orderId, payments: [], amount: TRY(52_000) } };
    spec(orderDecider).given([planned(0, 'card'), paid]).when(expire('2026-11-22T00:00:00.000+03:00')).then([]);
  });

  it('an order without a due time never expires', () => {
    rejects(orderDecider, placedBy(place()), expire('2030-01-01T00:00:00.000Z'), 'order-not-expired', 'conflict');
  });
});

const paid: OrderEvent = {
  type: 'OrderPaymentConfirmed',
  data: {
    orderId,
    payments: [
      { method: 'wallet', amount: TRY(12_000), reference: 'wallet:alice' },
      { method: 'card', amount: TRY(40_000), reference: 'psp-1' },
    ],
    amount: TRY(52_000),
  },
};
const processing: OrderEvent = { type: 'OrderProcessingStarted', data: { orderId } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId } };
const delivered: OrderEvent = { type: 'OrderDelivered', data: { orderId } };

describe('order: the transition table', () => {
  it('pending → confirmed → processing → shipped → delivered', () => {
    const history = [placedEvent(), paid];
    spec(orderDecider).given(history).when({ type: 'StartOrderProcessing', data: { orderId } }).then([processing]);
    spec(orderDecider).given([...history, processing]).when({ type: 'ShipOrder', data: { orderId } }).then([shipped]);
    spec(orderDecider).given([...history, processing, shipped]).when({ type: 'DeliverOrder', data: { orderId } }).then([delivered]);
  });

  it('a processing order can still be cancelled, its card part refunded', () => {
    spec(orderDecider)
      .given([placedEvent(), paid, processing])
      .when({ type: 'CancelOrder', data: { orderId, reason: 'out of stock at packing' } })
      .then([
        { type: 'OrderCancelled', data: { orderId, reason: 'out of stock at packing', previousStatus: 'processing' } },
        {
          type: 'OrderRefunded',
          data: {
            orderId,
            refundId: 'cancellation',
            amount: TRY(40_000),
            reason: 'cancelled: out of stock at packing',
            toWallet: TRY(0),
            toExternal: TRY(40_000),
            refundedTotal: TRY(40_000),
            toPayments: [{ method: 'card', reference: 'psp-1', amount: TRY(40_000) }],
          },
        },
      ]);
  });

  it('every illegal transition is its named error', () => {
    const pending = [placedEvent()];
    rejects(orderDecider, pending, { type: 'StartOrderProcessing', data: { orderId } }, 'order-not-processable', 'conflict', { status: 'pending' });
    rejects(orderDecider, [placedEvent(), paid, shipped], { type: 'StartOrderProcessing', data: { orderId } }, 'order-not-processable', 'conflict');
    rejects(orderDecider, pending, { type: 'ReturnOrderItems', data: { orderId, returnId: 'r', items: [{ sku: 'BOOK', quantity: 1 }], reason: 'x' } }, 'order-not-returnable', 'conflict');
    rejects(orderDecider, [placedEvent(), paid], { type: 'RefundOrder', data: { orderId, refundId: 'f', amount: TRY(1), reason: 'x' } }, 'order-not-refundable', 'conflict', { status: 'confirmed' });
    rejects(orderDecider, [placedEvent(), paid, shipped], { type: 'CancelOrder', data: { orderId, reason: 'x' } }, 'order-not-cancellable', 'conflict');
  });

  it('the table lists the states each command is allowed from', () => {
    assert.deepEqual(orderTransitions.CancelOrder.from, ['pending', 'confirmed', 'processing']);
    assert.deepEqual(orderTransitions.ShipOrder.from, ['confirmed', 'processing']);
    assert.deepEqual(orderTransitions.RefundOrder.from, ['delivered', 'returned', 'cancelled']);
  });
});

describe('order: returns and partial refunds after delivery', () => {
  const discounted = placedEvent({ discount: TRY(5_001), payment: { wallet: TRY(12_000), method: 'card' } });
  const deliveredOrder = [discounted, { ...paid, data: { ...paid.data, amount: TRY(46_999), payments: [paid.data.payments[0]!, { method: 'card' as const, amount: TRY(34_999), reference: 'psp-1' }] } }, shipped, delivered];
  const returnItems = (items: { sku: string; quantity: number }[], returnId = 'ret-1'): OrderCommand => ({ type: 'ReturnOrderItems', data: { orderId, returnId, items, reason: ' too small ' } });

  it('a partial return gives each item its paid price pro rata (line total less its discount share), refunded in the same append', () => {
    spec(orderDecider)
      .given(deliveredOrder)
      .when(returnItems([{ sku: 'BOOK', quantity: 1 }]))
      .then([
        {
          type: 'OrderItemsReturned',
          data: {
            orderId,
            returnId: 'ret-1',
            items: [{ sku: 'BOOK', quantity: 1, amount: TRY(9_000) }],
            amount: TRY(9_000),
            reason: 'too small',
            fullyReturned: false,
            refunded: TRY(9_000),
            restock: true,
          },
        },
        {
          type: 'OrderRefunded',
          data: { orderId, refundId: 'return:ret-1', amount: TRY(9_000), reason: 'return: too small', toWallet: TRY(9_000), toExternal: TRY(0), refundedTotal: TRY(9_000) },
        },
      ]);
  });

  it('returning every unit makes the order returned, and the amounts add up to what was paid for the lines', () => {
    const first = orderDecider.decide(returnItems([{ sku: 'BOOK', quantity: 1 }]), fold(orderDecider, deliveredOrder));
    const rest = orderDecider.decide(returnItems([{ sku: 'BOOK', quantity: 1 }, { sku: 'LAMP', quantity: 1 }], 'ret-2'), fold(orderDecider, [...deliveredOrder, ...first]));
    const all = [...first, ...rest].flatMap((e) => (e.type === 'OrderItemsReturned' ? [e.data.amount.minor] : []));
    assert.equal(all.reduce((s, x) => s + x, 0), 50_000 - 5_001);
    assert.equal(fold(orderDecider, [...deliveredOrder, ...first, ...rest]).status, 'returned');
  });

  it('rejects returning more than ordered, an unknown SKU, nothing; a return id twice is a no-op', () => {
    rejects(orderDecider, deliveredOrder, returnItems([{ sku: 'LAMP', quantity: 2 }]), 'return-exceeds-ordered', 'conflict', { returnable: 1, requested: 2 });
    rejects(orderDecider, deliveredOrder, returnItems([{ sku: 'NOPE', quantity: 1 }]), 'item-not-in-order', 'unprocessable');
    rejects(orderDecider, deliveredOrder, returnItems([]), 'empty-return', 'unprocessable');
    const first = orderDecider.decide(returnItems([{ sku: 'BOOK', quantity: 1 }]), fold(orderDecider, deliveredOrder));
    spec(orderDecider).given([...deliveredOrder, ...first]).when(returnItems([{ sku: 'BOOK', quantity: 1 }])).then([]);
  });

  const refund = (amount: number, refundId = 'f-1'): OrderCommand => ({ type: 'RefundOrder', data: { orderId, refundId, amount: TRY(amount), reason: 'goodwill' } });

  it('a partial refund goes to the wallet first, up to what the wallet paid, then to the card', () => {
    spec(orderDecider)
      .given(deliveredOrder)
      .when(refund(15_000))
      .then([
        {
          type: 'OrderRefunded',
          data: { orderId, refundId: 'f-1', amount: TRY(15_000), reason: 'goodwill', toWallet: TRY(12_000), toExternal: TRY(3_000), refundedTotal: TRY(15_000) },
        },
      ]);
  });

  it('refunds never exceed what was paid, net of earlier refunds; a refund id twice is a no-op', () => {
    const first = orderDecider.decide(refund(40_000), fold(orderDecider, deliveredOrder));
    rejects(orderDecider, [...deliveredOrder, ...first], refund(7_000, 'f-2'), 'refund-exceeds-paid', 'conflict', { refundable: TRY(6_999) });
    spec(orderDecider).given([...deliveredOrder, ...first]).when(refund(40_000)).then([]);
  });
});

describe('order: a return is never recorded without its refund; ids are not reused with other content', () => {
  // Paid 20,000 (two books at 10,000, no shipping, by card), delivered.
  const placed = placedEvent({ lines: [book], shipping: TRY(0) });
  const cardPaid: OrderEvent = { type: 'OrderPaymentConfirmed', data: { orderId, payments: [{ method: 'card', amount: TRY(20_000), reference: 'psp-9' }], amount: TRY(20_000) } };
  const delivered20k = [placed, cardPaid, shipped, delivered];
  const goodwill = (amount: number, refundId = 'gw', reason = 'goodwill'): OrderCommand => ({ type: 'RefundOrder', data: { orderId, refundId, amount: TRY(amount), reason } });
  const ret = (quantity: number, over: Partial<{ returnId: string; reason: string; restock: boolean }> = {}): OrderCommand => ({
    type: 'ReturnOrderItems',
    data: { orderId, returnId: 'ret', items: [{ sku: 'BOOK', quantity }], reason: 'back', ...over },
  });
  const after = (...commands: OrderCommand[]): OrderEvent[] =>
    commands.reduce<OrderEvent[]>((history, command) => [...history, ...orderDecider.decide(command, fold(orderDecider, history))], [...delivered20k]);

  it('after a 15,000 goodwill refund, returning both units (20,000 due) refunds the 5,000 left, in the same append', () => {
    spec(orderDecider)
      .given(after(goodwill(15_000)))
      .when(ret(2))
      .then([
        {
          type: 'OrderItemsReturned',
          data: { orderId, returnId: 'ret', items: [{ sku: 'BOOK', quantity: 2, amount: TRY(20_000) }], amount: TRY(20_000), reason: 'back', fullyReturned: true, refunded: TRY(5_000), restock: true },
        },
        {
          type: 'OrderRefunded',
          data: { orderId, refundId: 'return:ret', amount: TRY(5_000), reason: 'return: back', toWallet: TRY(0), toExternal: TRY(5_000), refundedTotal: TRY(20_000) },
        },
      ]);
  });

  it('after a full refund, a return is recorded with nothing refunded (no OrderRefunded)', () => {
    const events = orderDecider.decide(ret(1), fold(orderDecider, after(goodwill(20_000))));
    assert.deepEqual(events.map((e) => e.type), ['OrderItemsReturned']);
    assert.deepEqual(events[0]?.type === 'OrderItemsReturned' && events[0].data.refunded, TRY(0));
  });

  it('a return recorded before refunds were appended with it, its refund refused then: the same return again appends the refund left', () => {
    const legacy: OrderEvent = {
      type: 'OrderItemsReturned',
      data: { orderId, returnId: 'ret', items: [{ sku: 'BOOK', quantity: 2, amount: TRY(20_000) }], amount: TRY(20_000), reason: 'back', fullyReturned: true },
    };
    const history = [...after(goodwill(15_000)), legacy];
    const refund: OrderEvent = {
      type: 'OrderRefunded',
      data: { orderId, refundId: 'return:ret', amount: TRY(5_000), reason: 'return: back', toWallet: TRY(0), toExternal: TRY(5_000), refundedTotal: TRY(20_000) },
    };
    spec(orderDecider).given(history).when(ret(2)).then([refund]);
    spec(orderDecider).given([...history, refund]).when(ret(2)).then([]);
  });

  it('a return id again: the same units, reason and restock is a no-op; other units, reason or restock is return-exists', () => {
    const history = after(ret(1, { returnId: 'ret1' }));
    spec(orderDecider).given(history).when(ret(1, { returnId: 'ret1', reason: ' back ' })).then([]);
    rejects(orderDecider, history, ret(2, { returnId: 'ret1' }), 'return-exists', 'conflict', { orderId, returnId: 'ret1' });
    rejects(orderDecider, history, ret(1, { returnId: 'ret1', reason: 'other' }), 'return-exists', 'conflict');
    rejects(orderDecider, history, ret(1, { returnId: 'ret1', restock: false }), 'return-exists', 'conflict');
  });

  it('a refund id again: the same amount and reason is a no-op; another amount or reason is refund-exists', () => {
    const history = after(goodwill(1_000, 'r1', 'a'));
    spec(orderDecider).given(history).when(goodwill(1_000, 'r1', 'a')).then([]);
    rejects(orderDecider, history, goodwill(5_000, 'r1', 'a'), 'refund-exists', 'conflict', { orderId, refundId: 'r1' });
    rejects(orderDecider, history, goodwill(1_000, 'r1', 'other'), 'refund-exists', 'conflict');
  });
});
