import { giftChequeDecider, type GiftChequeEvent } from '../../domain/gift-cheque/index.js';
import { DomainError, type Money } from '../../domain/shared/index.js';
import { walletDecider, walletErrors, type TopUpMethod, type WalletCreditReason, type WalletEvent } from '../../domain/wallet/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { giftChequeStream, walletStream } from './streams.js';

/*
 * Wallet use cases. One wallet per customer: wallet id = customer id, stream
 * `wallet-<tenant>:<customerId>`. Amounts are Money in minor units of the wallet currency.
 */

/** Runs a wallet command on the customer's wallet. */
function onWallet(handler: CommandHandler, context: CommandContext, customerId: string, command: Parameters<typeof walletDecider.decide>[0]): Promise<CommandResult<WalletEvent>> {
  return handler.handle(walletDecider, walletStream(context.tenantId, customerId), command, context);
}

/**
 * Opens a customer's wallet (wallet id = customer id).
 * @throws DomainError `wallet-already-opened`
 */
export function openWallet(handler: CommandHandler, context: CommandContext, input: { customerId: string; currency: string }): Promise<CommandResult<WalletEvent>> {
  return onWallet(handler, context, input.customerId, {
    type: 'OpenWallet',
    data: { walletId: input.customerId, customerId: input.customerId, currency: input.currency },
  });
}

/**
 * Credits a wallet's main balance (top-up, voucher, gift, adjustment, gift cheque) with a reason and a reference.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `invalid-amount`, `currency-mismatch`
 */
export function creditWallet(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; amount: Money; reason: WalletCreditReason; reference: string; creditId?: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return onWallet(handler, context, customerId, { type: 'CreditWallet', data: { walletId: customerId, ...rest } });
}

/**
 * Pays (part of) an order from the wallet outside checkout: bonus lots first, at the command's
 * business time; idempotent per `paymentId` when given.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `insufficient-funds`, `invalid-amount`, `currency-mismatch`
 */
export function payFromWallet(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; orderId: string; amount: Money; paymentId?: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return onWallet(handler, context, customerId, { type: 'DebitWalletForOrder', data: { walletId: customerId, ...rest, at: context.occurredAt } });
}

/**
 * A customer asks to top up `amount` (paid by card or bank transfer outside the wallet); an admin decides.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `request-exists`, `invalid-amount`, `currency-mismatch`
 */
export function requestTopUp(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; requestId: string; amount: Money; method: TopUpMethod; reference: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return onWallet(handler, context, customerId, { type: 'RequestTopUp', data: { walletId: customerId, ...rest } });
}

/**
 * An admin approves (credits) or rejects a top-up request.
 * @throws DomainError `request-not-found`, `request-not-pending`, `wallet-frozen`, `invalid-reason`
 */
export function decideTopUp(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; requestId: string; approve: boolean; reason?: string },
): Promise<CommandResult<WalletEvent>> {
  const walletId = input.customerId;
  return onWallet(
    handler,
    context,
    walletId,
    input.approve
      ? { type: 'ApproveTopUp', data: { walletId, requestId: input.requestId } }
      : { type: 'RejectTopUp', data: { walletId, requestId: input.requestId, reason: input.reason ?? '' } },
  );
}

/**
 * Grants a bonus lot spendable until `expiresAt` (ISO 8601); bonus is spent before the main
 * balance, soonest-expiring first, and cannot be withdrawn or transferred.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `invalid-time`, `bonus-already-expired`, `bonus-lot-exists`
 */
export function grantBonus(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; lotId: string; amount: Money; expiresAt: string; reason: string; reference: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return onWallet(handler, context, customerId, { type: 'GrantBonus', data: { walletId: customerId, ...rest, at: context.occurredAt } });
}

/**
 * Drops the bonus lots expired at `now` (ISO 8601; a scheduler's time).
 * @throws DomainError `wallet-not-found`, `invalid-time`
 */
export function expireBonus(handler: CommandHandler, context: CommandContext, input: { customerId: string; now: string }): Promise<CommandResult<WalletEvent>> {
  return onWallet(handler, context, input.customerId, { type: 'ExpireBonus', data: { walletId: input.customerId, now: input.now } });
}

/**
 * A customer asks to withdraw `amount` of the main balance to `destination` (IBAN); it is held until decided.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `insufficient-funds`, `request-exists`, `invalid-destination`
 */
export function requestWithdrawal(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; requestId: string; amount: Money; destination: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return onWallet(handler, context, customerId, { type: 'RequestWithdrawal', data: { walletId: customerId, ...rest } });
}

/**
 * An admin approves (pays out) or rejects (releases) a withdrawal.
 * @throws DomainError `request-not-found`, `request-not-pending`, `wallet-frozen`, `invalid-reason`
 */
export function decideWithdrawal(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; requestId: string; approve: boolean; reason?: string },
): Promise<CommandResult<WalletEvent>> {
  const walletId = input.customerId;
  return onWallet(
    handler,
    context,
    walletId,
    input.approve
      ? { type: 'ApproveWithdrawal', data: { walletId, requestId: input.requestId } }
      : { type: 'RejectWithdrawal', data: { walletId, requestId: input.requestId, reason: input.reason ?? '' } },
  );
}

/**
 * Freezes or unfreezes a wallet.
 * @throws DomainError `wallet-not-found`, `invalid-reason`
 */
