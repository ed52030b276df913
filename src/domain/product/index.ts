import type { Decider } from '../shared/index.js';
import type { ProductCommand } from './commands.js';
import { decideProduct } from './decide.js';
import type { ProductEvent } from './events.js';
import { evolveProduct, initialProductState, type ProductState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * from './category.js';
export * as productErrors from './errors.js';
export { productErrorCodes, type ProductErrorCode } from './errors.js';

/** The product aggregate (one stream per SKU) as a decider. */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  initialState: initialProductState,
  evolve: evolveProduct,
  decide: decideProduct,
};
