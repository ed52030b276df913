import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandHandler } from '../../src/application/command-handler.js';
import * as commerce from '../../src/application/commerce/index.js';
import { CheckoutProcessManager } from '../../src/application/process-managers/checkout/index.js';
import { basketDecider, basketLines } from '../../src/domain/basket/index.js';
import { orderDecider } from '../../src/domain/order/index.js';
import { promotionDecider } from '../../src/domain/promotion/index.js';
import { DomainError, type Decider, type DomainCommand, type DomainEvent } from '../../src/domain/shared/index.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { spendableBalance, walletDecider } from '../../src/domain/wallet/index.js';
import type { CommandContext } from '../../src/application/command-context.js';
import { createCommerceFixture, type CommerceFixture } from '../support/commerce-fixture.js';
import { isCode } from '../support/domain-errors.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const T0 = '2026-11-21T10:00:00.000+03:00';
const card = (captured: boolean, reference = 'psp') => ({ method: 'card' as const, reference, captured });

describe('commerce flows through the checkout process manager', () => {
  let f: CommerceFixture;
  before(async () => {
    f = await createCommerceFixture();
  });
  after(() => f.database.drop());

  const stock = (sku: string, warehouseId = 'main') => f.handler.load(stockDecider, commerce.stockStream('acme', sku, warehouseId)).then((s) => s.state);
  const wallet = (customerId: string) => f.handler.load(walletDecider, commerce.walletStream('acme', customerId)).then((s) => s.state);
  const order = (orderId: string) => f.handler.load(orderDecider, commerce.orderStream('acme', orderId)).then((s) => s.state);
  const basket = (basketId: string) => f.handler.load(basketDecider, commerce.basketStream('acme', basketId)).then((s) => s.state);
  const campaign = (code: string) => f.handler.load(promotionDecider, commerce.promotionStream('acme', code)).then((s) => s.state);
  const types = async (stream: string) => (await f.store.readStream(stream)).map((e) => e.type);

  it('a coupon discounts the order, its redemption is held, and KDV is recorded per line', async () => {
    await f.stockedProduct('CPN-1', 10_000, 5);
    await commerce.createCampaign(f.handler, f.context(), {
      code: 'YAZ20',
      name: 'Summer',
      discount: { kind: 'percentage', percent: 20 },
      currency: 'TRY',
      minimumBasket: TRY(10_000),
      validFrom: '2026-11-01T00:00:00.000+03:00',
      validUntil: '2026-12-01T00:00:00.000+03:00',
      totalUsageLimit: 10,
      perCustomerLimit: 1,
    });
    await f.basketFor('c-cpn', 'b-cpn', 0, [{ sku: 'CPN-1', quantity: 2 }]);
    await commerce.applyCoupon(f.handler, f.context(T0), { basketId: 'b-cpn', code: 'YAZ20' });
    const result = await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-cpn', orderId: 'o-cpn', shipping: TRY(500), payment: { external: card(true) } });
    assert.equal(result.status, 'confirmed');
    assert.deepEqual(result.total, TRY(20_000 - 4_000 + 500));
    const o = await order('o-cpn');
    assert.ok(o.status !== 'none');
    assert.deepEqual([o.discount, o.couponCode, o.includedTax], [TRY(4_000), 'YAZ20', TRY(2_667)]);
    const c = await campaign('YAZ20');
    assert.ok(c.status === 'active' && Object.hasOwn(c.held, 'o-cpn'));
    await assert.rejects(
      commerce.applyCoupon(f.handler, f.context(T0), { basketId: 'b-cpn', code: 'YAZ20' }),
      isCode('basket-not-open'),
    );
  });

  it('a coupon whose limit another order took meanwhile fails the checkout at the redeem step and is compensated', async () => {
    await f.stockedProduct('CPN-2', 5_000, 5);
    await commerce.createCampaign(f.handler, f.context(), {
      code: 'ONCE',
      name: 'Only once',
      discount: { kind: 'fixed', amount: TRY(1_000) },
      currency: 'TRY',
      validFrom: '2026-11-01T00:00:00.000+03:00',
      validUntil: '2026-12-01T00:00:00.000+03:00',
      totalUsageLimit: 1,
    });
    await f.basketFor('c-once-1', 'b-once-1', 1_000, [{ sku: 'CPN-2', quantity: 1 }]);
    await f.basketFor('c-once-2', 'b-once-2', 0, [{ sku: 'CPN-2', quantity: 1 }]);
    await commerce.applyCoupon(f.handler, f.context(T0), { basketId: 'b-once-1', code: 'ONCE' });
    await commerce.applyCoupon(f.handler, f.context(T0), { basketId: 'b-once-2', code: 'ONCE' });
    // b-once-2's checkout is priced first, then b-once-1 takes the coupon before b-once-2 redeems it.
    const slow = new CheckoutProcessManager(f.handler, {
      hooks: {
        beforeSend: async (step, orderId) => {
          if (orderId === 'o-once-2' && step.name === 'redeem-coupon') {
            await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-once-1', orderId: 'o-once-1', shipping: TRY(0), payment: { wallet: TRY(1_000), external: card(true) } });
          }
        },
      },
    });
    await assert.rejects(
      commerce.checkout(f.handler, f.context(T0), { basketId: 'b-once-2', orderId: 'o-once-2', shipping: TRY(0), payment: { external: card(true) } }, { manager: slow }),
      isCode('coupon-usage-limit-reached'),
    );
    assert.deepEqual(await types(commerce.orderStream('acme', 'o-once-2')), ['OrderPlaced', 'OrderCancelled', 'OrderRefunded'], 'the card captured at checkout is refunded with the cancellation');
    assert.equal((await stock('CPN-2')).reserved, 1, 'only the winner holds stock');
    assert.equal((await basket('b-once-2')).status, 'open', 'the loser keeps the basket');
    const c = await campaign('ONCE');
    assert.ok(c.status === 'active' && Object.keys(c.held).join() === 'o-once-1');
  });

  it('wallet + card split: the wallet part is taken, the card result arrives as a command and confirms', async () => {
    await f.stockedProduct('SPL-1', 3_000, 5);
    await f.basketFor('c-spl', 'b-spl', 1_000, [{ sku: 'SPL-1', quantity: 1 }]);
    const result = await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-spl', orderId: 'o-spl', shipping: TRY(0), payment: { wallet: TRY(1_000), external: card(false, 'psp-9') } });
    assert.deepEqual([result.status, result.confirmed], ['awaiting-payment', false]);
    assert.equal((await wallet('c-spl')).balance, 0);
    await commerce.recordPaymentResult(f.handler, f.context(), { orderId: 'o-spl', method: 'card', reference: 'psp-9', amount: TRY(2_000), outcome: 'captured' });
    const o = await order('o-spl');
    if (o.status === 'none') throw new Error('no order');
    assert.equal(o.status, 'confirmed');
    assert.deepEqual(o.payments.map((p) => [p.method, p.amount.minor]), [['wallet', 1_000], ['card', 2_000]]);
    assert.equal((await new CheckoutProcessManager(f.handler).load('acme', 'o-spl')).state.status, 'completed');
  });

  it('a declined card cancels the order, releases stock and coupon, refunds the wallet and reopens the basket', async () => {
    await f.stockedProduct('DEC-1', 3_000, 5);
    await f.basketFor('c-dec', 'b-dec', 1_000, [{ sku: 'DEC-1', quantity: 2 }]);
    await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-dec', orderId: 'o-dec', shipping: TRY(0), payment: { wallet: TRY(1_000), external: card(false, 'psp-d') } });
    assert.deepEqual([(await stock('DEC-1')).reserved, (await wallet('c-dec')).balance], [2, 0]);
    await commerce.recordPaymentResult(f.handler, f.context(), { orderId: 'o-dec', method: 'card', reference: 'psp-d', amount: TRY(5_000), outcome: 'declined', reason: 'do not honour' });
    const o = await order('o-dec');
    assert.equal(o.status, 'cancelled');
    const cancelled = (await f.store.readStream(commerce.orderStream('acme', 'o-dec'))).find((e) => e.type === 'OrderCancelled')!;
    assert.equal(cancelled.data.reason, 'payment-declined: do not honour');
    assert.deepEqual([(await stock('DEC-1')).reserved, (await wallet('c-dec')).balance, (await basket('b-dec')).status], [0, 1_000, 'open']);
  });

  it('checking out again under a failed order id gives the same failure and leaves the basket open', async () => {
    await f.stockedProduct('AGN-1', 1_000, 1);
    await f.basketFor('c-agn', 'b-agn', 0, [{ sku: 'AGN-1', quantity: 2 }]);
    const input = { basketId: 'b-agn', orderId: 'o-agn', shipping: TRY(0), payment: { external: card(true) } };
    await assert.rejects(commerce.checkout(f.handler, f.context(T0), input), isCode('insufficient-stock'));
    await assert.rejects(commerce.checkout(f.handler, f.context(T0), input), isCode('insufficient-stock'));
    assert.equal((await basket('b-agn')).status, 'open');
    assert.deepEqual(await types(commerce.basketStream('acme', 'b-agn')), ['BasketOpened', 'ItemAdded', 'BasketCheckedOut', 'BasketReopened']);
    await commerce.changeItemQuantity(f.handler, f.context(T0), { basketId: 'b-agn', sku: 'AGN-1', quantity: 1 });
    assert.equal((await commerce.checkout(f.handler, f.context(T0), { ...input, orderId: 'o-agn-2' })).status, 'confirmed');
  });

  it('a bank transfer stays pending until an admin records it received', async () => {
    await f.stockedProduct('BT-1', 4_000, 5);
    await f.basketFor('c-bt', 'b-bt', 0, [{ sku: 'BT-1', quantity: 1 }]);
    const result = await commerce.checkout(f.handler, f.context(T0), {
      basketId: 'b-bt',
      orderId: 'o-bt',
      shipping: TRY(0),
      payment: { external: { method: 'bank-transfer', reference: 'EFT-1', captured: false } },
    });
    assert.equal(result.status, 'awaiting-payment');
    assert.equal((await order('o-bt')).status, 'pending');
    await commerce.recordPaymentResult(f.handler, f.context(), { orderId: 'o-bt', method: 'bank-transfer', reference: 'EFT-1', amount: TRY(4_000), outcome: 'captured' });
    assert.equal((await order('o-bt')).status, 'confirmed');
  });

  it('unpaid orders whose reservations expire are cancelled and compensated; not before their time', async () => {
    await f.stockedProduct('EXP-1', 2_000, 3);
    await f.basketFor('c-exp', 'b-exp', 500, [{ sku: 'EXP-1', quantity: 3 }]);
    await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-exp', orderId: 'o-exp', shipping: TRY(0), payment: { wallet: TRY(500), external: card(false) } }, { reservationMinutes: 15 });
    const reservedEvent = (await f.store.readStream(commerce.stockStream('acme', 'EXP-1', 'main'))).find((e) => e.type === 'StockReserved')!;
    assert.equal(reservedEvent.data.expiresAt, '2026-11-21T10:15:00.000+03:00');
    assert.equal(await commerce.expireUnpaidOrder(f.handler, f.context(), { orderId: 'o-exp', now: '2026-11-21T10:14:59.000+03:00' }), false);
    assert.equal((await stock('EXP-1')).reserved, 3);
    assert.equal(await commerce.expireUnpaidOrder(f.handler, f.context(), { orderId: 'o-exp', now: '2026-11-21T10:15:00.000+03:00' }), true);
    const cancelled = (await f.store.readStream(commerce.orderStream('acme', 'o-exp'))).at(-1)!;
    assert.deepEqual([cancelled.type, cancelled.data.reason], ['OrderCancelled', 'reservation-expired']);
    assert.deepEqual([(await stock('EXP-1')).reserved, (await wallet('c-exp')).balance], [0, 500]);
    assert.equal(await commerce.expireUnpaidOrder(f.handler, f.context(), { orderId: 'o-exp', now: '2026-11-21T11:00:00.000+03:00' }), false, 'once is enough');
  });

  it('allocates a line to another warehouse when its own cannot cover it, and ships from there', async () => {
    await f.stockedProduct('ALC-1', 1_000, 1);
    await commerce.receiveStock(f.handler, f.context(), { sku: 'ALC-1', warehouseId: 'ank', quantity: 5, reference: 'po' });
    await f.basketFor('c-alc', 'b-alc', 0, [{ sku: 'ALC-1', quantity: 3 }]);
    await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-alc', orderId: 'o-alc', shipping: TRY(0), payment: { external: card(true) }, warehouses: ['ank'] });
    const o = await order('o-alc');
    assert.ok(o.status !== 'none');
    assert.deepEqual(o.allocations, [{ lineIndex: 0, sku: 'ALC-1', warehouseId: 'ank', quantity: 3 }]);
    await commerce.shipOrder(f.handler, f.context(), { orderId: 'o-alc' });
    assert.deepEqual([(await stock('ALC-1', 'ank')).onHand, (await stock('ALC-1')).onHand], [2, 1]);
  });

  it('returns after delivery put units back and refund their paid price, the wallet part to the wallet', async () => {
    await f.stockedProduct('RET-1', 5_000, 4);
    await f.basketFor('c-ret', 'b-ret', 6_000, [{ sku: 'RET-1', quantity: 2 }]);
    await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-ret', orderId: 'o-ret', shipping: TRY(0), payment: { wallet: TRY(6_000), external: card(true) } });
    await commerce.shipOrder(f.handler, f.context(), { orderId: 'o-ret' });
    await commerce.deliverOrder(f.handler, f.context(), { orderId: 'o-ret' });
    await commerce.returnOrderItems(f.handler, f.context(), { orderId: 'o-ret', returnId: 'r-1', items: [{ sku: 'RET-1', quantity: 1 }], reason: 'wrong size' });
    assert.deepEqual([(await stock('RET-1')).onHand, (await wallet('c-ret')).balance], [3, 5_000]);
    await commerce.refundOrder(f.handler, f.context(), { orderId: 'o-ret', refundId: 'goodwill-1', amount: TRY(2_000), reason: 'late delivery' });
    const o = await order('o-ret');
    assert.ok(o.status === 'delivered');
    assert.deepEqual([o.refundedTotal, o.refundedToWallet, (await wallet('c-ret')).balance], [7_000, 6_000, 6_000], 'the wallet paid 6 000: 5 000 + 1 000 back to it, 1 000 to the card');
  });

  it('wallet top-up request approved by an admin, withdrawal held then paid out', async () => {
    await commerce.openWallet(f.handler, f.context(), { customerId: 'c-w', currency: 'TRY' });
    await commerce.requestTopUp(f.handler, f.context(), { customerId: 'c-w', requestId: 'tu-1', amount: TRY(10_000), method: 'bank-transfer', reference: 'EFT-7' });
    assert.equal((await wallet('c-w')).balance, 0);
    await commerce.decideTopUp(f.handler, f.context(), { customerId: 'c-w', requestId: 'tu-1', approve: true });
    await commerce.requestWithdrawal(f.handler, f.context(), { customerId: 'c-w', requestId: 'wd-1', amount: TRY(4_000), destination: 'TR1' });
    assert.deepEqual([(await wallet('c-w')).balance, (await wallet('c-w')).held], [6_000, 4_000]);
    await commerce.decideWithdrawal(f.handler, f.context(), { customerId: 'c-w', requestId: 'wd-1', approve: true });
    assert.deepEqual([(await wallet('c-w')).balance, (await wallet('c-w')).held], [6_000, 0]);
  });

  it('a transfer moves money between two wallets; a frozen receiver refuses before anything moves', async () => {
    await commerce.openWallet(f.handler, f.context(), { customerId: 't-a', currency: 'TRY' });
    await commerce.openWallet(f.handler, f.context(), { customerId: 't-b', currency: 'TRY' });
    await commerce.creditWallet(f.handler, f.context(), { customerId: 't-a', amount: TRY(5_000), reason: 'top-up', reference: 'x' });
    await commerce.transferBetweenWallets(f.handler, f.context(), { fromCustomerId: 't-a', toCustomerId: 't-b', transferId: 'tr-1', amount: TRY(2_000) });
    assert.deepEqual([(await wallet('t-a')).balance, (await wallet('t-b')).balance], [3_000, 2_000]);
    await commerce.setWalletFrozen(f.handler, f.context(), { customerId: 't-b', frozen: true, reason: 'kyc' });
    await assert.rejects(
      commerce.transferBetweenWallets(f.handler, f.context(), { fromCustomerId: 't-a', toCustomerId: 't-b', transferId: 'tr-2', amount: TRY(1_000) }),
      isCode('wallet-frozen'),
    );
    assert.equal((await wallet('t-a')).balance, 3_000);
  });

  it('both sides or neither: a receiving side refused after the sending side is reversed', async () => {
    class RefusingHandler extends CommandHandler {
      override handle<C extends DomainCommand, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext) {
        if (command.type === 'ReceiveTransfer') return Promise.reject(new DomainError('wallet-frozen', 'frozen meanwhile', 'conflict', {}));
        return super.handle(decider, streamId, command, context);
      }
    }
    const refusing = new RefusingHandler(f.store);
    await assert.rejects(
      commerce.transferBetweenWallets(refusing, f.context(), { fromCustomerId: 't-a', toCustomerId: 'c-w', transferId: 'tr-3', amount: TRY(1_000) }),
      isCode('wallet-frozen'),
    );
    assert.deepEqual(await types(commerce.walletStream('acme', 't-a')).then((t) => t.slice(-2)), ['WalletTransferSent', 'WalletTransferReversed']);
    assert.equal((await wallet('t-a')).balance, 3_000);
  });

  it('a gift cheque is issued and redeemed once into a wallet, even when the redeem is retried', async () => {
    await commerce.issueGiftCheque(f.handler, f.context(T0), { code: 'GC-1', amount: TRY(2_500), expiresAt: '2027-11-21T00:00:00.000+03:00' });
    await commerce.openWallet(f.handler, f.context(), { customerId: 'c-gc', currency: 'TRY' });
    const ctx = f.context(T0);
    await commerce.redeemGiftCheque(f.handler, ctx, { code: 'GC-1', customerId: 'c-gc' });
    await commerce.redeemGiftCheque(f.handler, f.context(T0), { code: 'GC-1', customerId: 'c-gc' });
    assert.equal((await wallet('c-gc')).balance, 2_500);
    await assert.rejects(commerce.redeemGiftCheque(f.handler, f.context(T0), { code: 'GC-1', customerId: 'c-w' }), isCode('gift-cheque-redeemed'));
  });

  it('bonus lots are spent first at checkout', async () => {
    await f.stockedProduct('BON-1', 3_000, 5);
    await f.basketFor('c-bon', 'b-bon', 2_000, [{ sku: 'BON-1', quantity: 1 }]);
    await commerce.grantBonus(f.handler, f.context(T0), { customerId: 'c-bon', lotId: 'lot-1', amount: TRY(1_500), expiresAt: '2026-12-01T00:00:00.000+03:00', reason: 'campaign', reference: 'c' });
    await commerce.checkout(f.handler, f.context(T0), { basketId: 'b-bon', orderId: 'o-bon', shipping: TRY(0), payment: { wallet: TRY(3_000) } });
    const w = await wallet('c-bon');
    assert.deepEqual([w.balance, w.bonusLots.length, spendableBalance(w)], [500, 0, 500]);
  });

  it('a guest basket is merged into the customer basket at login', async () => {
    await f.stockedProduct('GST-1', 700, 5);
    await f.stockedProduct('GST-2', 900, 5);
    await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: 'g-1', guestId: 'sess-1', currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: 'g-1', sku: 'GST-1', quantity: 2, warehouseId: 'main' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: 'g-1', sku: 'GST-2', quantity: 1, warehouseId: 'main' });
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'cb-1', customerId: 'c-gst', currency: 'TRY' });
    await commerce.addItem(f.handler, f.context(T0), { basketId: 'cb-1', sku: 'GST-1', quantity: 1, warehouseId: 'main' });
    const merged = await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g-1', customerId: 'c-gst', customerBasketId: 'cb-1' });
    assert.equal(merged.basketId, 'cb-1');
    assert.deepEqual(basketLines(await basket('cb-1')).map((l) => [l.sku, l.quantity]), [['GST-1', 3], ['GST-2', 1]]);
    assert.equal((await basket('g-1')).status, 'merged');
    await commerce.openGuestBasket(f.handler, f.context(T0), { basketId: 'g-2', guestId: 'sess-2', currency: 'TRY' });
    await commerce.assignGuestBasket(f.handler, f.context(T0), { basketId: 'g-2', customerId: 'c-new' });
    assert.equal((await basket('g-2')).customerId, 'c-new');
  });

  it('an idle basket is abandoned; a converted one is not', async () => {
    await commerce.openBasket(f.handler, f.context(T0), { basketId: 'idle-1', customerId: 'c-idle', currency: 'TRY' });
    await assert.rejects(commerce.abandonIdleBasket(f.handler, f.context(), { basketId: 'idle-1', now: '2026-11-21T10:30:00.000+03:00', idleMinutes: 60 }), isCode('basket-not-idle'));
    await commerce.abandonIdleBasket(f.handler, f.context(), { basketId: 'idle-1', now: '2026-11-21T11:00:00.000+03:00', idleMinutes: 60 });
    assert.equal((await basket('idle-1')).status, 'abandoned');
  });

  it('stock transfer between warehouses moves units as one operation; thresholds raise alerts', async () => {
    await f.stockedProduct('TRF-1', 100, 10);
    await commerce.setStockThreshold(f.handler, f.context(), { sku: 'TRF-1', warehouseId: 'main', lowStock: 5 });
    await commerce.transferStock(f.handler, f.context(), { sku: 'TRF-1', fromWarehouseId: 'main', toWarehouseId: 'izm', quantity: 6, transferId: 'tr-s1' });
    assert.deepEqual([(await stock('TRF-1')).onHand, (await stock('TRF-1', 'izm')).onHand], [4, 6]);
    assert.ok((await types(commerce.stockStream('acme', 'TRF-1', 'main'))).includes('LowStock'));
    await commerce.adjustStock(f.handler, f.context(), { sku: 'TRF-1', warehouseId: 'main', quantity: -4, reason: 'damaged', reference: 'count' });
    assert.equal((await types(commerce.stockStream('acme', 'TRF-1', 'main'))).at(-1), 'OutOfStock');
  });

  it('retrying a checkout with the same command id resumes it: one order, one reservation, one debit', async () => {
    await f.stockedProduct('IDM-1', 1_000, 5);
    await f.basketFor('c-idm', 'b-idm', 1_000, [{ sku: 'IDM-1', quantity: 1 }]);
    const ctx = f.context(T0);
    const input = { basketId: 'b-idm', orderId: 'o-idm', shipping: TRY(0), payment: { wallet: TRY(1_000) } };
    const [a, b] = await Promise.all([commerce.checkout(f.handler, ctx, input), commerce.checkout(f.handler, ctx, input)]);
    const c = await commerce.checkout(f.handler, ctx, input);
    assert.deepEqual([a.status, b.status, c.status], ['confirmed', 'confirmed', 'confirmed']);
    assert.deepEqual(await types(commerce.orderStream('acme', 'o-idm')), ['OrderPlaced', 'OrderPaymentConfirmed']);
    assert.deepEqual([(await stock('IDM-1')).reserved, (await wallet('c-idm')).balance], [1, 0]);
  });
});
