import { InvalidMoneyError, instantOf, isInstant, multiply, sum, type Money } from '../shared/index.js';
import type {
  AbandonBasket,
  AddItem,
  ApplyCoupon,
  AssignBasket,
  BasketCommand,
  ChangeItemQuantity,
  CheckOutBasket,
  ClaimGuestBasket,
  MarkBasketMerged,
  MergeBasket,
  OpenBasket,
  OpenGuestBasket,
  RemoveCoupon,
  ReleaseGuestBasket,
  RemoveItem,
  ReopenBasket,
} from './commands.js';
import {
  amountOutOfRange,
  basketAlreadyOpened,
  basketHasNoCustomer,
  basketNotClaimed,
  basketNotFound,
  basketNotIdle,
  basketNotOpen,
  couponNotApplied,
  currencyMismatch,
  emptyBasket,
  invalidCoupon,
  invalidCurrency,
  invalidIdleTime,
  invalidPrice,
  invalidQuantity,
  invalidReason,
  invalidTaxRate,
  invalidTime,
  itemNotInBasket,
  notAGuestBasket,
} from './errors.js';
import type { BasketEvent, BasketItem, CheckoutTerms } from './events.js';
import { basketItem, basketLines, isGuestBasket, type BasketState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/** KDV rates in percent a line may carry: 0 (exempt / outside KDV) and the 1, 10, 20 % rates. */
export const KDV_RATES: readonly number[] = [0, 1, 10, 20];

/**
 * The events a basket command causes in `state`. Payload checks (422) run first, then the
 * basket's status (409), then rules that compare the command with the basket.
 *
 * Rules (each has a given/when/then test in tests/domain/basket*.test.ts):
 * - Guest baskets have no customer until login: `AssignBasket` gives one to the customer,
 *   or it is merged into the customer's open basket in three steps: `ClaimGuestBasket` on
 *   the guest basket (it is frozen, and claiming it for another basket is `basket-not-open`
 *   with status `claimed`), `MergeBasket` on the customer's basket (quantities add up, the
 *   customer's price snapshots stay; idempotent per guest basket), `MarkBasketMerged` on the
 *   guest basket (only for the basket it is claimed for: `basket-not-claimed`). If the
 *   customer's basket refuses the lines, `ReleaseGuestBasket` opens the guest basket again.
 *   So a guest basket's lines go into one basket at most (see `assertGuestClaimedFor`).
 * - Adding a SKU again adds to its line; the unit price is snapshotted at the first add.
 * - One coupon per basket; applying another replaces it; removing needs one applied.
 * - A basket idle (no change) for at least the configured minutes is abandoned by the scheduler.
 * - Checkout converts the basket into an order (it needs a customer and lines); checking out
 *   again into the same order is a no-op; a failed checkout reopens the basket.
 * - Only open baskets change.
 * @throws DomainError `invalid-currency`, `invalid-quantity`, `invalid-price`, `currency-mismatch`,
 *   `amount-out-of-range`, `invalid-time`, `invalid-tax-rate`, `invalid-coupon`, `invalid-idle-time`,
 *   `invalid-reason` (422); `basket-already-opened`, `basket-not-found`, `basket-not-open`,
 *   `item-not-in-basket`, `empty-basket`, `coupon-not-applied`, `basket-has-no-customer`,
 *   `not-a-guest-basket`, `basket-not-claimed`, `basket-not-idle` (409)
 */
export function decideBasket(command: BasketCommand, state: BasketState): readonly BasketEvent[] {
  if ('at' in command.data && command.data.at !== undefined && !isInstant(command.data.at)) throw invalidTime('at', command.data.at);
  switch (command.type) {
    case 'OpenBasket':
      return open(command, state);
    case 'OpenGuestBasket':
      return openGuest(command, state);
    case 'AddItem':
      return addItem(command, state);
    case 'RemoveItem':
      return removeItem(command, state);
    case 'ChangeItemQuantity':
      return changeQuantity(command, state);
    case 'ApplyCoupon':
      return applyCoupon(command, state);
    case 'RemoveCoupon':
      return removeCoupon(command, state);
    case 'AssignBasket':
      return assign(command, state);
    case 'ClaimGuestBasket':
      return claimGuest(command, state);
    case 'MergeBasket':
      return merge(command, state);
    case 'ReleaseGuestBasket':
      return releaseGuest(command, state);
    case 'MarkBasketMerged':
      return markMerged(command, state);
    case 'CheckOutBasket':
      return checkOut(command, state);
    case 'ReopenBasket':
      return reopen(command, state);
    case 'AbandonBasket':
      return abandon(command, state);
  }
}

/** `{ at }` when given, else nothing (events carry `at` only when the command did). */
function atOf(at: string | undefined): { at?: string } {
  return at === undefined ? {} : { at };
}

function open({ data }: OpenBasket, state: BasketState): readonly BasketEvent[] {
  if (!CURRENCY.test(data.currency)) throw invalidCurrency(data.currency);
  if (state.status !== 'none') throw basketAlreadyOpened(data.basketId);
  const { basketId, customerId, currency } = data;
  return [{ type: 'BasketOpened', data: { basketId, customerId, currency, ...atOf(data.at) } }];
}

function openGuest({ data }: OpenGuestBasket, state: BasketState): readonly BasketEvent[] {
  if (!CURRENCY.test(data.currency)) throw invalidCurrency(data.currency);
  if (state.status !== 'none') throw basketAlreadyOpened(data.basketId);
  const { basketId, guestId, currency } = data;
  return [{ type: 'BasketOpened', data: { basketId, customerId: '', currency, guestId, ...atOf(data.at) } }];
}

function addItem({ data }: AddItem, state: BasketState): readonly BasketEvent[] {
  assertPositiveQuantity(data.quantity);
  assertValidPrice(data.unitPrice);
  if (data.taxRate !== undefined && !KDV_RATES.includes(data.taxRate)) throw invalidTaxRate(data.sku, data.taxRate);
  assertOpen(state, data.basketId);
  if (data.unitPrice.currency !== state.currency) throw currencyMismatch(state.currency, data.unitPrice.currency);
  const { basketId, sku, name, category, warehouseId, unitPrice, quantity, taxRate } = data;
  const existing = basketItem(state, sku);
  if (!existing) {
    return [
      {
        type: 'ItemAdded',
        data: { basketId, sku, name, category, warehouseId, unitPrice, quantity, ...(taxRate === undefined ? {} : { taxRate }), ...atOf(data.at) },
      },
    ];
  }
  const merged = existing.quantity + quantity;
  if (!Number.isSafeInteger(merged)) throw invalidQuantity(merged);
  return [{ type: 'ItemQuantityChanged', data: { basketId, sku, quantity: merged, ...atOf(data.at) } }];
}

function removeItem({ data }: RemoveItem, state: BasketState): readonly BasketEvent[] {
  assertOpen(state, data.basketId);
  requireItem(state, data.basketId, data.sku);
  return [{ type: 'ItemRemoved', data: { basketId: data.basketId, sku: data.sku, ...atOf(data.at) } }];
}

function changeQuantity({ data }: ChangeItemQuantity, state: BasketState): readonly BasketEvent[] {
  assertPositiveQuantity(data.quantity);
  assertOpen(state, data.basketId);
  const item = requireItem(state, data.basketId, data.sku);
  if (item.quantity === data.quantity) return [];
  const { basketId, sku, quantity } = data;
  return [{ type: 'ItemQuantityChanged', data: { basketId, sku, quantity, ...atOf(data.at) } }];
}

function applyCoupon({ data }: ApplyCoupon, state: BasketState): readonly BasketEvent[] {
  const code = data.code.trim();
  if (code === '') throw invalidCoupon();
  assertOpen(state, data.basketId);
  if (state.couponCode === code) return [];
  return [{ type: 'CouponApplied', data: { basketId: data.basketId, code, ...atOf(data.at) } }];
}

function removeCoupon({ data }: RemoveCoupon, state: BasketState): readonly BasketEvent[] {
  assertOpen(state, data.basketId);
  if (state.couponCode === undefined) throw couponNotApplied(data.basketId);
  return [{ type: 'CouponRemoved', data: { basketId: data.basketId, code: state.couponCode, ...atOf(data.at) } }];
}

function assign({ data }: AssignBasket, state: BasketState): readonly BasketEvent[] {
  assertOpen(state, data.basketId);
  if (state.customerId === data.customerId) return [];
  if (!isGuestBasket(state)) throw notAGuestBasket(data.basketId);
  return [{ type: 'BasketAssigned', data: { basketId: data.basketId, customerId: data.customerId, guestId: state.guestId ?? '', ...atOf(data.at) } }];
}

function merge({ data }: MergeBasket, state: BasketState): readonly BasketEvent[] {
  data.items.forEach((item) => {
    assertPositiveQuantity(item.quantity);
    assertValidPrice(item.unitPrice);
  });
  if (Object.hasOwn(state.mergedFrom, data.fromBasketId)) return [];
  assertOpen(state, data.basketId);
  if (data.currency !== state.currency) throw currencyMismatch(state.currency, data.currency);
  const added: BasketItem[] = [];
  const increased: { sku: string; quantity: number }[] = [];
  for (const item of data.items) {
    const existing = basketItem(state, item.sku);
    if (!existing) {
      added.push(item);
      continue;
    }
    const quantity = existing.quantity + item.quantity;
    if (!Number.isSafeInteger(quantity)) throw invalidQuantity(quantity);
    increased.push({ sku: item.sku, quantity });
  }
  const couponCode = state.couponCode === undefined ? data.couponCode : undefined;
  return [
    {
      type: 'BasketItemsMerged',
      data: { basketId: data.basketId, fromBasketId: data.fromBasketId, added, increased, ...(couponCode ? { couponCode } : {}), ...atOf(data.at) },
    },
  ];
}

function claimGuest({ data }: ClaimGuestBasket, state: BasketState): readonly BasketEvent[] {
  if ((state.status === 'claimed' || state.status === 'merged') && state.mergedInto === data.intoBasketId) return [];
  assertOpen(state, data.basketId);
  if (!isGuestBasket(state)) throw notAGuestBasket(data.basketId);
  const { basketId, intoBasketId, customerId } = data;
  return [{ type: 'GuestBasketClaimed', data: { basketId, intoBasketId, customerId, ...atOf(data.at) } }];
}

function releaseGuest({ data }: ReleaseGuestBasket, state: BasketState): readonly BasketEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  if (state.status === 'open') return [];
  if (state.status === 'merged') throw basketNotClaimed(data.basketId, data.intoBasketId, state.status);
  assertGuestClaimedFor(state, data.basketId, data.intoBasketId);
  return [{ type: 'GuestBasketReleased', data: { basketId: data.basketId, intoBasketId: data.intoBasketId, reason } }];
}

