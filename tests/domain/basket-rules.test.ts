import { describe, it } from 'node:test';
import { DomainError, fold, money } from '../../src/domain/shared/index.js';
import { assertGuestClaimedFor, basketDecider, basketLines, type BasketCommand, type BasketEvent, type BasketItem, type CheckoutTerms } from '../../src/domain/basket/index.js';
import assert from 'node:assert/strict';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/* Basket rules beyond the skeleton: guests, merge at login, coupons, activity and abandonment, checkout terms, reopening. */

const basketId = 'B-1';
const T0 = '2026-11-21T10:00:00.000+03:00';
const T1 = '2026-11-21T11:00:00.000+03:00';
const TRY = (minor: number) => money(minor, 'TRY');
const pen: BasketItem = { sku: 'PEN', name: 'Pen', category: 'office', warehouseId: 'IST', unitPrice: TRY(500), quantity: 2, taxRate: 20 };
const ink: BasketItem = { sku: 'INK', name: 'Ink', category: 'office', warehouseId: 'IST', unitPrice: TRY(300), quantity: 1, taxRate: 10 };

const opened: BasketEvent = { type: 'BasketOpened', data: { basketId, customerId: 'alice', currency: 'TRY', at: T0 } };
const guestOpened: BasketEvent = { type: 'BasketOpened', data: { basketId, customerId: '', currency: 'TRY', guestId: 'sess-9', at: T0 } };
const added = (item: BasketItem, at = T0): BasketEvent => ({ type: 'ItemAdded', data: { basketId, ...item, at } });
const claim = (into: string): BasketCommand => ({ type: 'ClaimGuestBasket', data: { basketId, intoBasketId: into, customerId: 'alice', at: T1 } });
const claimed = (into: string): BasketEvent => ({ type: 'GuestBasketClaimed', data: { basketId, intoBasketId: into, customerId: 'alice', at: T1 } });
const released = (into: string): BasketEvent => ({ type: 'GuestBasketReleased', data: { basketId, intoBasketId: into, reason: 'merge-refused:basket-not-open' } });
const terms: CheckoutTerms = { shipping: TRY(0), payment: { external: { method: 'card', reference: 'c', captured: true } }, paymentDueBy: T1 };

describe('basket: guest baskets', () => {
  it('opens a guest basket without a customer', () => {
    spec(basketDecider).given([]).when({ type: 'OpenGuestBasket', data: { basketId, guestId: 'sess-9', currency: 'TRY', at: T0 } }).then([guestOpened]);
  });

  it('a guest fills it like any basket', () => {
    spec(basketDecider).given([guestOpened]).when({ type: 'AddItem', data: { basketId, ...pen, at: T0 } }).then([added(pen)]);
  });

  it('a guest basket cannot be checked out before login', () => {
    rejects(basketDecider, [guestOpened, added(pen)], { type: 'CheckOutBasket', data: { basketId, orderId: 'o-1' } }, 'basket-has-no-customer', 'conflict');
  });

  it('at login it is assigned to the customer (when they have no open basket)', () => {
    spec(basketDecider)
      .given([guestOpened, added(pen)])
      .when({ type: 'AssignBasket', data: { basketId, customerId: 'alice', at: T1 } })
      .then([{ type: 'BasketAssigned', data: { basketId, customerId: 'alice', guestId: 'sess-9', at: T1 } }]);
  });

  it('a customer basket cannot be assigned to someone else', () => {
    rejects(basketDecider, [opened], { type: 'AssignBasket', data: { basketId, customerId: 'bob' } }, 'not-a-guest-basket', 'conflict');
  });
});

