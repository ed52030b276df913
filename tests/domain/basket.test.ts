import assert from 'node:assert/strict';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import {
  basketDecider,
  basketEventTypes,
  basketLines,
  type AddItem,
  type BasketCommand,
  type BasketEvent,
  type BasketItem,
} from '../../src/domain/basket/index.js';
import { spec } from '../support/decider-spec.js';
import { describe, it } from 'node:test';
import { rejects } from './helpers.js';

const basketId = 'BSK-1';
const customerId = 'CUS-1';
const orderId = 'ORD-1';

const kettle: BasketItem = {
  sku: 'SKU-K',
  name: 'Kettle',
  category: 'Kitchen',
  warehouseId: 'IST-1',
  unitPrice: money(12_990, 'TRY'),
  quantity: 2,
};
// An integer-like SKU: a plain object would enumerate it first.
const mug: BasketItem = {
  sku: '1001',
  name: 'Mug',
  category: 'Kitchen',
  warehouseId: 'IST-1',
  unitPrice: money(4_500, 'TRY'),
  quantity: 3,
};

const opened: BasketEvent = { type: 'BasketOpened', data: { basketId, customerId, currency: 'TRY' } };
const added = (item: BasketItem): BasketEvent => ({ type: 'ItemAdded', data: { basketId, ...item } });
const quantityChanged = (sku: string, quantity: number): BasketEvent => ({
  type: 'ItemQuantityChanged',
  data: { basketId, sku, quantity },
});
const checkedOut: BasketEvent = {
  type: 'BasketCheckedOut',
  data: { basketId, orderId, customerId, lines: [kettle], subtotal: money(25_980, 'TRY') },
};

const open = (currency = 'TRY'): BasketCommand => ({ type: 'OpenBasket', data: { basketId, customerId, currency } });
const add = (item: BasketItem, over: Partial<AddItem['data']> = {}): BasketCommand => ({
  type: 'AddItem',
  data: { basketId, ...item, ...over },
});
const remove = (sku: string): BasketCommand => ({ type: 'RemoveItem', data: { basketId, sku } });
const changeQuantity = (sku: string, quantity: number): BasketCommand => ({
  type: 'ChangeItemQuantity',
  data: { basketId, sku, quantity },
});
const checkOut: BasketCommand = { type: 'CheckOutBasket', data: { basketId, orderId } };

describe('basket: OpenBasket', () => {
  it('opens a basket', () => {
    spec(basketDecider).given([]).when(open()).then([opened]);
  });

  it('rejects opening twice', () => {
    rejects(basketDecider, [opened], open(), 'basket-already-opened', 'conflict', { basketId });
  });

  it('rejects opening after checkout', () => {
    rejects(basketDecider, [opened, added(kettle), checkedOut], open(), 'basket-already-opened', 'conflict');
  });

  it('rejects a malformed currency', () => {
    rejects(basketDecider, [], open('lira'), 'invalid-currency', 'unprocessable', { currency: 'lira' });
  });
});

describe('basket: AddItem', () => {
  it('adds a new line with the price snapshot', () => {
    spec(basketDecider).given([opened]).when(add(kettle)).then([added(kettle)]);
  });

  it('merges a SKU already in the basket into its quantity, keeping the first price', () => {
    spec(basketDecider)
      .given([opened, added(kettle)])
      .when(add(kettle, { quantity: 3, unitPrice: money(9_990, 'TRY') }))
      .then([quantityChanged('SKU-K', 5)]);
  });

  it('rejects a basket that was never opened', () => {
    rejects(basketDecider, [], add(kettle), 'basket-not-found', 'conflict', { basketId });
  });

  it('rejects a checked-out basket', () => {
    rejects(basketDecider, [opened, added(kettle), checkedOut], add(mug), 'basket-not-open', 'conflict', {
      status: 'checked-out',
    });
  });

  for (const quantity of [0, -1, 2.5]) {
    it(`rejects quantity ${quantity}`, () => {
      rejects(basketDecider, [opened], add(kettle, { quantity }), 'invalid-quantity', 'unprocessable', { quantity });
    });
  }

  for (const unitPrice of [money(0, 'TRY'), money(-5, 'TRY'), { minor: 0.5, currency: 'TRY' }] as Money[]) {
    it(`rejects unit price ${JSON.stringify(unitPrice)}`, () => {
      rejects(basketDecider, [opened], add(kettle, { unitPrice }), 'invalid-price', 'unprocessable');
    });
  }

  it('rejects a price in another currency', () => {
    rejects(basketDecider, [opened], add(kettle, { unitPrice: money(100, 'USD') }), 'currency-mismatch', 'unprocessable', {
      expected: 'TRY',
      actual: 'USD',
    });
  });
});

describe('basket: RemoveItem', () => {
  it('removes a line', () => {
    spec(basketDecider)
      .given([opened, added(kettle), added(mug)])
      .when(remove('SKU-K'))
      .then([{ type: 'ItemRemoved', data: { basketId, sku: 'SKU-K' } }]);
  });

  it('rejects a SKU not in the basket', () => {
    rejects(basketDecider, [opened, added(kettle)], remove('SKU-X'), 'item-not-in-basket', 'conflict', {
      sku: 'SKU-X',
    });
  });

  it('rejects a SKU that was already removed', () => {
    rejects(
      basketDecider,
      [opened, added(kettle), { type: 'ItemRemoved', data: { basketId, sku: 'SKU-K' } }],
      remove('SKU-K'),
      'item-not-in-basket',
      'conflict',
    );
  });

  it('rejects an Object.prototype key as a SKU', () => {
    rejects(basketDecider, [opened], remove('toString'), 'item-not-in-basket', 'conflict');
  });

  it('rejects a basket that was never opened', () => {
    rejects(basketDecider, [], remove('SKU-K'), 'basket-not-found', 'conflict');
  });

  it('rejects a checked-out basket', () => {
    rejects(basketDecider, [opened, added(kettle), checkedOut], remove('SKU-K'), 'basket-not-open', 'conflict');
  });
});