function markMerged({ data }: MarkBasketMerged, state: BasketState): readonly BasketEvent[] {
  assertGuestClaimedFor(state, data.basketId, data.intoBasketId);
  if (state.status === 'merged') return [];
  const { basketId, intoBasketId, customerId } = data;
  return [{ type: 'BasketMerged', data: { basketId, intoBasketId, customerId, ...atOf(data.at) } }];
}

/**
 * Whether the lines of guest basket `guest` (the state of `basketId`) may go into customer
 * basket `intoBasketId`: only when it is claimed for that basket (`ClaimGuestBasket`), or
 * already merged into it (a retry, which repeats the merge as a no-op). Checked after the
 * claim and before the lines are copied, so they are never copied into a basket the guest
 * basket is not claimed for (e.g. one that released it after refusing its lines).
 * @throws DomainError `basket-not-found`, `basket-not-claimed` (details: status) (409)
 */
export function assertGuestClaimedFor(guest: BasketState, basketId: string, intoBasketId: string): void {
  if (guest.status === 'none') throw basketNotFound(basketId);
  if ((guest.status !== 'claimed' && guest.status !== 'merged') || guest.mergedInto !== intoBasketId) throw basketNotClaimed(basketId, intoBasketId, guest.status);
}

function checkOut({ data }: CheckOutBasket, state: BasketState): readonly BasketEvent[] {
  if (state.status === 'checked-out' && state.orderId === data.orderId) return [];
  assertOpen(state, data.basketId);
  if (state.customerId === '') throw basketHasNoCustomer(data.basketId);
  const lines = basketLines(state);
  if (lines.length === 0) throw emptyBasket(data.basketId);
  const subtotal = subtotalOf(lines, state.currency, data.basketId);
  if (data.terms) assertTerms(data.terms, state.currency);
  const { basketId, orderId } = data;
  return [
    {
      type: 'BasketCheckedOut',
      data: {
        basketId,
        orderId,
        customerId: state.customerId,
        lines,
        subtotal,
        ...(state.couponCode === undefined ? {} : { couponCode: state.couponCode }),
        ...(data.terms === undefined ? {} : { terms: data.terms }),
        ...atOf(data.at),
      },
    },
  ];
}

