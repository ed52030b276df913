import type { WalletEvent } from './events.js';

/**
 * A customer wallet. `balance` is in minor units of `currency` and never negative.
 * `paidByOrder` maps orderId → minor units debited for it minus those refunded.
 * Before it is opened, ids and currency are empty strings and the balance is 0.
 */
export interface WalletState {
  readonly status: 'none' | 'open';
  readonly walletId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly balance: number;
  readonly paidByOrder: Readonly<Record<string, number>>;
}

/** The state of a wallet stream with no events. */
export const initialWalletState: WalletState = {
  status: 'none',
  walletId: '',
  customerId: '',
  currency: '',
  balance: 0,
  paidByOrder: {},
};

/** Minor units `orderId` still has paid from this wallet (0 when none; own keys only). */
export function paidForOrder(state: WalletState, orderId: string): number {
  return Object.hasOwn(state.paidByOrder, orderId) ? (state.paidByOrder[orderId] ?? 0) : 0;
}

/**
 * The wallet state after one event. The balance moves by each event's amount; the
 * `balance` figure in events is for projections. Total: never throws.
 */
export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'WalletOpened': {
      const { walletId, customerId, currency } = event.data;
      return { ...initialWalletState, status: 'open', walletId, customerId, currency };
    }
    case 'WalletCredited':
      return { ...state, balance: state.balance + event.data.amount.minor };
    case 'WalletDebited':
      return withPayment(state, event.data.orderId, event.data.amount.minor);
    case 'WalletRefunded':
      return withPayment(state, event.data.orderId, -event.data.amount.minor);
  }
}

/** Moves `delta` minor units from the balance to `orderId`'s paid amount (negative: back). */
function withPayment(state: WalletState, orderId: string, delta: number): WalletState {
  return {
    ...state,
    balance: state.balance - delta,
    paidByOrder: { ...state.paidByOrder, [orderId]: paidForOrder(state, orderId) + delta },
  };
}
