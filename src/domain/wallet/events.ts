import type { DomainEvent, Money } from '../shared/index.js';
import type { WalletCreditReason } from './commands.js';

/** A wallet was opened for `customerId` in `currency`, with a zero balance. */
export type WalletOpened = DomainEvent<
  'WalletOpened',
  { readonly walletId: string; readonly customerId: string; readonly currency: string }
>;

/** `amount` was credited for `reason`; `balance` is the balance after the event. */
export type WalletCredited = DomainEvent<
  'WalletCredited',
  {
    readonly walletId: string;
    readonly amount: Money;
    readonly reason: WalletCreditReason;
    readonly reference: string;
    readonly balance: Money;
  }
>;

/** `amount` was taken to pay for `orderId`; `balance` is after the event. */
export type WalletDebited = DomainEvent<
  'WalletDebited',
  { readonly walletId: string; readonly orderId: string; readonly amount: Money; readonly balance: Money }
>;

/** `amount` paid for `orderId` was given back; `balance` is after the event. */
export type WalletRefunded = DomainEvent<
  'WalletRefunded',
  { readonly walletId: string; readonly orderId: string; readonly amount: Money; readonly balance: Money }
>;

/** Every event the wallet decider emits. */
export type WalletEvent = WalletOpened | WalletCredited | WalletDebited | WalletRefunded;

const names: { readonly [K in WalletEvent['type']]: K } = {
  WalletOpened: 'WalletOpened',
  WalletCredited: 'WalletCredited',
  WalletDebited: 'WalletDebited',
  WalletRefunded: 'WalletRefunded',
};

/** The type names of every wallet event (for subscriptions and importers). */
export const walletEventTypes: readonly WalletEvent['type'][] = Object.freeze(Object.values(names));