function reopen({ data }: ReopenBasket, state: BasketState): readonly BasketEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  if (state.status === 'none') throw basketNotFound(data.basketId);
  if (state.status === 'open') return [];
  if (state.status !== 'checked-out' || state.orderId !== data.orderId) throw basketNotOpen(data.basketId, state.status);
  return [{ type: 'BasketReopened', data: { basketId: data.basketId, orderId: data.orderId, reason } }];
}

function abandon({ data }: AbandonBasket, state: BasketState): readonly BasketEvent[] {
  const now = instantOf(data.now);
  if (now === undefined) throw invalidTime('now', data.now);
  if (!Number.isSafeInteger(data.idleMinutes) || data.idleMinutes <= 0) throw invalidIdleTime(data.idleMinutes);
  if (state.status === 'abandoned') return [];
  assertOpen(state, data.basketId);
  const last = state.lastActivityAt === null ? undefined : instantOf(state.lastActivityAt);
  if (last !== undefined && now - last < data.idleMinutes * 60_000) throw basketNotIdle(data.basketId, state.lastActivityAt ?? '', data.idleMinutes);
  const lines = basketLines(state);
  return [
    {
      type: 'BasketAbandoned',
      data: {
        basketId: data.basketId,
        customerId: state.customerId,
        lastActivityAt: state.lastActivityAt,
        at: data.now,
        idleMinutes: data.idleMinutes,
        itemCount: lines.reduce((n, l) => n + l.quantity, 0),
        subtotal: subtotalOf(lines, state.currency, data.basketId),
      },
    },
  ];
}