describe('basket: ChangeItemQuantity', () => {
  it('sets the new total quantity', () => {
    spec(basketDecider).given([opened, added(kettle)]).when(changeQuantity('SKU-K', 7)).then([quantityChanged('SKU-K', 7)]);
  });

  it('is a no-op for the same quantity', () => {
    spec(basketDecider).given([opened, added(kettle)]).when(changeQuantity('SKU-K', 2)).then([]);
  });

  it('compares with the quantity after earlier changes', () => {
    spec(basketDecider)
      .given([opened, added(kettle), quantityChanged('SKU-K', 5)])
      .when(changeQuantity('SKU-K', 5))
      .then([]);
  });

  it('rejects a SKU not in the basket', () => {
    rejects(basketDecider, [opened], changeQuantity('SKU-K', 1), 'item-not-in-basket', 'conflict');
  });

  it('rejects a zero quantity', () => {
    rejects(basketDecider, [opened, added(kettle)], changeQuantity('SKU-K', 0), 'invalid-quantity', 'unprocessable');
  });

  it('rejects a basket that was never opened', () => {
    rejects(basketDecider, [], changeQuantity('SKU-K', 1), 'basket-not-found', 'conflict');
  });

  it('rejects a checked-out basket', () => {
    rejects(basketDecider, [opened, added(kettle), checkedOut], changeQuantity('SKU-K', 1), 'basket-not-open', 'conflict');
  });
});

describe('basket: CheckOutBasket', () => {
  it('checks out the lines in insertion order with their subtotal', () => {
    spec(basketDecider)
      .given([opened, added(kettle), added(mug), quantityChanged('SKU-K', 3)])
      .when(checkOut)
      .then([
        {
          type: 'BasketCheckedOut',
          data: {
            basketId,
            orderId,
            customerId,
            lines: [{ ...kettle, quantity: 3 }, mug],
            subtotal: money(3 * 12_990 + 3 * 4_500, 'TRY'),
          },
        },
      ]);
  });

  it('puts a re-added SKU at the end', () => {
    spec(basketDecider)
      .given([opened, added(mug), added(kettle), { type: 'ItemRemoved', data: { basketId, sku: '1001' } }, added(mug)])
      .when(checkOut)
      .then([
        {
          type: 'BasketCheckedOut',
          data: { basketId, orderId, customerId, lines: [kettle, mug], subtotal: money(25_980 + 13_500, 'TRY') },
        },
      ]);
  });

  it('rejects an empty basket', () => {
    rejects(basketDecider, [opened], checkOut, 'empty-basket', 'conflict', { basketId });
  });

  it('rejects a basket whose lines were all removed', () => {
    rejects(
      basketDecider,
      [opened, added(kettle), { type: 'ItemRemoved', data: { basketId, sku: 'SKU-K' } }],
      checkOut,
      'empty-basket',
      'conflict',
    );
  });

  it('rejects a basket that was never opened', () => {
    rejects(basketDecider, [], checkOut, 'basket-not-found', 'conflict');
  });

  it('checking out again into the same order is a no-op (retry-safe)', () => {
    spec(basketDecider).given([opened, added(kettle), checkedOut]).when(checkOut).then([]);
  });

  it('rejects checking out twice into another order', () => {
    rejects(basketDecider, [opened, added(kettle), checkedOut], { type: 'CheckOutBasket', data: { basketId, orderId: 'ORD-2' } }, 'basket-not-open', 'conflict');
  });

  it('rejects a subtotal beyond safe integers', () => {
    const huge = { ...kettle, unitPrice: money(Number.MAX_SAFE_INTEGER, 'TRY'), quantity: 2 };
    rejects(basketDecider, [opened, added(huge)], checkOut, 'amount-out-of-range', 'unprocessable');
  });
});

describe('basket: state and event names', () => {
  it('folds items, keeping insertion order for integer-like SKUs', () => {
    const state = fold(basketDecider, [opened, added(kettle), added(mug)]);
    assert.equal(state.status, 'open');
    assert.equal(state.currency, 'TRY');
    assert.deepEqual(basketLines(state), [kettle, mug]);
  });

  it('is checked out after BasketCheckedOut', () => {
    assert.equal(fold(basketDecider, [opened, added(kettle), checkedOut]).status, 'checked-out');
  });

  it('lists every event type', () => {
    assert.deepEqual([...basketEventTypes].sort(), [
      'BasketAbandoned',
      'BasketAssigned',
      'BasketCheckedOut',
      'BasketItemsMerged',
      'BasketMerged',
      'BasketOpened',
      'BasketReopened',
      'CouponApplied',
      'CouponRemoved',
      'GuestBasketClaimed',
      'GuestBasketReleased',
      'ItemAdded',
      'ItemQuantityChanged',
      'ItemRemoved',
    ]);
  });
});
