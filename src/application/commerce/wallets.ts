import { giftChequeDecider, type GiftChequeEvent } from '../../domain/gift-cheque/index.js';
import { DomainError, type Money } from '../../domain/shared/index.js';
import { own, walletDecider, walletErrors, type TopUpMethod, type WalletCreditReason, type WalletEvent, type WalletState } from '../../domain/wallet/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import { retryTransient, type TransientRetryOptions } from './retry-transient.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { originalResult } from './original-result.js';
import { settleSentTransfer, type TransferSettlement } from './sent-transfer.js';
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
 * Credits a wallet's main balance (top-up, voucher, gift, adjustment, gift cheque) with a reason and a reference
 * (`amount` in minor units of the wallet currency). With a `creditId` the credit is applied once: the same
 * credit again (same amount, reason and reference, under any command id) appends nothing and answers the
 * stream, revision and position of its original `WalletCredited`, never those of later events.
 * @throws DomainError `wallet-not-found`, `wallet-frozen`, `invalid-amount`, `currency-mismatch`,
 *   `amount-out-of-range` (422), `credit-exists` (409: that `creditId` was applied with other content)
 */
export async function creditWallet(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; amount: Money; reason: WalletCreditReason; reference: string; creditId?: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  const result = await onWallet(handler, context, customerId, { type: 'CreditWallet', data: { walletId: customerId, ...rest } });
  // A repeat: answer with the original credit, not the wallet's latest event.
  return input.creditId === undefined ? result : originalResult(handler, result, { type: 'WalletCredited', data: { creditId: input.creditId } });
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

/** One wallet-to-wallet transfer: `amount` (minor units, wallet currency) from `fromWalletId` to `toWalletId` in `tenantId`. */
export interface WalletTransfer {
  readonly tenantId: string;
  readonly fromWalletId: string;
  readonly toWalletId: string;
  readonly transferId: string;
  readonly amount: Money;
}

/** The steps that settle a sent transfer, each sent with its own command context (its own command id). */
export type TransferStep = 'receive' | 'refuse' | 'reverse';

/**
 * Settles the receiving side of a transfer the sending wallet has sent (`settleSentTransfer`:
 * `ReceiveTransfer` on the receiving wallet, or, refused there, `RefuseTransfer`; a wallet never
 * opened has nothing to record the refusal on), exactly once whoever runs it and however often.
 * @param contextOf the command context of each step (distinct command ids per step)
 * @throws DomainError `transfer-not-found` when the sending wallet sent no such transfer
 * @throws the last error of a step that kept failing with something else than a `DomainError`
 *   (store unreachable, concurrency conflicts past the retries): the transfer stays pending
 */
export function settleTransfer(
  handler: CommandHandler,
  transfer: WalletTransfer,
  contextOf: (step: TransferStep) => CommandContext,
  options: TransientRetryOptions = {},
): Promise<TransferSettlement<WalletEvent>> {
  const { tenantId, fromWalletId: from, toWalletId: to, transferId, amount } = transfer;
  const transferOf = (state: WalletState) => own(state.transfers, transferId);
  return settleSentTransfer(
    handler,
    {
      decider: walletDecider,
      source: walletStream(tenantId, from),
      destination: walletStream(tenantId, to),
      sentRecord: (state) => {
        const sent = transferOf(state);
        if (sent?.direction !== 'sent' || sent.counterparty !== to || sent.amount !== amount.minor) return undefined;
        return { reversed: sent.reversed === true, reason: sent.reason ?? '' };
      },
      notFound: () => walletErrors.transferNotFound(transferId),
      reversed: (reason) => walletErrors.transferReversed(transferId, reason),
      receive: { type: 'ReceiveTransfer' as const, data: { walletId: to, transferId, fromWalletId: from, amount } },
      refuse: (reason) => ({ type: 'RefuseTransfer' as const, data: { walletId: to, transferId, fromWalletId: from, amount, reason } }),
      received: (state) => {
        const record = transferOf(state);
        return record?.direction === 'received' && record.counterparty === from && record.amount === amount.minor;
      },
      refusalReason: (state) => {
        const record = transferOf(state);
        return record?.direction === 'refused' && record.counterparty === from ? record.reason : undefined;
      },
      // A wallet that was never opened holds nothing to refuse with (and wallets are never removed).
      refuseMayFail: (error) => error.code === 'wallet-not-found',
    },
    contextOf,
    options,
  );
}

/**
 * Reverses the sending side of a transfer `settleTransfer` found `refused`: `ReverseTransfer`
 * (idempotent) gives the amount back to the sending wallet with `reason`. Retried
 * `options.retries` times on errors other than `DomainError`.
 * @throws DomainError `transfer-not-found`, `amount-out-of-range` (the sender's balance would overflow)
 * @throws the last error of a reversal that kept failing otherwise (the process manager finishes it)
 */
export function reverseRefusedTransfer(
  handler: CommandHandler,
  transfer: WalletTransfer,
  reason: string,
  context: CommandContext,
  options: TransientRetryOptions = {},
): Promise<CommandResult<WalletEvent>> {
  const { tenantId, fromWalletId: from, transferId } = transfer;
  return retryTransient(
    () => handler.handle(walletDecider, walletStream(tenantId, from), { type: 'ReverseTransfer', data: { walletId: from, transferId, reason } }, context),
    options,
  );
}

/**
 * What `transferBetweenWallets` did: the sending side's result (stream, revision of its
 * `WalletTransferSent`, and the latest position either side wrote; for the same transfer
 * sent again, those of its original events, never of later ones), the transfer id, and `status`:
 * - `completed`: the receiving wallet holds the amount;
 * - `pending`: the sending wallet was debited but the receiving side could not be settled now
 *   (store errors or concurrency conflicts past the retries). The wallet-transfer process
 *   manager settles it: received, or refused and reversed to the sender, exactly once.
 *   Sending the same transfer again (same `transferId`, same figures) is safe: it answers
 *   `completed` once received, or `transfer-reversed` once reversed.
 */
export interface TransferResult extends CommandResult<WalletEvent> {
  readonly transferId: string;
  readonly status: 'completed' | 'pending';
}

/**
 * Transfers `amount` of the main balance from one customer's wallet to another's, both sides
 * or neither. The receiving wallet is checked first (open, same currency, not frozen), then
 * the sending side is appended (`WalletTransferSent`), then the receiving side is settled
 * (`settleTransfer`: received, or refused and recorded as such on the receiving wallet), each
 * step retried a few times (`options.retries`, default 3) on errors other than a rejection;
 * a refused transfer is reversed to the sender (`WalletTransferReversed`) and the refusal
 * thrown. Commands ids are derived from this command's (`<commandId>:send`, `:receive`,
 * `:refuse`, `:reverse`), and each side is idempotent per `transferId`, so running the same
 * command again, or the same transfer under another command id, completes it instead of
 * moving the money twice; a transfer id once reversed is refused for good (`transfer-reversed`).
 * When the receiving side cannot be settled now the result is `pending` (see `TransferResult`);
 * the wallet-transfer process manager completes it.
 * @throws DomainError `wallet-not-found` (either side), `wallet-frozen`, `currency-mismatch`,
 *   `insufficient-funds`, `invalid-transfer`, `transfer-exists`, `transfer-reversed` (409/422);
 *   or the receiving side's rejection (e.g. `wallet-frozen`, `amount-out-of-range`), after which
 *   the sending side is reversed
 * @throws the sending step's own errors other than rejections (nothing or the sending side only
 *   was written; in the latter case the process manager settles it)
 */
export async function transferBetweenWallets(
  handler: CommandHandler,
  context: CommandContext,
  input: { fromCustomerId: string; toCustomerId: string; transferId: string; amount: Money },
  options: TransientRetryOptions = {},
): Promise<TransferResult> {
  const { fromCustomerId: from, toCustomerId: to, transferId, amount } = input;
  if (from === to) throw walletErrors.invalidTransfer(from);
  const target = (await handler.load(walletDecider, walletStream(context.tenantId, to))).state;
  if (target.status !== 'open') throw walletErrors.walletNotFound(to);
  if (target.frozen) throw walletErrors.walletFrozen(to);
  if (target.currency !== amount.currency) throw walletErrors.currencyMismatch(target.currency, amount.currency);
  const sending = await handler.handle(
    walletDecider,
    walletStream(context.tenantId, from),
    { type: 'SendTransfer', data: { walletId: from, transferId, toWalletId: to, amount } },
    followUp(context, `${context.commandId}:send`),
  );
  // Sent before (the same transfer again): answer with the original sending, not the wallet's latest event.
  const sent = await originalResult(handler, sending, { type: 'WalletTransferSent', data: { transferId } });
  const transfer: WalletTransfer = { tenantId: context.tenantId, fromWalletId: from, toWalletId: to, transferId, amount };
  const step = (name: TransferStep) => followUp(context, `${context.commandId}:${name}`);
  let settled: TransferSettlement<WalletEvent>;
  try {
    settled = await settleTransfer(handler, transfer, step, options);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    return { ...sent, transferId, status: 'pending' };
  }
  if (settled.outcome === 'received') {
    const received = await originalResult(handler, settled.result, { type: 'WalletTransferReceived', data: { transferId } });
    return { ...sent, position: latestPosition(sent.position, received.position), transferId, status: 'completed' };
  }
  if (settled.outcome === 'refused') {
    try {
      await reverseRefusedTransfer(handler, transfer, settled.reason, step('reverse'), options);
    } catch (error) {
      // Refused for good: the process manager finishes the reversal; the answer is the refusal.
      if (error instanceof DomainError) throw error;
    }
  }
  throw settled.refusal;
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
