import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as commerce from '../../src/application/commerce/index.js';
import { comparePositions } from '../../src/application/ports/event-store.js';
import { basketDecider } from '../../src/domain/basket/index.js';
import { DomainError } from '../../src/domain/shared/index.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });

describe('checkout', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(() => f.database.drop());

  const stock = (sku: string) => f.handler.load(stockDecider, commerce.stockStream('acme', sku, 'main')).then((s) => s.state);
  const wallet = (customerId: string) => f.handler.load(walletDecider, commerce.walletStream('acme', customerId)).then((s) => s.state);
  const orderEvents = async (orderId: string) => (await f.store.readStream(commerce.orderStream('acme', orderId))).map((e) => e.type);

  it('places, reserves, takes the wallet and card parts, checks the basket out and confirms', async () => {
    await f.stockedProduct('BOOK-1', 2500, 10);
    await f.basketFor('cust-1', 'basket-1', 3000, [{ sku: 'BOOK-1', quantity: 2 }]);
    const result = await commerce.checkout(f.handler, f.context(), {
      basketId: 'basket-1',
      orderId: 'order-1',
      shipping: TRY(990),
      payment: { wallet: TRY(3000), external: { method: 'card', reference: 'psp-1', captured: true } },
    });
    assert.equal(result.confirmed, true);
    assert.deepEqual(result.total, TRY(5990));
    assert.deepEqual(await orderEvents('order-1'), ['OrderPlaced', 'OrderPaymentConfirmed']);
    assert.equal((await stock('BOOK-1')).reserved, 2);
    assert.equal((await wallet('cust-1')).balance, 0);
    const basket = await f.handler.load(basketDecider, commerce.basketStream('acme', 'basket-1'));
    assert.equal(basket.state.status, 'checked-out');
  });

  it('leaves an uncaptured card payment pending until the provider confirms it', async () => {
    await f.stockedProduct('BOOK-2', 1000, 5);
    await f.basketFor('cust-2', 'basket-2', 0, [{ sku: 'BOOK-2', quantity: 1 }]);
    const result = await commerce.checkout(f.handler, f.context(), {
      basketId: 'basket-2', orderId: 'order-2', shipping: TRY(0),
      payment: { external: { method: 'boleto', reference: 'boleto-1', captured: false } },
    });
    assert.equal(result.confirmed, false);
    assert.deepEqual(await orderEvents('order-2'), ['OrderPlaced']);
    const checkedOut = (await f.store.readStream(commerce.basketStream('acme', 'basket-2'))).at(-1)!;
    const process = (await f.store.readStream(commerce.checkoutStream('acme', 'order-2'))).at(-1)!;
    assert.ok(comparePositions(result.order.position!, checkedOut.position) >= 0, 'the position covers every step of checkout');
    assert.deepEqual(result.order.position, process.position, 'the last event written is the process waiting for payment');
    assert.equal(result.status, 'awaiting-payment');
    await commerce.confirmOrderPayment(f.handler, f.context(), { orderId: 'order-2', payments: [{ method: 'boleto', amount: TRY(1000), reference: 'boleto-1' }] });
    assert.deepEqual(await orderEvents('order-2'), ['OrderPlaced', 'OrderPaymentConfirmed']);
  });

  it('undoes the reservations made, cancels the order and refunds the captured card when a later line is out of stock', async () => {
    await f.stockedProduct('PEN-1', 500, 10);
    await f.stockedProduct('PEN-2', 500, 1);
    await f.basketFor('cust-3', 'basket-3', 0, [{ sku: 'PEN-1', quantity: 3 }, { sku: 'PEN-2', quantity: 2 }]);
    await assert.rejects(
      commerce.checkout(f.handler, f.context(), {
        basketId: 'basket-3', orderId: 'order-3', shipping: TRY(0),
        payment: { external: { method: 'card', reference: 'psp-3', captured: true } },
      }),
      (e: unknown) => e instanceof DomainError && e.code === 'insufficient-stock',
    );
    assert.deepEqual(await orderEvents('order-3'), ['OrderPlaced', 'OrderCancelled', 'OrderRefunded']);
    const [, cancelled, refunded] = await f.store.readStream(commerce.orderStream('acme', 'order-3'));
    assert.equal(cancelled!.data.reason, 'checkout-failed:insufficient-stock');
    assert.deepEqual(refunded!.data.toPayments, [{ method: 'card', reference: 'psp-3', amount: TRY(2500) }], 'the card captured at checkout goes back');
    assert.equal((await stock('PEN-1')).reserved, 0);
    assert.equal((await stock('PEN-1')).onHand, 10);
    const basket = await f.handler.load(basketDecider, commerce.basketStream('acme', 'basket-3'));
    assert.equal(basket.state.status, 'open', 'the customer keeps the basket to fix it');
  });

  it('releases stock and cancels when the wallet cannot pay its part', async () => {
    await f.stockedProduct('MUG-1', 4000, 2);
    await f.basketFor('cust-4', 'basket-4', 1000, [{ sku: 'MUG-1', quantity: 1 }]);
    await assert.rejects(
      commerce.checkout(f.handler, f.context(), { basketId: 'basket-4', orderId: 'order-4', shipping: TRY(0), payment: { wallet: TRY(4000) } }),
      (e: unknown) => e instanceof DomainError && e.code === 'insufficient-funds',
    );
    assert.equal((await stock('MUG-1')).reserved, 0);
    assert.equal((await wallet('cust-4')).balance, 1000);
    assert.deepEqual(await orderEvents('order-4'), ['OrderPlaced', 'OrderCancelled']);
  });

  it('rejects a wallet part above the total before touching anything', async () => {
    await f.stockedProduct('CUP-1', 100, 2);
    await f.basketFor('cust-5', 'basket-5', 1000, [{ sku: 'CUP-1', quantity: 1 }]);
    await assert.rejects(
      commerce.checkout(f.handler, f.context(), { basketId: 'basket-5', orderId: 'order-5', shipping: TRY(0), payment: { wallet: TRY(500) } }),
      (e: unknown) => e instanceof DomainError && e.code === 'payment-exceeds-total',
    );
    assert.equal((await stock('CUP-1')).reserved, 0);
    assert.equal((await wallet('cust-5')).balance, 1000);
  });

  it('cancelling a confirmed order releases its stock and refunds its wallet part', async () => {
    await f.stockedProduct('LAMP-1', 2000, 3);
    await f.basketFor('cust-6', 'basket-6', 2000, [{ sku: 'LAMP-1', quantity: 1 }]);
    await commerce.checkout(f.handler, f.context(), { basketId: 'basket-6', orderId: 'order-6', shipping: TRY(0), payment: { wallet: TRY(2000) } });
    assert.equal((await wallet('cust-6')).balance, 0);
    const cancelled = await commerce.cancelOrder(f.handler, f.context(), { orderId: 'order-6', reason: 'customer changed mind' });
    assert.equal((await stock('LAMP-1')).reserved, 0);
    assert.equal((await wallet('cust-6')).balance, 2000);
    const refund = (await f.store.readStream(commerce.walletStream('acme', 'cust-6'))).at(-1)!;
    assert.equal(refund.type, 'WalletRefunded');
    assert.ok(comparePositions(cancelled.position!, refund.position) >= 0, 'a query waiting for the cancel must see the refund');
  });

  it('shipping an order takes its units out of stock', async () => {
    await f.stockedProduct('DESK-1', 10000, 4);
    await f.basketFor('cust-7', 'basket-7', 0, [{ sku: 'DESK-1', quantity: 3 }]);
    await commerce.checkout(f.handler, f.context(), {
      basketId: 'basket-7', orderId: 'order-7', shipping: TRY(0), payment: { external: { method: 'card', reference: 'psp-7', captured: true } },
    });
    await commerce.shipOrder(f.handler, f.context(), { orderId: 'order-7', carrier: 'Yurtiçi' });
    const s = await stock('DESK-1');
    assert.deepEqual({ onHand: s.onHand, reserved: s.reserved }, { onHand: 1, reserved: 0 });
    await assert.rejects(
      commerce.cancelOrder(f.handler, f.context(), { orderId: 'order-7', reason: 'too late' }),
      (e: unknown) => e instanceof DomainError && e.code === 'order-not-cancellable',
    );
  });
});
