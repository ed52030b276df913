import type { Decider } from '../shared/index.js';
import type { PromotionCommand } from './commands.js';
import { decidePromotion } from './decide.js';
import type { PromotionEvent } from './events.js';
import { evolvePromotion, initialPromotionState, type PromotionState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './discount.js';
export * from './decide.js';
export * as promotionErrors from './errors.js';
export { promotionErrorCodes, type PromotionErrorCode } from './errors.js';

/** The promotion aggregate (one stream per campaign, keyed by its coupon code) as a decider. */
export const promotionDecider: Decider<PromotionCommand, PromotionEvent, PromotionState> = {
  initialState: initialPromotionState,
  evolve: evolvePromotion,
  decide: decidePromotion,
};