/** Shipping, wallet part and discount: non-negative integers of minor units in the basket currency. */
function assertTerms(terms: CheckoutTerms, currency: string): void {
  const amounts: [string, Money | undefined][] = [
    ['shipping', terms.shipping],
    ['payment.wallet', terms.payment.wallet],
    ['discount', terms.discount],
  ];
  for (const [, amount] of amounts) {
    if (amount === undefined) continue;
    if (!Number.isSafeInteger(amount.minor) || amount.minor < 0 || !CURRENCY.test(amount.currency)) throw invalidPrice(amount);
    if (amount.currency !== currency) throw currencyMismatch(currency, amount.currency);
  }
  if (terms.paymentDueBy !== undefined && !isInstant(terms.paymentDueBy)) throw invalidTime('paymentDueBy', terms.paymentDueBy);
}

/** Σ unitPrice × quantity. @throws amount-out-of-range beyond safe integers */
function subtotalOf(lines: readonly BasketItem[], currency: string, basketId: string): Money {
  try {
    return sum(lines.map((line) => multiply(line.unitPrice, line.quantity)), currency);
  } catch (error) {
    if (error instanceof InvalidMoneyError) throw amountOutOfRange(basketId);
    throw error;
  }
}

function assertOpen(state: BasketState, basketId: string): void {
  if (state.status === 'none') throw basketNotFound(basketId);
  if (state.status !== 'open') throw basketNotOpen(basketId, state.status);
}

function requireItem(state: BasketState, basketId: string, sku: string): BasketItem {
  const item = basketItem(state, sku);
  if (!item) throw itemNotInBasket(basketId, sku);
  return item;
}

function assertPositiveQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw invalidQuantity(quantity);
}

function assertValidPrice(price: Money): void {
  if (!Number.isSafeInteger(price.minor) || price.minor <= 0 || !CURRENCY.test(price.currency)) {
    throw invalidPrice(price);
  }
}
