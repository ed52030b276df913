import type { DomainEvent, Money } from '../shared/index.js';
import type { TopUpMethod, WalletCreditReason } from './commands.js';

/*
 * Figures in wallet events, all in minor units of the wallet currency:
 * - `balance`: the spendable balance after the event = main balance + bonus balance (held
 *   withdrawals excluded). Before bonus lots existed it was the main balance, which it
 *   still equals for a wallet without bonus.
 * - `bonusBalance` (where present): Σ of the remaining unexpired bonus lots after the event.
 * - `held` (withdrawal events): Σ of amounts held for pending withdrawals after the event.
 * Every movement names its reference: the order, the request, the transfer or the lot.
 */

/** A wallet was opened for `customerId` in `currency`, with a zero balance. */
export type WalletOpened = DomainEvent<
  'WalletOpened',
  { readonly walletId: string; readonly customerId: string; readonly currency: string }
>;

/**
 * `amount` was credited to the main balance for `reason`; `reference` names the source
 * (for an approved top-up request: the request id; for a gift cheque: its code).
 * `creditId`: the credit's id when it was given one (admin credits, gift cheques), which makes
 * it idempotent (see `CreditWallet`); absent on approvals, imports and credits written before
 * the field existed, which are folded as before.
 *
 * `requestId` says which top-up request the credit settles, and only an approval
 * (`ApproveTopUp`) settles one:
 * - a string: the approval of that request (written by `ApproveTopUp` since the field exists);
 * - `null`: a manual credit (`CreditWallet`) with reason `top-up` whose reference happens to
 *   name a pending request: it settles nothing;
 * - absent: any other credit, or one written before the field existed. Those are read as
 *   before (see `evolveWallet`): reason `top-up` + the reference of a pending request = its
 *   approval. No credit written since then is absent *and* of that shape, so old logs replay
 *   to the state they always had and new manual credits never touch a request. (Chosen over
 *   an upcaster: no upcaster is registered for wallet events, and an upcaster sees one event's
 *   data, not whether the request it names was pending at that point of the stream.)
 */
export type WalletCredited = DomainEvent<
  'WalletCredited',
  {
    readonly walletId: string;
    readonly amount: Money;
    readonly reason: WalletCreditReason;
    readonly reference: string;
    readonly balance: Money;
    readonly creditId?: string;
    readonly requestId?: string | null;
  }
>;

/** One bonus lot's part of a payment or refund. */
export interface BonusLotAmount {
  readonly lotId: string;
  readonly amount: Money;
  /** The lot's expiry (ISO 8601), so a refund can restore it. */
  readonly expiresAt: string;
}

/**
 * `amount` was taken to pay for `orderId`; `balance` is after the event. New fields (absent on
 * events written before bonus lots existed, where everything came from the main balance):
 * `fromMain` + Σ `fromBonus[].amount` = `amount`; `bonusBalance` after; `paymentId` when idempotent by id.
 */
export type WalletDebited = DomainEvent<
  'WalletDebited',
  {
    readonly walletId: string;
    readonly orderId: string;
    readonly amount: Money;
    readonly balance: Money;
    readonly fromMain?: Money;
    readonly fromBonus?: readonly BonusLotAmount[];
    readonly bonusBalance?: Money;
    readonly paymentId?: string;
  }
>;

/**
 * `amount` paid for `orderId` was given back; `balance` is after the event. New fields (absent on
 * older events, where everything went to the main balance): `toMain` + Σ `toBonus[].amount` =
 * `amount`, `bonusBalance` after, `reason` (default `order-refund`), `refundId` when idempotent by id.
 */
export type WalletRefunded = DomainEvent<
  'WalletRefunded',
  {
    readonly walletId: string;
    readonly orderId: string;
    readonly amount: Money;
    readonly balance: Money;
    readonly toMain?: Money;
    readonly toBonus?: readonly BonusLotAmount[];
    readonly bonusBalance?: Money;
    readonly reason?: string;
    readonly refundId?: string;
  }
>;

/** A customer asked to top up `amount` by `method` (`reference`: the payment's reference); nothing moved yet. */
export type WalletTopUpRequested = DomainEvent<
  'WalletTopUpRequested',
  { readonly walletId: string; readonly requestId: string; readonly amount: Money; readonly method: TopUpMethod; readonly reference: string }
>;

/** An admin rejected top-up request `requestId` (its `amount` was never credited). Approval is a `WalletCredited` with reason `top-up` and this `requestId`. */
export type WalletTopUpRejected = DomainEvent<
  'WalletTopUpRejected',
  { readonly walletId: string; readonly requestId: string; readonly amount: Money; readonly reason: string }
>;

/** Bonus lot `lotId` of `amount` was granted, spendable until `expiresAt` (exclusive); balances after. */
export type WalletBonusGranted = DomainEvent<
  'WalletBonusGranted',
  {
    readonly walletId: string;
    readonly lotId: string;
    readonly amount: Money;
    readonly expiresAt: string;
    readonly reason: string;
    readonly reference: string;
    readonly balance: Money;
    readonly bonusBalance: Money;
  }
