import type { DomainCommand, Money } from '../shared/index.js';

/**
 * Why money was put into a wallet's main balance: `top-up` (an approved top-up request or an
 * admin credit of a payment received), `voucher` (Olist vouchers), `gift` (goodwill),
 * `adjustment` (an admin correction), `gift-cheque` (a redeemed gift cheque; reference = its code).
 */
export type WalletCreditReason = 'top-up' | 'voucher' | 'gift' | 'adjustment' | 'gift-cheque';

/** How the customer pays a top-up request in (the payment itself happens outside the wallet). */
export type TopUpMethod = 'card' | 'bank-transfer';

/** Opens an empty wallet for `customerId` holding `currency` (ISO 4217). */
export type OpenWallet = DomainCommand<
  'OpenWallet',
  { readonly walletId: string; readonly customerId: string; readonly currency: string }
>;

/**
 * Adds `amount` (minor units > 0, wallet currency) to the main balance for `reason`;
 * `reference` names the source (payment id, voucher code, gift cheque code…).
 * `creditId`, when given, makes the credit idempotent: the same credit again (same amount,
 * reason and reference) is a no-op; the same id with other content is refused (`credit-exists`).
 */
export type CreditWallet = DomainCommand<
  'CreditWallet',
  {
    readonly walletId: string;
    readonly amount: Money;
    readonly reason: WalletCreditReason;
    readonly reference: string;
    readonly creditId?: string;
  }
>;

/**
 * Takes `amount` (minor units > 0) to pay for `orderId`: bonus lots first, soonest-expiring
 * first, then the main balance. `at` (ISO 8601 business time) decides which bonus lots have
 * expired (they are dropped first, with `WalletBonusExpired`); without `at` only the main
 * balance pays. `paymentId`, when given, makes the debit idempotent.
 */
export type DebitWalletForOrder = DomainCommand<
  'DebitWalletForOrder',
  {
    readonly walletId: string;
    readonly orderId: string;
    readonly amount: Money;
    readonly at?: string;
    readonly paymentId?: string;
  }
>;

/**
 * Gives back `amount` (minor units > 0, at most what `orderId` still has paid from this wallet):
 * first to the main balance up to the main part paid, then to the bonus lots it came from
 * (with their original expiry). `refundId` makes it idempotent; `reason` defaults to `order-refund`.
 */
export type RefundToWallet = DomainCommand<
  'RefundToWallet',
  {
    readonly walletId: string;
    readonly orderId: string;
    readonly amount: Money;
    readonly refundId?: string;
    readonly reason?: string;
  }
>;

/**
 * A customer asks to top up `amount` by `method`; nothing moves until an admin approves.
 * Idempotent per `requestId`: the same request again is a no-op, the same id with another
 * amount, method or reference is refused (`request-exists`).
 */
export type RequestTopUp = DomainCommand<
  'RequestTopUp',
  { readonly walletId: string; readonly requestId: string; readonly amount: Money; readonly method: TopUpMethod; readonly reference: string }
>;

/**
 * An admin approves a pending top-up request: its amount is credited (reason `top-up`,
 * reference and `requestId` = the request id). Only this command settles a request.
 */
export type ApproveTopUp = DomainCommand<'ApproveTopUp', { readonly walletId: string; readonly requestId: string }>;

/** An admin rejects a pending top-up request; `reason` non-empty. */
export type RejectTopUp = DomainCommand<'RejectTopUp', { readonly walletId: string; readonly requestId: string; readonly reason: string }>;

/**
 * Grants a bonus lot: `amount` spendable until `expiresAt` (ISO 8601, exclusive), for `reason`
 * (e.g. `campaign`, `cashback`) and `reference`. Bonus cannot be withdrawn or transferred.
 * `at`, when given, must be before `expiresAt`. Idempotent per `lotId`: the same grant again is
 * a no-op (whatever `at`, even after the lot was spent or expired), the same id with another
 * amount, expiry, reason (compared trimmed) or reference is refused (`bonus-lot-exists`).
 */