export function setWalletFrozen(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; frozen: boolean; reason?: string },
): Promise<CommandResult<WalletEvent>> {
  const walletId = input.customerId;
  return onWallet(handler, context, walletId, input.frozen ? { type: 'FreezeWallet', data: { walletId, reason: input.reason ?? '' } } : { type: 'UnfreezeWallet', data: { walletId } });
}

/**
 * Transfers `amount` of the main balance from one customer's wallet to another's, both sides
 * or neither: the receiving wallet is checked first (open, same currency, not frozen); then
 * the sending side (`WalletTransferSent`) and the receiving side (`WalletTransferReceived`)
 * are appended with command ids derived from this command's; if the receiving side refuses
 * after all, the sending side is reversed (`WalletTransferReversed`) and the refusal thrown.
 * Each side is idempotent per `transferId`, so re-running the same command after a crash
 * completes it instead of moving the money twice.
 * @throws DomainError `wallet-not-found` (either side), `wallet-frozen`, `currency-mismatch`,
 *   `insufficient-funds`, `invalid-transfer`, `transfer-exists`
 */
export async function transferBetweenWallets(
  handler: CommandHandler,
  context: CommandContext,
  input: { fromCustomerId: string; toCustomerId: string; transferId: string; amount: Money },
): Promise<CommandResult<WalletEvent>> {
  const { fromCustomerId: from, toCustomerId: to, transferId, amount } = input;
  if (from === to) throw walletErrors.invalidTransfer(from);
  const target = (await handler.load(walletDecider, walletStream(context.tenantId, to))).state;
  if (target.status !== 'open') throw walletErrors.walletNotFound(to);
  if (target.frozen) throw walletErrors.walletFrozen(to);
  if (target.currency !== amount.currency) throw walletErrors.currencyMismatch(target.currency, amount.currency);
  const sent = await handler.handle(
    walletDecider,
    walletStream(context.tenantId, from),
    { type: 'SendTransfer', data: { walletId: from, transferId, toWalletId: to, amount } },
    followUp(context, `${context.commandId}:send`),
  );
  try {
    const received = await handler.handle(
      walletDecider,
      walletStream(context.tenantId, to),
      { type: 'ReceiveTransfer', data: { walletId: to, transferId, fromWalletId: from, amount } },
      followUp(context, `${context.commandId}:receive`),
    );
    return { ...sent, position: latestPosition(sent.position, received.position) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await handler.handle(
      walletDecider,
      walletStream(context.tenantId, from),
      { type: 'ReverseTransfer', data: { walletId: from, transferId, reason: `transfer-refused:${error.code}` } },
      followUp(context, `${context.commandId}:reverse`),
    );
    throw error;
  }
}

/**
 * An admin issues gift cheque `code` worth `amount`, redeemable until `expiresAt`.
 * @throws DomainError `gift-cheque-exists`, `invalid-amount`, `invalid-time`, `gift-cheque-already-expired`
 */
export function issueGiftCheque(
  handler: CommandHandler,
  context: CommandContext,
  input: { code: string; amount: Money; expiresAt: string; note?: string },
): Promise<CommandResult<GiftChequeEvent>> {
  return handler.handle(giftChequeDecider, giftChequeStream(context.tenantId, input.code), { type: 'IssueGiftCheque', data: { ...input, at: context.occurredAt } }, context);
}

/**
 * A customer redeems gift cheque `code` into their wallet: the cheque is marked redeemed
 * (once, before expiry), then its amount is credited (reason `gift-cheque`, reference = code,
 * idempotent per cheque), so a retry after a crash between the two completes the credit once.
 * The wallet is checked first (open, not frozen, same currency).
 * @throws DomainError `gift-cheque-not-found`, `gift-cheque-redeemed`, `gift-cheque-expired`,
 *   `wallet-not-found`, `wallet-frozen`, `currency-mismatch`
 */
export async function redeemGiftCheque(
  handler: CommandHandler,
  context: CommandContext,
  input: { code: string; customerId: string },
): Promise<CommandResult<WalletEvent>> {
  const wallet = (await handler.load(walletDecider, walletStream(context.tenantId, input.customerId))).state;
  if (wallet.status !== 'open') throw walletErrors.walletNotFound(input.customerId);
  if (wallet.frozen) throw walletErrors.walletFrozen(input.customerId);
  const chequeStream = giftChequeStream(context.tenantId, input.code);
  const cheque = (await handler.load(giftChequeDecider, chequeStream)).state;
  if (cheque.status !== 'none' && cheque.amount.currency !== wallet.currency) throw walletErrors.currencyMismatch(wallet.currency, cheque.amount.currency);
  const redeemed = await handler.handle(
    giftChequeDecider,
    chequeStream,
    { type: 'RedeemGiftCheque', data: { code: input.code, walletId: input.customerId, at: context.occurredAt } },
    followUp(context, `${context.commandId}:redeem`),
  );
  const { state } = await handler.load(giftChequeDecider, chequeStream);
  if (state.status === 'none') throw new Error(`gift cheque ${input.code} vanished`);
  const credited = await creditWallet(handler, followUp(context, `${context.commandId}:credit`), {
    customerId: input.customerId,
    amount: state.amount,
    reason: 'gift-cheque',
    reference: input.code,
    creditId: `giftcheque:${input.code}`,
  });
  return { ...credited, position: latestPosition(redeemed.position, credited.position) };
}