>;

/** The unspent `amount` of bonus lot `lotId` expired (at `expiresAt`) and left the wallet; balances after. */
export type WalletBonusExpired = DomainEvent<
  'WalletBonusExpired',
  {
    readonly walletId: string;
    readonly lotId: string;
    readonly amount: Money;
    readonly expiresAt: string;
    readonly balance: Money;
    readonly bonusBalance: Money;
  }
>;

/** A withdrawal of `amount` to `destination` was requested; the amount is held (out of `balance`, into `held`). */
export type WalletWithdrawalRequested = DomainEvent<
  'WalletWithdrawalRequested',
  {
    readonly walletId: string;
    readonly requestId: string;
    readonly amount: Money;
    readonly destination: string;
    readonly balance: Money;
    readonly held: Money;
  }
>;

/** An approved withdrawal's held `amount` was paid out and left the wallet; `held` after. */
export type WalletWithdrawalPaidOut = DomainEvent<
  'WalletWithdrawalPaidOut',
  { readonly walletId: string; readonly requestId: string; readonly amount: Money; readonly held: Money }
>;

/** A rejected withdrawal's held `amount` went back to the main balance; balances after. */
export type WalletWithdrawalRejected = DomainEvent<
  'WalletWithdrawalRejected',
  {
    readonly walletId: string;
    readonly requestId: string;
    readonly amount: Money;
    readonly reason: string;
    readonly balance: Money;
    readonly held: Money;
  }
>;

/** `amount` left the main balance for wallet `toWalletId` (transfer `transferId`); `balance` after. */
export type WalletTransferSent = DomainEvent<
  'WalletTransferSent',
  { readonly walletId: string; readonly transferId: string; readonly toWalletId: string; readonly amount: Money; readonly balance: Money }
>;

/** `amount` arrived from wallet `fromWalletId` (transfer `transferId`); `balance` after. */
export type WalletTransferReceived = DomainEvent<
  'WalletTransferReceived',
  { readonly walletId: string; readonly transferId: string; readonly fromWalletId: string; readonly amount: Money; readonly balance: Money }
>;

/**
 * The receiving wallet refused transfer `transferId` of `amount` from `fromWalletId` for `reason`
 * (`transfer-refused:<code>`) and will never receive it; the sender's side is reversed after it.
 * Moves no money.
 */
export type WalletTransferRefused = DomainEvent<
  'WalletTransferRefused',
  { readonly walletId: string; readonly transferId: string; readonly fromWalletId: string; readonly amount: Money; readonly reason: string }
>;

/** Sent transfer `transferId` was refused by the receiving side; `amount` returned to the sender; `balance` after. */
export type WalletTransferReversed = DomainEvent<
  'WalletTransferReversed',
  {
    readonly walletId: string;
    readonly transferId: string;
    readonly toWalletId: string;
    readonly amount: Money;
    readonly reason: string;
    readonly balance: Money;
  }
>;

/** The wallet was frozen for `reason`. */
export type WalletFrozen = DomainEvent<'WalletFrozen', { readonly walletId: string; readonly reason: string }>;

/** The wallet's freeze was lifted. */
export type WalletUnfrozen = DomainEvent<'WalletUnfrozen', { readonly walletId: string }>;

/** Every event the wallet decider emits. */
export type WalletEvent =
  | WalletOpened
  | WalletCredited
  | WalletDebited
  | WalletRefunded
  | WalletTopUpRequested
  | WalletTopUpRejected
  | WalletBonusGranted
  | WalletBonusExpired
  | WalletWithdrawalRequested
  | WalletWithdrawalPaidOut
  | WalletWithdrawalRejected
  | WalletTransferSent
  | WalletTransferReceived
  | WalletTransferRefused
  | WalletTransferReversed
  | WalletFrozen
  | WalletUnfrozen;

const names: { readonly [K in WalletEvent['type']]: K } = {
  WalletOpened: 'WalletOpened',
  WalletCredited: 'WalletCredited',
  WalletDebited: 'WalletDebited',
  WalletRefunded: 'WalletRefunded',
  WalletTopUpRequested: 'WalletTopUpRequested',
  WalletTopUpRejected: 'WalletTopUpRejected',
  WalletBonusGranted: 'WalletBonusGranted',
  WalletBonusExpired: 'WalletBonusExpired',
  WalletWithdrawalRequested: 'WalletWithdrawalRequested',
  WalletWithdrawalPaidOut: 'WalletWithdrawalPaidOut',
  WalletWithdrawalRejected: 'WalletWithdrawalRejected',
  WalletTransferSent: 'WalletTransferSent',
  WalletTransferReceived: 'WalletTransferReceived',
  WalletTransferRefused: 'WalletTransferRefused',
  WalletTransferReversed: 'WalletTransferReversed',
  WalletFrozen: 'WalletFrozen',
  WalletUnfrozen: 'WalletUnfrozen',
};

/** The type names of every wallet event (for subscriptions and importers). */
export const walletEventTypes: readonly WalletEvent['type'][] = Object.freeze(Object.values(names));
