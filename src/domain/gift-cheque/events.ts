import type { DomainEvent, Money } from '../shared/index.js';

/** Gift cheque `code` worth `amount` was issued, redeemable until `expiresAt` (exclusive). */
export type GiftChequeIssued = DomainEvent<
  'GiftChequeIssued',
  { readonly code: string; readonly amount: Money; readonly expiresAt: string; readonly note?: string }
>;

/** Gift cheque `code` was redeemed into wallet `walletId` for its whole `amount` (the wallet is credited with reason `gift-cheque`). */
export type GiftChequeRedeemed = DomainEvent<
  'GiftChequeRedeemed',
  { readonly code: string; readonly walletId: string; readonly amount: Money }
>;

/** Every event the gift cheque decider emits. */
export type GiftChequeEvent = GiftChequeIssued | GiftChequeRedeemed;

const names: { readonly [K in GiftChequeEvent['type']]: K } = {
  GiftChequeIssued: 'GiftChequeIssued',
  GiftChequeRedeemed: 'GiftChequeRedeemed',
};

/** The type names of every gift cheque event (for subscriptions). */
export const giftChequeEventTypes: readonly GiftChequeEvent['type'][] = Object.freeze(Object.values(names));
