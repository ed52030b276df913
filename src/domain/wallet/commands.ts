import type { DomainCommand, Money } from '../shared/index.js';

/** Why money was put into a wallet. */
export type WalletCreditReason = 'top-up' | 'voucher' | 'gift' | 'adjustment';

/** Opens an empty wallet for `customerId` holding `currency` (ISO 4217). */
export type OpenWallet = DomainCommand<
  'OpenWallet',
  { readonly walletId: string; readonly customerId: string; readonly currency: string }
>;

/** Adds `amount` (minor units > 0, wallet currency) for `reason`; `reference` names the source (payment id, voucher code…). */
export type CreditWallet = DomainCommand<
  'CreditWallet',
  { readonly walletId: string; readonly amount: Money; readonly reason: WalletCreditReason; readonly reference: string }
>;

/** Takes `amount` (minor units > 0, at most the balance) to pay for `orderId`. */
export type DebitWalletForOrder = DomainCommand<
  'DebitWalletForOrder',
  { readonly walletId: string; readonly orderId: string; readonly amount: Money }
>;

/** Gives back `amount` (minor units > 0, at most what `orderId` still has paid from this wallet). */
export type RefundToWallet = DomainCommand<
  'RefundToWallet',
  { readonly walletId: string; readonly orderId: string; readonly amount: Money }
>;

/** Every command the wallet decider accepts. */
export type WalletCommand = OpenWallet | CreditWallet | DebitWalletForOrder | RefundToWallet;
