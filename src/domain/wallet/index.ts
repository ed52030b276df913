import type { Decider } from '../shared/index.js';
import type { WalletCommand } from './commands.js';
import { decideWallet } from './decide.js';
import type { WalletEvent } from './events.js';
import { evolveWallet, initialWalletState, type WalletState } from './state.js';

export type * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './decide.js';
export * as walletErrors from './errors.js';
export { walletErrorCodes, type WalletErrorCode } from './errors.js';

/** The wallet aggregate (one stream per wallet) as a decider. */
export const walletDecider: Decider<WalletCommand, WalletEvent, WalletState> = {
  initialState: initialWalletState,
  evolve: evolveWallet,
  decide: decideWallet,
};
