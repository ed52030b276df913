import type { Decider } from '../shared/index.js';
import type { BasketCommand } from './commands.js';
import { decideBasket } from './decide.js';
import type { BasketEvent } from './events.js';
import { evolveBasket, initialBasketState, type BasketState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * as basketErrors from './errors.js';
export { basketErrorCodes, type BasketErrorCode } from './errors.js';

/** The basket aggregate (one stream per basket) as a decider. */
export const basketDecider: Decider<BasketCommand, BasketEvent, BasketState> = {
  initialState: initialBasketState,
  evolve: evolveBasket,
  decide: decideBasket,
};
