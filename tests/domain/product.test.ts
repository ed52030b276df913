import assert from 'node:assert/strict';
import { fold, money } from '../../src/domain/shared/index.js';
import {
  productDecider,
  productEventTypes,
  type ChangeProductPrice,
  type ProductEvent,
  type RegisterProduct,
} from '../../src/domain/product/index.js';
import { spec } from '../support/decider-spec.js';
import { describe, it } from 'node:test';
import { rejects } from './helpers.js';

const sku = 'SKU-1';
const price = money(12_990, 'TRY');
const registered: ProductEvent = {
  type: 'ProductRegistered',
  data: { sku, name: 'Kettle', category: 'Kitchen', price },
};
const register = (over: Partial<RegisterProduct['data']> = {}): RegisterProduct => ({
  type: 'RegisterProduct',
  data: { sku, name: 'Kettle', category: 'Kitchen', price, ...over },
});
const changePrice = (newPrice = money(9_990, 'TRY')): ChangeProductPrice => ({
  type: 'ChangeProductPrice',
  data: { sku, price: newPrice },
});

describe('product: RegisterProduct', () => {
  it('registers a new product', () => {
    spec(productDecider).given([]).when(register()).then([registered]);
  });

  it('stores name and category trimmed', () => {
    spec(productDecider)
      .given([])
      .when(register({ name: '  Kettle ', category: ' Kitchen  ' }))
      .then([registered]);
  });

  it('rejects registering twice', () => {
    rejects(productDecider, [registered], register(), 'product-already-registered', 'conflict', { sku });
  });

  for (const bad of [money(0, 'TRY'), money(-1, 'TRY'), { minor: 1.5, currency: 'TRY' }, { minor: 100, currency: 'try' }]) {
    it(`rejects price ${JSON.stringify(bad)}`, () => {
      rejects(productDecider, [], register({ price: bad }), 'invalid-price', 'unprocessable', { price: bad });
    });
  }

  it('rejects a blank name', () => {
    rejects(productDecider, [], register({ name: '   ' }), 'invalid-product', 'unprocessable', { field: 'name' });
  });

  it('rejects a blank category', () => {
    rejects(productDecider, [], register({ category: '' }), 'invalid-product', 'unprocessable', { field: 'category' });
  });

  for (const category of [' > ', '/', ' / > ']) {
    it(`rejects a category of separators only (${JSON.stringify(category)}): no segment to file it under`, () => {
      rejects(productDecider, [], register({ category }), 'invalid-product', 'unprocessable', { field: 'category' });
    });
  }
});

describe('product: ChangeProductPrice', () => {
  it('changes the price, recording the previous one', () => {
    spec(productDecider)
      .given([registered])
      .when(changePrice())
      .then([{ type: 'ProductPriceChanged', data: { sku, previousPrice: price, price: money(9_990, 'TRY') } }]);
  });

  it('uses the latest price as previous after earlier changes', () => {
    const changed: ProductEvent = {
      type: 'ProductPriceChanged',
      data: { sku, previousPrice: price, price: money(9_990, 'TRY') },
    };
    spec(productDecider)
      .given([registered, changed])
      .when(changePrice(money(8_000, 'TRY')))
      .then([
        { type: 'ProductPriceChanged', data: { sku, previousPrice: money(9_990, 'TRY'), price: money(8_000, 'TRY') } },
      ]);
  });

  it('is a no-op for the same price', () => {
    spec(productDecider).given([registered]).when(changePrice(price)).then([]);
  });

  it('rejects an unregistered product', () => {
    rejects(productDecider, [], changePrice(), 'product-not-found', 'conflict', { sku });
  });

  it('rejects a price in another currency', () => {
    rejects(productDecider, [registered], changePrice(money(500, 'USD')), 'currency-mismatch', 'unprocessable', {
      expected: 'TRY',
      actual: 'USD',
    });
  });

  it('rejects a non-positive price', () => {
    rejects(productDecider, [registered], changePrice(money(0, 'TRY')), 'invalid-price', 'unprocessable');
  });
});

describe('product: state and event names', () => {
  it('folds registration and price changes', () => {
    const state = fold(productDecider, [
      registered,
      { type: 'ProductPriceChanged', data: { sku, previousPrice: price, price: money(100, 'TRY') } },
    ]);
    assert.deepEqual(state, { status: 'registered', sku, name: 'Kettle', category: 'Kitchen', price: money(100, 'TRY'), taxRate: 20 });
  });

  it('ignores a price change before registration', () => {
    const state = fold(productDecider, [
      { type: 'ProductPriceChanged', data: { sku, previousPrice: price, price: money(100, 'TRY') } },
    ]);
    assert.deepEqual(state, { status: 'none' });
  });

  it('lists every event type', () => {
    assert.deepEqual([...productEventTypes].sort(), ['ProductPriceChanged', 'ProductRegistered']);
  });
});