export type GrantBonus = DomainCommand<
  'GrantBonus',
  {
    readonly walletId: string;
    readonly lotId: string;
    readonly amount: Money;
    readonly expiresAt: string;
    readonly reason: string;
    readonly reference: string;
    readonly at?: string;
  }
>;

/** Drops every bonus lot whose expiry is at or before `now` (ISO 8601), issued by a scheduler. */
export type ExpireBonus = DomainCommand<'ExpireBonus', { readonly walletId: string; readonly now: string }>;

/**
 * A customer asks to withdraw `amount` of the main balance to `destination` (an IBAN); the amount
 * is held until decided. Idempotent per `requestId`: the same request again is a no-op, the same
 * id with another amount or destination (compared trimmed) is refused (`request-exists`).
 */
export type RequestWithdrawal = DomainCommand<
  'RequestWithdrawal',
  { readonly walletId: string; readonly requestId: string; readonly amount: Money; readonly destination: string }
>;

/** An admin approves a withdrawal: the held amount is paid out (leaves the wallet). */
export type ApproveWithdrawal = DomainCommand<'ApproveWithdrawal', { readonly walletId: string; readonly requestId: string }>;

/** An admin rejects a withdrawal: the held amount is released back to the main balance. */
export type RejectWithdrawal = DomainCommand<'RejectWithdrawal', { readonly walletId: string; readonly requestId: string; readonly reason: string }>;

/** Sending side of a transfer: takes `amount` of the main balance for `toWalletId`. Idempotent per `transferId`. */
export type SendTransfer = DomainCommand<
  'SendTransfer',
  { readonly walletId: string; readonly transferId: string; readonly toWalletId: string; readonly amount: Money }
>;

/**
 * Receiving side of a transfer: adds `amount` from `fromWalletId` to the main balance. Idempotent
 * per `transferId`; refused for good (`transfer-reversed`) once this wallet recorded a refusal of it.
 */
export type ReceiveTransfer = DomainCommand<
  'ReceiveTransfer',
  { readonly walletId: string; readonly transferId: string; readonly fromWalletId: string; readonly amount: Money }
>;

/**
 * Records on the receiving wallet that it will never receive transfer `transferId` from
 * `fromWalletId` (its `ReceiveTransfer` was refused; `reason` non-empty, e.g.
 * `transfer-refused:wallet-frozen`), so that the sender's side may be reversed without the
 * receiving side ever accepting it later. Accepted whatever the wallet's freeze or balance.
 * A no-op when this wallet already holds a record under that id: the refusal recorded before,
 * the transfer received (the receipt stands: read the state to see which), or another
 * transfer's id (which `ReceiveTransfer` refuses for good with `transfer-exists`).
 */
export type RefuseTransfer = DomainCommand<
  'RefuseTransfer',
  { readonly walletId: string; readonly transferId: string; readonly fromWalletId: string; readonly amount: Money; readonly reason: string }
>;

/**
 * Undoes a sent transfer whose receiving side was refused: the amount returns to the sender.
 * Idempotent. Send it only once the receiving wallet can no longer receive the transfer
 * (`RefuseTransfer` recorded): the decider cannot see the other wallet.
 */
export type ReverseTransfer = DomainCommand<'ReverseTransfer', { readonly walletId: string; readonly transferId: string; readonly reason: string }>;

/** Freezes the wallet (see `decideWallet` for what a frozen wallet refuses); `reason` non-empty. */
export type FreezeWallet = DomainCommand<'FreezeWallet', { readonly walletId: string; readonly reason: string }>;

/** Lifts a freeze. */
export type UnfreezeWallet = DomainCommand<'UnfreezeWallet', { readonly walletId: string }>;

/** Every command the wallet decider accepts. */
export type WalletCommand =
  | OpenWallet
  | CreditWallet
  | DebitWalletForOrder
  | RefundToWallet
  | RequestTopUp
  | ApproveTopUp
  | RejectTopUp
  | GrantBonus
  | ExpireBonus
  | RequestWithdrawal
  | ApproveWithdrawal
  | RejectWithdrawal
  | SendTransfer
  | ReceiveTransfer
  | RefuseTransfer
  | ReverseTransfer
  | FreezeWallet
  | UnfreezeWallet;
