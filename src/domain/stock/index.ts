import type { Decider } from '../shared/index.js';
import type { StockCommand } from './commands.js';
import { decideStock } from './decide.js';
import type { StockEvent } from './events.js';
import { evolveStock, initialStockState, type StockState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * from './allocation.js';
export * as stockErrors from './errors.js';
export { stockErrorCodes, type StockErrorCode } from './errors.js';

/** The stock aggregate (one stream per SKU per warehouse) as a decider. */
export const stockDecider: Decider<StockCommand, StockEvent, StockState> = {
  initialState: initialStockState,
  evolve: evolveStock,
  decide: decideStock,
};
