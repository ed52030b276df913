import type { BasketEvent, BasketItem } from './events.js';

/**
 * Where a basket is in its life: not opened yet, open for changes, checked out (converted
 * into an order; reopened if that checkout fails), abandoned (idle past the configured
 * time), claimed (a guest basket being merged into a customer's basket at login: frozen
 * until merged, or released open again) or merged (its lines went into that basket).
 */
export type BasketStatus = 'none' | 'open' | 'checked-out' | 'abandoned' | 'claimed' | 'merged';

/**
 * A basket. Before it is opened, ids and currency are empty strings. A guest basket has a
 * `guestId` and `customerId` '' until it is assigned.
 * `items` maps SKU → line; `skuOrder` lists the SKUs in the order they were added (a plain
 * object would put integer-like SKUs such as "1001" first, so order is kept separately).
 * `lastActivityAt`: business time of the last change (null when no command carried one);
 * `orderId`: the order it was checked out into; `mergedFrom`: guest baskets merged in;
 * `mergedInto`: for a claimed or merged guest basket, the customer basket its lines go or went into.
 */
export interface BasketState {
  readonly status: BasketStatus;
  readonly basketId: string;
  readonly customerId: string;
  readonly guestId: string | undefined;
  readonly currency: string;
  readonly items: Readonly<Record<string, BasketItem>>;
  readonly skuOrder: readonly string[];
  readonly couponCode: string | undefined;
  readonly lastActivityAt: string | null;
  readonly orderId: string | undefined;
  readonly mergedFrom: Readonly<Record<string, true>>;
  readonly mergedInto: string | undefined;
}

/** The state of a basket stream with no events. */
export const initialBasketState: BasketState = {
  status: 'none',
  basketId: '',
  customerId: '',
  guestId: undefined,
  currency: '',
  items: {},
  skuOrder: [],
  couponCode: undefined,
  lastActivityAt: null,
  orderId: undefined,
  mergedFrom: {},
  mergedInto: undefined,
};

/** The line for `sku`, or undefined when the basket has none (own keys only). */
export function basketItem(state: BasketState, sku: string): BasketItem | undefined {
  return Object.hasOwn(state.items, sku) ? state.items[sku] : undefined;
}

/** The basket's lines in the order their SKUs were added. */
export function basketLines(state: BasketState): readonly BasketItem[] {
  return state.skuOrder.flatMap((sku) => basketItem(state, sku) ?? []);
}

/** Whether this is a guest basket not yet given to a customer. */
export function isGuestBasket(state: BasketState): boolean {
  return state.status !== 'none' && state.customerId === '';
}

function touched(state: BasketState, at: string | undefined): BasketState {
  return at === undefined ? state : { ...state, lastActivityAt: at };
}

/** The basket state after one event. Total: events about absent lines leave the state unchanged. */
export function evolveBasket(state: BasketState, event: BasketEvent): BasketState {
  switch (event.type) {
    case 'BasketOpened': {
      const { basketId, customerId, currency, guestId, at } = event.data;
      return { ...initialBasketState, status: 'open', basketId, customerId, currency, guestId, lastActivityAt: at ?? null };
    }
    case 'ItemAdded':
      return touched(withItemAdded(state, event.data), event.data.at);
    case 'ItemQuantityChanged':
      return touched(withQuantity(state, event.data.sku, event.data.quantity), event.data.at);
    case 'ItemRemoved':
      return touched(withoutItem(state, event.data.sku), event.data.at);
    case 'CouponApplied':
      return touched({ ...state, couponCode: event.data.code }, event.data.at);
    case 'CouponRemoved':
      return touched({ ...state, couponCode: undefined }, event.data.at);
    case 'BasketAssigned':
      return touched({ ...state, customerId: event.data.customerId }, event.data.at);
    case 'BasketItemsMerged': {
      let next = state;
      for (const item of event.data.added) next = withItemAdded(next, item);
      for (const { sku, quantity } of event.data.increased) next = withQuantity(next, sku, quantity);
      return touched(
        {
          ...next,
          couponCode: event.data.couponCode ?? next.couponCode,
          mergedFrom: { ...next.mergedFrom, [event.data.fromBasketId]: true },
        },
        event.data.at,
      );
    }
    case 'GuestBasketClaimed':
      return touched({ ...state, status: 'claimed', mergedInto: event.data.intoBasketId }, event.data.at);
    case 'GuestBasketReleased':
      return { ...state, status: 'open', mergedInto: undefined };
    case 'BasketMerged':
      return touched({ ...state, status: 'merged', customerId: event.data.customerId, mergedInto: event.data.intoBasketId }, event.data.at);
    case 'BasketCheckedOut':
      return touched({ ...state, status: 'checked-out', orderId: event.data.orderId }, event.data.at);
    case 'BasketReopened':
      return { ...state, status: 'open', orderId: undefined };
    case 'BasketAbandoned':
      return { ...state, status: 'abandoned' };
  }
}

function withItemAdded(state: BasketState, added: BasketItem): BasketState {
  const { sku, name, category, warehouseId, unitPrice, quantity, taxRate } = added;
  const skuOrder = basketItem(state, sku) ? state.skuOrder : [...state.skuOrder, sku];
  const item: BasketItem = { sku, name, category, warehouseId, unitPrice, quantity, ...(taxRate === undefined ? {} : { taxRate }) };
  return { ...state, items: { ...state.items, [sku]: item }, skuOrder };
}

function withQuantity(state: BasketState, sku: string, quantity: number): BasketState {
  const item = basketItem(state, sku);
  return item ? { ...state, items: { ...state.items, [sku]: { ...item, quantity } } } : state;
}

function withoutItem(state: BasketState, sku: string): BasketState {
  const { [sku]: _removed, ...items } = state.items;
  return { ...state, items, skuOrder: state.skuOrder.filter((s) => s !== sku) };
}
