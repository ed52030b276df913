import type { Money } from '../shared/index.js';
import type { ProductEvent } from './events.js';

/** A product stream: nothing yet, or a registered product with its current unit price. */
export type ProductState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly sku: string;
      readonly name: string;
      readonly category: string;
      readonly price: Money;
      /** KDV rate in percent (20 when the registration named none). */
      readonly taxRate: number;
    };

/** The state of a product stream with no events. */
export const initialProductState: ProductState = { status: 'none' };

/** The product state after one event. Total: a price change on an unregistered product is ignored. */
export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductRegistered': {
      const { sku, name, category, price, taxRate } = event.data;
      return { status: 'registered', sku, name, category, price, taxRate: taxRate ?? 20 };
    }
    case 'ProductPriceChanged':
      return state.status === 'registered' ? { ...state, price: event.data.price } : state;
  }
}
