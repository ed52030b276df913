import type { BasketEvent, BasketItem } from './events.js';

/** Where a basket is in its life: not opened yet, open for changes, or checked out (final). */
export type BasketStatus = 'none' | 'open' | 'checked-out';

/**
 * A basket. Before it is opened, ids and currency are empty strings.
 * `items` maps SKU → line; `skuOrder` lists the SKUs in the order they were added (a plain
 * object would put integer-like SKUs such as "1001" first, so order is kept separately).
 */
export interface BasketState {
  readonly status: BasketStatus;
  readonly basketId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: Readonly<Record<string, BasketItem>>;
  readonly skuOrder: readonly string[];
}

/** The state of a basket stream with no events. */
export const initialBasketState: BasketState = {
  status: 'none',
  basketId: '',
  customerId: '',
  currency: '',
  items: {},
  skuOrder: [],
};

/** The line for `sku`, or undefined when the basket has none (own keys only). */
export function basketItem(state: BasketState, sku: string): BasketItem | undefined {
  return Object.hasOwn(state.items, sku) ? state.items[sku] : undefined;
}

/** The basket's lines in the order their SKUs were added. */
export function basketLines(state: BasketState): readonly BasketItem[] {
  return state.skuOrder.flatMap((sku) => basketItem(state, sku) ?? []);
}

/** The basket state after one event. Total: events about absent lines leave the state unchanged. */
export function evolveBasket(state: BasketState, event: BasketEvent): BasketState {
  switch (event.type) {
    case 'BasketOpened': {
      const { basketId, customerId, currency } = event.data;
      return { ...initialBasketState, status: 'open', basketId, customerId, currency };
    }
    case 'ItemAdded':
      return withItemAdded(state, event.data);
    case 'ItemQuantityChanged':
      return withQuantity(state, event.data.sku, event.data.quantity);
    case 'ItemRemoved':
      return withoutItem(state, event.data.sku);
    case 'BasketCheckedOut':
      return { ...state, status: 'checked-out' };
  }
}

function withItemAdded(state: BasketState, added: BasketItem): BasketState {
  const { sku, name, category, warehouseId, unitPrice, quantity } = added;
  const skuOrder = basketItem(state, sku) ? state.skuOrder : [...state.skuOrder, sku];
  return { ...state, items: { ...state.items, [sku]: { sku, name, category, warehouseId, unitPrice, quantity } }, skuOrder };
}

function withQuantity(state: BasketState, sku: string, quantity: number): BasketState {
  const item = basketItem(state, sku);
  return item ? { ...state, items: { ...state.items, [sku]: { ...item, quantity } } } : state;
}

function withoutItem(state: BasketState, sku: string): BasketState {
  const { [sku]: _removed, ...items } = state.items;
  return { ...state, items, skuOrder: state.skuOrder.filter((s) => s !== sku) };
}
