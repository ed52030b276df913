import type { Decider } from '../shared/index.js';
import type { GiftChequeCommand } from './commands.js';
import { decideGiftCheque } from './decide.js';
import type { GiftChequeEvent } from './events.js';
import { evolveGiftCheque, initialGiftChequeState, type GiftChequeState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * as giftChequeErrors from './errors.js';
export { giftChequeErrorCodes, type GiftChequeErrorCode } from './errors.js';

/** The gift cheque aggregate (one stream per cheque code) as a decider. */
export const giftChequeDecider: Decider<GiftChequeCommand, GiftChequeEvent, GiftChequeState> = {
  initialState: initialGiftChequeState,
  evolve: evolveGiftCheque,
  decide: decideGiftCheque,
};
