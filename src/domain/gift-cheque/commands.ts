import type { DomainCommand, Money } from '../shared/index.js';

/**
 * An admin issues gift cheque `code` worth `amount` (minor units > 0), redeemable until
 * `expiresAt` (ISO 8601, exclusive) — e.g. sold at a till or given as goodwill; the money
 * for it is settled outside the wallet. `at` (business time) must be before `expiresAt`.
 */
export type IssueGiftCheque = DomainCommand<
  'IssueGiftCheque',
  { readonly code: string; readonly amount: Money; readonly expiresAt: string; readonly at: string; readonly note?: string }
>;

/** A customer redeems cheque `code` into wallet `walletId` at `at` (ISO 8601); once only, before expiry. */
export type RedeemGiftCheque = DomainCommand<
  'RedeemGiftCheque',
  { readonly code: string; readonly walletId: string; readonly at: string }
>;

/** Every command the gift cheque decider accepts. */
export type GiftChequeCommand = IssueGiftCheque | RedeemGiftCheque;
