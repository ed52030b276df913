import { InvalidMoneyError, multiply, sum, type Money } from '../shared/index.js';
import type { AddItem, BasketCommand, ChangeItemQuantity, CheckOutBasket, OpenBasket, RemoveItem } from './commands.js';
import {
  amountOutOfRange,
  basketAlreadyOpened,
  basketNotFound,
  basketNotOpen,
  currencyMismatch,
  emptyBasket,
  invalidCurrency,
  invalidPrice,
  invalidQuantity,
  itemNotInBasket,
} from './errors.js';
import type { BasketEvent, BasketItem } from './events.js';
import { basketItem, basketLines, type BasketState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events a basket command causes in `state`. Payload checks (422) run first, then the
 * basket's status (409), then rules that compare the command with the basket.
 * @throws DomainError `invalid-currency`, `invalid-quantity`, `invalid-price`, `currency-mismatch`,
 *   `amount-out-of-range` (422); `basket-already-opened`, `basket-not-found`, `basket-not-open`,
 *   `item-not-in-basket`, `empty-basket` (409)
 */
export function decideBasket(command: BasketCommand, state: BasketState): readonly BasketEvent[] {
  switch (command.type) {
    case 'OpenBasket':
      return open(command, state);
    case 'AddItem':
      return addItem(command, state);
    case 'RemoveItem':
      return removeItem(command, state);
    case 'ChangeItemQuantity':
      return changeQuantity(command, state);
    case 'CheckOutBasket':
      return checkOut(command, state);
  }
}

function open({ data }: OpenBasket, state: BasketState): readonly BasketEvent[] {
  if (!CURRENCY.test(data.currency)) throw invalidCurrency(data.currency);
  if (state.status !== 'none') throw basketAlreadyOpened(data.basketId);
  const { basketId, customerId, currency } = data;
  return [{ type: 'BasketOpened', data: { basketId, customerId, currency } }];
}

function addItem({ data }: AddItem, state: BasketState): readonly BasketEvent[] {
  assertPositiveQuantity(data.quantity);
  assertValidPrice(data.unitPrice);
  assertOpen(state, data.basketId);
  if (data.unitPrice.currency !== state.currency) throw currencyMismatch(state.currency, data.unitPrice.currency);
  const { basketId, sku, name, category, warehouseId, unitPrice, quantity } = data;
  const existing = basketItem(state, sku);
  if (!existing) return [{ type: 'ItemAdded', data: { basketId, sku, name, category, warehouseId, unitPrice, quantity } }];
  const merged = existing.quantity + quantity;
  if (!Number.isSafeInteger(merged)) throw invalidQuantity(merged);
  return [{ type: 'ItemQuantityChanged', data: { basketId, sku, quantity: merged } }];
}

function removeItem({ data }: RemoveItem, state: BasketState): readonly BasketEvent[] {
  assertOpen(state, data.basketId);
  requireItem(state, data.basketId, data.sku);
  return [{ type: 'ItemRemoved', data: { basketId: data.basketId, sku: data.sku } }];
}

function changeQuantity({ data }: ChangeItemQuantity, state: BasketState): readonly BasketEvent[] {
  assertPositiveQuantity(data.quantity);
  assertOpen(state, data.basketId);
  const item = requireItem(state, data.basketId, data.sku);
  if (item.quantity === data.quantity) return [];
  const { basketId, sku, quantity } = data;
  return [{ type: 'ItemQuantityChanged', data: { basketId, sku, quantity } }];
}

function checkOut({ data }: CheckOutBasket, state: BasketState): readonly BasketEvent[] {
  assertOpen(state, data.basketId);
  const lines = basketLines(state);
  if (lines.length === 0) throw emptyBasket(data.basketId);
  const subtotal = subtotalOf(lines, state.currency, data.basketId);
  const { basketId, orderId } = data;
  return [{ type: 'BasketCheckedOut', data: { basketId, orderId, customerId: state.customerId, lines, subtotal } }];
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
