import type { Money } from '../shared/index.js';
import type { GiftChequeEvent } from './events.js';

/** A gift cheque stream: nothing yet, issued (redeemable until `expiresAt`), or redeemed into `walletId`. */
export type GiftChequeState =
  | { readonly status: 'none' }
  | {
      readonly status: 'issued' | 'redeemed';
      readonly code: string;
      readonly amount: Money;
      readonly expiresAt: string;
      readonly redeemedBy?: string;
    };

/** The state of a gift cheque stream with no events. */
export const initialGiftChequeState: GiftChequeState = { status: 'none' };

/** The gift cheque state after one event. Total: a redemption of an unissued cheque is ignored. */
export function evolveGiftCheque(state: GiftChequeState, event: GiftChequeEvent): GiftChequeState {
  switch (event.type) {
    case 'GiftChequeIssued':
      return { status: 'issued', code: event.data.code, amount: event.data.amount, expiresAt: event.data.expiresAt };
    case 'GiftChequeRedeemed':
      return state.status === 'none' ? state : { ...state, status: 'redeemed', redeemedBy: event.data.walletId };
  }
}