describe('basket: merge at login', () => {
  const merge: BasketCommand = {
    type: 'MergeBasket',
    data: { basketId, fromBasketId: 'G-1', items: [{ ...pen, quantity: 1, unitPrice: TRY(450) }, ink], couponCode: 'WELCOME', currency: 'TRY', at: T1 },
  };

  it('adds the guest lines: same SKU adds up at the customer price snapshot, new SKUs come with the guest snapshot, coupon taken over', () => {
    spec(basketDecider)
      .given([opened, added(pen)])
      .when(merge)
      .then([
        {
          type: 'BasketItemsMerged',
          data: { basketId, fromBasketId: 'G-1', added: [ink], increased: [{ sku: 'PEN', quantity: 3 }], couponCode: 'WELCOME', at: T1 },
        },
      ]);
    const state = fold(basketDecider, [opened, added(pen), ...basketDecider.decide(merge, fold(basketDecider, [opened, added(pen)]))]);
    assert.deepEqual(
      basketLines(state).map((l) => [l.sku, l.quantity, l.unitPrice.minor]),
      [
        ['PEN', 3, 500],
        ['INK', 1, 300],
      ],
    );
    assert.equal(state.couponCode, 'WELCOME');
  });

  it('is idempotent per guest basket', () => {
    const history = [opened, added(pen), ...basketDecider.decide(merge, fold(basketDecider, [opened, added(pen)]))];
    spec(basketDecider).given(history).when(merge).then([]);
  });

  it('keeps the customer coupon over the guest one', () => {
    const withCoupon = [opened, { type: 'CouponApplied', data: { basketId, code: 'MINE', at: T0 } } as BasketEvent];
    spec(basketDecider)
      .given(withCoupon)
      .when(merge)
      .then([{ type: 'BasketItemsMerged', data: { basketId, fromBasketId: 'G-1', added: [{ ...pen, quantity: 1, unitPrice: TRY(450) }, ink], increased: [], at: T1 } }]);
  });

  it('rejects a guest basket in another currency', () => {
    rejects(basketDecider, [opened], { ...merge, data: { ...merge.data, currency: 'EUR' } }, 'currency-mismatch', 'unprocessable');
  });

  it('closes the guest basket as merged, once', () => {
    const mark: BasketCommand = { type: 'MarkBasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    const merged: BasketEvent = { type: 'BasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    spec(basketDecider).given([guestOpened, added(pen), claimed('B-9')]).when(mark).then([merged]);
    spec(basketDecider).given([guestOpened, added(pen), claimed('B-9'), merged]).when(mark).then([]);
    rejects(basketDecider, [guestOpened, claimed('B-9'), merged], { type: 'AddItem', data: { basketId, ...pen } }, 'basket-not-open', 'conflict', { status: 'merged' });
  });

  it('a guest basket is marked merged only into the basket it is claimed for', () => {
    const merged: BasketEvent = { type: 'BasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    const elsewhere: BasketCommand = { type: 'MarkBasketMerged', data: { basketId, intoBasketId: 'B-7', customerId: 'alice', at: T1 } };
    rejects(basketDecider, [guestOpened, added(pen)], elsewhere, 'basket-not-claimed', 'conflict', { status: 'open' });
    rejects(basketDecider, [guestOpened, added(pen), claimed('B-9')], elsewhere, 'basket-not-claimed', 'conflict', { status: 'claimed' });
    rejects(basketDecider, [guestOpened, added(pen), claimed('B-9'), merged], elsewhere, 'basket-not-claimed', 'conflict', { status: 'merged' });
    rejects(basketDecider, [], elsewhere, 'basket-not-found', 'conflict');
  });

  it('a log written before claims existed (merged without a claim) still folds to a merged basket', () => {
    const merged: BasketEvent = { type: 'BasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    const state = fold(basketDecider, [guestOpened, added(pen), merged]);
    assert.deepEqual([state.status, state.mergedInto, state.customerId], ['merged', 'B-9', 'alice']);
    spec(basketDecider).given([guestOpened, added(pen), merged]).when(claim('B-9')).then([]);
    rejects(basketDecider, [guestOpened, added(pen), merged], claim('B-7'), 'basket-not-open', 'conflict', { status: 'merged' });
  });

  it('lines may go only into the basket the guest basket is claimed for or merged into', () => {
    const merged: BasketEvent = { type: 'BasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    const code = (history: readonly BasketEvent[], into: string) => {
      try {
        assertGuestClaimedFor(fold(basketDecider, history), basketId, into);
        return 'claimed';
      } catch (error) {
        return error instanceof DomainError ? error.code : String(error);
      }
    };
    assert.equal(code([guestOpened, added(pen), claimed('B-9')], 'B-9'), 'claimed');
    assert.equal(code([guestOpened, added(pen), claimed('B-9'), merged], 'B-9'), 'claimed');
    assert.equal(code([guestOpened, added(pen), claimed('B-9')], 'B-7'), 'basket-not-claimed');
    assert.equal(code([guestOpened, added(pen), claimed('B-9'), released('B-9')], 'B-9'), 'basket-not-claimed');
    assert.equal(code([guestOpened, added(pen)], 'B-9'), 'basket-not-claimed');
    assert.equal(code([], 'B-9'), 'basket-not-found');
  });
});

describe('basket: claiming a guest basket for a merge', () => {
  it('claims an open guest basket for one customer basket; claiming it again for that basket is a no-op', () => {
    spec(basketDecider).given([guestOpened, added(pen)]).when(claim('B-9')).then([claimed('B-9')]);
    spec(basketDecider).given([guestOpened, added(pen), claimed('B-9')]).when(claim('B-9')).then([]);
    const state = fold(basketDecider, [guestOpened, added(pen), claimed('B-9')]);
    assert.deepEqual([state.status, state.mergedInto, state.customerId], ['claimed', 'B-9', '']);
    assert.deepEqual(basketLines(state), [pen]);
  });

  it('a claimed guest basket cannot be claimed for another basket', () => {
    rejects(basketDecider, [guestOpened, added(pen), claimed('B-9')], claim('B-7'), 'basket-not-open', 'conflict', { status: 'claimed' });
  });

  it('a claimed guest basket is frozen: no line, coupon, assignment or abandonment changes it', () => {
    const history = [guestOpened, added(pen), claimed('B-9')];
    const notOpen = { status: 'claimed' };
    rejects(basketDecider, history, { type: 'AddItem', data: { basketId, ...ink } }, 'basket-not-open', 'conflict', notOpen);
    rejects(basketDecider, history, { type: 'ChangeItemQuantity', data: { basketId, sku: 'PEN', quantity: 5 } }, 'basket-not-open', 'conflict', notOpen);
    rejects(basketDecider, history, { type: 'RemoveItem', data: { basketId, sku: 'PEN' } }, 'basket-not-open', 'conflict', notOpen);
    rejects(basketDecider, history, { type: 'ApplyCoupon', data: { basketId, code: 'X' } }, 'basket-not-open', 'conflict', notOpen);
    rejects(basketDecider, history, { type: 'AssignBasket', data: { basketId, customerId: 'bob' } }, 'basket-not-open', 'conflict', notOpen);
    rejects(basketDecider, history, { type: 'AbandonBasket', data: { basketId, now: T1, idleMinutes: 1 } }, 'basket-not-open', 'conflict', notOpen);
  });

  it('only an open guest basket is claimed', () => {
    rejects(basketDecider, [opened], claim('B-9'), 'not-a-guest-basket', 'conflict');
    rejects(basketDecider, [], claim('B-9'), 'basket-not-found', 'conflict');
    const abandoned: BasketEvent = { type: 'BasketAbandoned', data: { basketId, customerId: '', lastActivityAt: T0, at: T1, idleMinutes: 1, itemCount: 0, subtotal: TRY(0) } };
    rejects(basketDecider, [guestOpened, abandoned], claim('B-9'), 'basket-not-open', 'conflict', { status: 'abandoned' });
  });

  it('a claim is released when the customer basket refuses the lines: the guest basket is open again, lines kept, claimable by any basket', () => {
    const release: BasketCommand = { type: 'ReleaseGuestBasket', data: { basketId, intoBasketId: 'B-9', reason: ' merge-refused:basket-not-open ' } };
    spec(basketDecider).given([guestOpened, added(pen), claimed('B-9')]).when(release).then([released('B-9')]);
    const history = [guestOpened, added(pen), claimed('B-9'), released('B-9')];
    const state = fold(basketDecider, history);
    assert.deepEqual([state.status, state.mergedInto], ['open', undefined]);
    assert.deepEqual(basketLines(state), [pen]);
    spec(basketDecider).given(history).when(release).then([]);
    spec(basketDecider).given(history).when(claim('B-7')).then([claimed('B-7')]);
  });

  it('only the basket a guest basket is claimed for releases it, never after the merge, and with a reason', () => {
    const release = (into: string, reason = 'merge-refused:currency-mismatch'): BasketCommand => ({ type: 'ReleaseGuestBasket', data: { basketId, intoBasketId: into, reason } });
    const merged: BasketEvent = { type: 'BasketMerged', data: { basketId, intoBasketId: 'B-9', customerId: 'alice', at: T1 } };
    rejects(basketDecider, [guestOpened, claimed('B-9')], release('B-7'), 'basket-not-claimed', 'conflict', { status: 'claimed' });
    rejects(basketDecider, [guestOpened, claimed('B-9'), merged], release('B-9'), 'basket-not-claimed', 'conflict', { status: 'merged' });
    rejects(basketDecider, [guestOpened, claimed('B-9')], release('B-9', ' '), 'invalid-reason', 'unprocessable');
  });
});

describe('basket: coupons', () => {
  it('applies a coupon, trimmed; applying it again is a no-op; another replaces it', () => {
    spec(basketDecider).given([opened]).when({ type: 'ApplyCoupon', data: { basketId, code: ' YAZ20 ', at: T1 } }).then([{ type: 'CouponApplied', data: { basketId, code: 'YAZ20', at: T1 } }]);
    const applied: BasketEvent = { type: 'CouponApplied', data: { basketId, code: 'YAZ20' } };
    spec(basketDecider).given([opened, applied]).when({ type: 'ApplyCoupon', data: { basketId, code: 'YAZ20' } }).then([]);
    spec(basketDecider).given([opened, applied]).when({ type: 'ApplyCoupon', data: { basketId, code: 'KIS10' } }).then([{ type: 'CouponApplied', data: { basketId, code: 'KIS10' } }]);
  });

  it('removes the applied coupon; nothing to remove is a conflict', () => {
    const applied: BasketEvent = { type: 'CouponApplied', data: { basketId, code: 'YAZ20' } };
    spec(basketDecider).given([opened, applied]).when({ type: 'RemoveCoupon', data: { basketId } }).then([{ type: 'CouponRemoved', data: { basketId, code: 'YAZ20' } }]);
    rejects(basketDecider, [opened], { type: 'RemoveCoupon', data: { basketId } }, 'coupon-not-applied', 'conflict');
  });

  it('rejects an empty code', () => {
    rejects(basketDecider, [opened], { type: 'ApplyCoupon', data: { basketId, code: '  ' } }, 'invalid-coupon', 'unprocessable');
  });

  it('checkout carries the coupon code', () => {
    const applied: BasketEvent = { type: 'CouponApplied', data: { basketId, code: 'YAZ20' } };
    spec(basketDecider)
      .given([opened, added(pen), applied])
      .when({ type: 'CheckOutBasket', data: { basketId, orderId: 'o-1' } })
      .then([{ type: 'BasketCheckedOut', data: { basketId, orderId: 'o-1', customerId: 'alice', lines: [pen], subtotal: TRY(1_000), couponCode: 'YAZ20' } }]);
  });
});

describe('basket: unit price snapshot and KDV rate', () => {
  it('keeps the price and KDV rate of the first add when the SKU is added again', () => {
    const history = [opened, added(pen)];
    spec(basketDecider)
      .given(history)
      .when({ type: 'AddItem', data: { basketId, ...pen, unitPrice: TRY(900), taxRate: 10, quantity: 1 } })
      .then([{ type: 'ItemQuantityChanged', data: { basketId, sku: 'PEN', quantity: 3 } }]);
  });

  it('rejects a KDV rate other than 0, 1, 10 or 20', () => {
    rejects(basketDecider, [opened], { type: 'AddItem', data: { basketId, ...pen, taxRate: 18 } }, 'invalid-tax-rate', 'unprocessable', { taxRate: 18 });
  });
});

describe('basket: abandonment', () => {
  const abandon = (now: string, idleMinutes = 60): BasketCommand => ({ type: 'AbandonBasket', data: { basketId, now, idleMinutes } });

  it('abandons a basket idle for at least the configured time, with what was left in it', () => {
    spec(basketDecider)
      .given([opened, added(pen)])
      .when(abandon(T1))
      .then([{ type: 'BasketAbandoned', data: { basketId, customerId: 'alice', lastActivityAt: T0, at: T1, idleMinutes: 60, itemCount: 2, subtotal: TRY(1_000) } }]);
  });

  it('refuses a basket active within the idle time (each change counts as activity)', () => {
    rejects(basketDecider, [opened, added(pen, '2026-11-21T10:30:00.000+03:00')], abandon(T1), 'basket-not-idle', 'conflict', {
      lastActivityAt: '2026-11-21T10:30:00.000+03:00',
    });
  });

  it('an abandoned basket takes no changes, and abandoning again is a no-op', () => {
    const abandoned: BasketEvent = {
      type: 'BasketAbandoned',
      data: { basketId, customerId: 'alice', lastActivityAt: T0, at: T1, idleMinutes: 60, itemCount: 0, subtotal: TRY(0) },
    };
    rejects(basketDecider, [opened, abandoned], { type: 'AddItem', data: { basketId, ...pen } }, 'basket-not-open', 'conflict', { status: 'abandoned' });
    spec(basketDecider).given([opened, abandoned]).when(abandon(T1)).then([]);
  });

  it('a checked-out (converted) basket is not abandoned', () => {
    const checkedOut: BasketEvent = { type: 'BasketCheckedOut', data: { basketId, orderId: 'o-1', customerId: 'alice', lines: [pen], subtotal: TRY(1_000) } };
    rejects(basketDecider, [opened, added(pen), checkedOut], abandon(T1), 'basket-not-open', 'conflict');
  });

  it('rejects a non-positive idle time and a malformed time', () => {
    rejects(basketDecider, [opened], abandon(T1, 0), 'invalid-idle-time', 'unprocessable');
    rejects(basketDecider, [opened], abandon('yesterday'), 'invalid-time', 'unprocessable');
  });

  it('rejects a time that does not exist (2030-02-30, which Date.parse would read as 2030-03-02)', () => {
    rejects(basketDecider, [opened], abandon('2030-02-30T00:00:00Z'), 'invalid-time', 'unprocessable', { field: 'now' });
    rejects(basketDecider, [opened], { type: 'AddItem', data: { basketId, ...pen, at: '2030-02-30T00:00:00Z' } }, 'invalid-time', 'unprocessable', { field: 'at' });
  });
});

describe('basket: checkout converts it, a failed checkout reopens it', () => {
  it('checkout carries the terms for the checkout process', () => {
    spec(basketDecider)
      .given([opened, added(pen)])
      .when({ type: 'CheckOutBasket', data: { basketId, orderId: 'o-1', terms, at: T1 } })
      .then([{ type: 'BasketCheckedOut', data: { basketId, orderId: 'o-1', customerId: 'alice', lines: [pen], subtotal: TRY(1_000), terms, at: T1 } }]);
  });

  it('rejects terms in another currency', () => {
    rejects(basketDecider, [opened, added(pen)], { type: 'CheckOutBasket', data: { basketId, orderId: 'o-1', terms: { ...terms, shipping: money(100, 'EUR') } } }, 'currency-mismatch', 'unprocessable');
  });

  it('reopens a basket whose checkout into that order failed; a no-op when open; refused for another order', () => {
    const checkedOut: BasketEvent = { type: 'BasketCheckedOut', data: { basketId, orderId: 'o-1', customerId: 'alice', lines: [pen], subtotal: TRY(1_000) } };
    const reopen = (orderId: string): BasketCommand => ({ type: 'ReopenBasket', data: { basketId, orderId, reason: 'checkout-failed:insufficient-stock' } });
    spec(basketDecider)
      .given([opened, added(pen), checkedOut])
      .when(reopen('o-1'))
      .then([{ type: 'BasketReopened', data: { basketId, orderId: 'o-1', reason: 'checkout-failed:insufficient-stock' } }]);
    spec(basketDecider).given([opened, added(pen)]).when(reopen('o-1')).then([]);
    rejects(basketDecider, [opened, added(pen), checkedOut], reopen('o-2'), 'basket-not-open', 'conflict');
    const reopened = fold(basketDecider, [opened, added(pen), checkedOut, { type: 'BasketReopened', data: { basketId, orderId: 'o-1', reason: 'x' } }]);
    assert.deepEqual([reopened.status, basketLines(reopened).length], ['open', 1]);
  });
});
