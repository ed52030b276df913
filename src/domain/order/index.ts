import type { Decider } from '../shared/index.js';
import type { OrderCommand } from './commands.js';
import { decideOrder } from './decide.js';
import type { OrderEvent } from './events.js';
import { evolveOrder, initialOrderState, type OrderState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * from './tax.js';
export * from './shipping.js';
export * from './transitions.js';
export * as orderErrors from './errors.js';
export { orderErrorCodes, type OrderErrorCode } from './errors.js';

/** The order aggregate (one stream per order) as a decider. */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: initialOrderState,
  evolve: evolveOrder,
  decide: decideOrder,
};
