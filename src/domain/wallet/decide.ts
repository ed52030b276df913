import { instantOf, isInstant, money, type Money } from '../shared/index.js';
import type {
  ApproveTopUp,
  ApproveWithdrawal,
  CreditWallet,
  DebitWalletForOrder,
  ExpireBonus,
  FreezeWallet,
  GrantBonus,
  OpenWallet,
  ReceiveTransfer,
  RefundToWallet,
  RefuseTransfer,
  RejectTopUp,
  RejectWithdrawal,
  RequestTopUp,
  RequestWithdrawal,
  ReverseTransfer,
  SendTransfer,
  UnfreezeWallet,
  WalletCommand,
} from './commands.js';
import {
  amountOutOfRange,
  bonusAlreadyExpired,
  bonusLotExists,
  creditExists,
  currencyMismatch,
  insufficientFunds,
  invalidAmount,
  invalidCurrency,
  invalidDestination,
  invalidReason,
  invalidTime,
  invalidTransfer,
  refundExceedsPayment,
  requestExists,
  requestNotFound,
  requestNotPending,
  transferExists,
  transferNotFound,
  transferReversed,
  walletAlreadyOpened,
  walletFrozen,
  walletNotFound,
} from './errors.js';
import type { BonusLotAmount, WalletEvent } from './events.js';
import {
  bonusBalanceOf,
  evolveWallet,
  expiredLots,
  own,
  paidForOrder,
  spendableBalance,
  type WalletState,
} from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events a wallet command causes in `state`. Payload checks (422) run first, then
 * whether the wallet is open (409), then currency, freeze and balance rules.
 *
 * Rules (each has a given/when/then test in tests/domain/wallet*.test.ts):
 * - No figure ever goes negative: main balance, each bonus lot, held amounts.
 * - Payments take bonus lots first, soonest-expiring first (ties: grant order), then the
 *   main balance; lots at or past their expiry (`at`) are dropped first (`WalletBonusExpired`).
 * - Refunds go back to the main balance first (up to the main part the order paid), then to
 *   the bonus lots the order used, keeping their expiry; never more than the order's net payment.
 * - Top-ups are requested, then approved (credited, reason `top-up`, `requestId` set) or rejected
 *   by an admin; a manual credit never settles a request, whatever its reason and reference.
 * - Withdrawals hold the amount (main balance only; bonus cannot be withdrawn) until approved
 *   (paid out) or rejected (released).
 * - Transfers move main balance only; each side is idempotent per transfer id. A receiving side
 *   that refused records it (`WalletTransferRefused`) and then refuses that transfer for good;
 *   the sent side is then reversed (see application `transferBetweenWallets` and the
 *   wallet-transfer process manager). A reversed transfer id is refused (`transfer-reversed`).
 * - A frozen wallet refuses credits, payments, top-up requests and approvals, withdrawal
 *   requests and payouts, bonus grants and both transfer sides; it still accepts refunds,
 *   rejections (which release holds), transfer reversals and bonus expiry: money coming back.
 * - Movements carrying an id (`creditId`, `paymentId`, `refundId`, `requestId`, `transferId`,
 *   `lotId`) are idempotent: repeating them is a no-op. Credits, requests, lots and transfers
 *   compare their whole content: the same id with other content is refused (`credit-exists`,
 *   `request-exists`, `bonus-lot-exists`, `transfer-exists`). A credit or lot repeated as it
 *   was is a no-op even on a wallet frozen since.
 * @throws DomainError `invalid-currency`, `invalid-amount`, `currency-mismatch`, `amount-out-of-range`,
 *   `invalid-reason`, `invalid-time`, `bonus-already-expired`, `invalid-destination`, `invalid-transfer` (422);
 *   `wallet-already-opened`, `wallet-not-found`, `wallet-frozen`, `insufficient-funds`, `refund-exceeds-payment`,
 *   `bonus-lot-exists`, `credit-exists`, `request-exists`, `request-not-found`, `request-not-pending`, `transfer-exists`,
 *   `transfer-not-found`, `transfer-reversed` (409)
 */
export function decideWallet(command: WalletCommand, state: WalletState): readonly WalletEvent[] {
  switch (command.type) {
    case 'OpenWallet':
      return open(command, state);
    case 'CreditWallet':
      return credit(command, state);
    case 'DebitWalletForOrder':
      return debit(command, state);
    case 'RefundToWallet':
      return refund(command, state);
    case 'RequestTopUp':
      return requestTopUp(command, state);
    case 'ApproveTopUp':
      return approveTopUp(command, state);
    case 'RejectTopUp':
      return rejectTopUp(command, state);
    case 'GrantBonus':
      return grantBonus(command, state);
    case 'ExpireBonus':
      return expireBonus(command, state);
    case 'RequestWithdrawal':
      return requestWithdrawal(command, state);
    case 'ApproveWithdrawal':
      return approveWithdrawal(command, state);
    case 'RejectWithdrawal':
      return rejectWithdrawal(command, state);
    case 'SendTransfer':
      return sendTransfer(command, state);
    case 'ReceiveTransfer':
      return receiveTransfer(command, state);
    case 'RefuseTransfer':
      return refuseTransfer(command, state);
    case 'ReverseTransfer':
      return reverseTransfer(command, state);
    case 'FreezeWallet':
      return freeze(command, state);
    case 'UnfreezeWallet':
      return unfreeze(command, state);
  }
}

function open({ data }: OpenWallet, state: WalletState): readonly WalletEvent[] {
  if (!CURRENCY.test(data.currency)) throw invalidCurrency(data.currency);
  if (state.status !== 'none') throw walletAlreadyOpened(data.walletId);
  const { walletId, customerId, currency } = data;
  return [{ type: 'WalletOpened', data: { walletId, customerId, currency } }];
}

function credit({ data }: CreditWallet, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  const earlier = data.creditId === undefined ? undefined : own(state.credits, data.creditId);
  if (earlier && data.creditId !== undefined) {
    // The same credit again is a no-op, even on a wallet frozen since.
    if (earlier.amount === data.amount.minor && earlier.reason === data.reason && earlier.reference === data.reference) return [];
    throw creditExists(data.creditId);
  }
  if (state.frozen) throw walletFrozen(data.walletId);
  const balance = checkedBalance(state, data.amount.minor);
  const { walletId, amount, reason, reference } = data;
  // A manual credit shaped like an old approval (reason top-up, reference of a pending request)
  // says explicitly that it settles no request; see `WalletCredited`.
  const namesPendingRequest = reason === 'top-up' && own(state.topUps, reference)?.status === 'pending';
  return [
    {
      type: 'WalletCredited',
      data: {
        walletId,
        amount,
        reason,
        reference,
        balance,
        ...(data.creditId === undefined ? {} : { creditId: data.creditId }),
        ...(namesPendingRequest ? { requestId: null } : {}),
      },
    },
  ];
}

function debit({ data }: DebitWalletForOrder, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  if (data.at !== undefined && !isInstant(data.at)) throw invalidTime('at', data.at);
  if (state.frozen) throw walletFrozen(data.walletId);
  if (data.paymentId !== undefined && own(state.applied, `payment:${data.paymentId}`)) return [];
  const expired = data.at === undefined ? [] : expirySweep(state, data.at);
  const swept = expired.reduce(evolveWallet, state);
  const lots = data.at === undefined ? [] : swept.bonusLots;
  const usable = swept.balance + lots.reduce((s, l) => s + l.remaining, 0);
  if (data.amount.minor > usable) throw insufficientFunds(data.walletId, money(usable, state.currency), data.amount);
  let left = data.amount.minor;
  const fromBonus: BonusLotAmount[] = [];
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    fromBonus.push({ lotId: lot.lotId, amount: money(take, state.currency), expiresAt: lot.expiresAt });
    left -= take;
  }
  const { walletId, orderId, amount } = data;
  const debited: WalletEvent = {
    type: 'WalletDebited',
    data: {
      walletId,
      orderId,
      amount,
      balance: money(0, state.currency),
      fromMain: money(left, state.currency),
      fromBonus,
      bonusBalance: money(0, state.currency),
      ...(data.paymentId === undefined ? {} : { paymentId: data.paymentId }),
    },
  };
  const after = evolveWallet(swept, debited);
  return [...expired, withFigures(debited, after)];
}

function refund({ data }: RefundToWallet, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  if (data.reason !== undefined && data.reason.trim() === '') throw invalidReason('reason');
  // Per order: refund ids are the order's (`r1`, `return:<returnId>`), and another order may use the same.
  if (data.refundId !== undefined && own(state.applied, `refund:${data.orderId}:${data.refundId}`)) return [];
  const paid = paidForOrder(state, data.orderId);
  if (data.amount.minor > paid) throw refundExceedsPayment(data.orderId, money(paid, state.currency), data.amount);
  checkedBalance(state, data.amount.minor);
  const payment = own(state.orderPayments, data.orderId) ?? { main: paid, bonus: [] };
  const toMain = Math.min(data.amount.minor, payment.main);
  let left = data.amount.minor - toMain;
  const toBonus: BonusLotAmount[] = [];
  for (const part of [...payment.bonus].reverse()) {
    if (left === 0) break;
    const give = Math.min(part.amount, left);
    toBonus.push({ lotId: part.lotId, amount: money(give, state.currency), expiresAt: part.expiresAt });
    left -= give;
  }
  // Legacy payments without a split: whatever is left goes to the main balance.
  const { walletId, orderId, amount } = data;
  const refunded: WalletEvent = {
    type: 'WalletRefunded',
    data: {
      walletId,
      orderId,
      amount,
      balance: money(0, state.currency),
      toMain: money(toMain + left, state.currency),
      toBonus,
      bonusBalance: money(0, state.currency),
      reason: data.reason?.trim() ?? 'order-refund',
      ...(data.refundId === undefined ? {} : { refundId: data.refundId }),
    },
  };
  return [withFigures(refunded, evolveWallet(state, refunded))];
}

function requestTopUp({ data }: RequestTopUp, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  if (state.frozen) throw walletFrozen(data.walletId);
  const existing = own(state.topUps, data.requestId);
  if (existing) {
    if (existing.amount === data.amount.minor && existing.method === data.method && existing.reference === data.reference) return [];
    throw requestExists(data.requestId);
  }
  const { walletId, requestId, amount, method, reference } = data;
  return [{ type: 'WalletTopUpRequested', data: { walletId, requestId, amount, method, reference } }];
}

function approveTopUp({ data }: ApproveTopUp, state: WalletState): readonly WalletEvent[] {
  assertOpen(state, data.walletId);
  const request = own(state.topUps, data.requestId);
  if (!request) throw requestNotFound(data.requestId);
  if (request.status === 'approved') return [];
  if (request.status === 'rejected') throw requestNotPending(data.requestId, request.status);
  if (state.frozen) throw walletFrozen(data.walletId);
  const amount = money(request.amount, state.currency);
  const balance = checkedBalance(state, request.amount);
  return [
    { type: 'WalletCredited', data: { walletId: data.walletId, amount, reason: 'top-up', reference: data.requestId, balance, requestId: data.requestId } },
  ];
}

function rejectTopUp({ data }: RejectTopUp, state: WalletState): readonly WalletEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  assertOpen(state, data.walletId);
  const request = own(state.topUps, data.requestId);
  if (!request) throw requestNotFound(data.requestId);
  if (request.status === 'rejected') return [];
  if (request.status === 'approved') throw requestNotPending(data.requestId, request.status);
  const amount = money(request.amount, state.currency);
  return [{ type: 'WalletTopUpRejected', data: { walletId: data.walletId, requestId: data.requestId, amount, reason } }];
}

function grantBonus({ data }: GrantBonus, state: WalletState): readonly WalletEvent[] {
  if (!Number.isSafeInteger(data.amount.minor) || data.amount.minor <= 0 || !CURRENCY.test(data.amount.currency)) {
    throw invalidAmount(data.amount);
  }
  if (!isInstant(data.expiresAt)) throw invalidTime('expiresAt', data.expiresAt);
  if (data.at !== undefined && !isInstant(data.at)) throw invalidTime('at', data.at);
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  const earlier = own(state.bonusGrants, data.lotId);
  if (earlier) {
    // The same grant again is a no-op, even once the lot is spent or past its expiry.
    assertUsableAmount(data.amount, state, data.walletId);
    const same =
      earlier.amount === data.amount.minor &&
      instantOf(earlier.expiresAt) === instantOf(data.expiresAt) &&
      earlier.reason === reason &&
      earlier.reference === data.reference;
    if (same) return [];
    throw bonusLotExists(data.lotId);
  }
  if (data.at !== undefined && Date.parse(data.expiresAt) <= Date.parse(data.at)) throw bonusAlreadyExpired(data.lotId, data.expiresAt, data.at);
  assertUsableAmount(data.amount, state, data.walletId);
  if (state.frozen) throw walletFrozen(data.walletId);
  checkedBalance(state, data.amount.minor);
  const { walletId, lotId, amount, expiresAt, reference } = data;
  const granted: WalletEvent = {
    type: 'WalletBonusGranted',
    data: { walletId, lotId, amount, expiresAt, reason, reference, balance: amount, bonusBalance: amount },
  };
  return [withFigures(granted, evolveWallet(state, granted))];
}

function expireBonus({ data }: ExpireBonus, state: WalletState): readonly WalletEvent[] {
  if (!isInstant(data.now)) throw invalidTime('now', data.now);
  assertOpen(state, data.walletId);
  return expirySweep(state, data.now);
}

function requestWithdrawal({ data }: RequestWithdrawal, state: WalletState): readonly WalletEvent[] {
  if (data.destination.trim() === '') throw invalidDestination();
  assertUsableAmount(data.amount, state, data.walletId);
  if (state.frozen) throw walletFrozen(data.walletId);
  const existing = own(state.withdrawals, data.requestId);
  if (existing) {
    if (existing.amount === data.amount.minor && existing.destination === data.destination.trim()) return [];
    throw requestExists(data.requestId);
  }
  if (data.amount.minor > state.balance) throw insufficientFunds(data.walletId, money(state.balance, state.currency), data.amount);
  const { walletId, requestId, amount } = data;
  const requested: WalletEvent = {
    type: 'WalletWithdrawalRequested',
    data: { walletId, requestId, amount, destination: data.destination.trim(), balance: amount, held: amount },
  };
  return [withFigures(requested, evolveWallet(state, requested))];
}

function approveWithdrawal({ data }: ApproveWithdrawal, state: WalletState): readonly WalletEvent[] {
  assertOpen(state, data.walletId);
  const request = own(state.withdrawals, data.requestId);
  if (!request) throw requestNotFound(data.requestId);
  if (request.status === 'paid-out') return [];
  if (request.status === 'rejected') throw requestNotPending(data.requestId, request.status);
  if (state.frozen) throw walletFrozen(data.walletId);
  const amount = money(request.amount, state.currency);
  const held = money(state.held - request.amount, state.currency);
  return [{ type: 'WalletWithdrawalPaidOut', data: { walletId: data.walletId, requestId: data.requestId, amount, held } }];
}

function rejectWithdrawal({ data }: RejectWithdrawal, state: WalletState): readonly WalletEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  assertOpen(state, data.walletId);
  const request = own(state.withdrawals, data.requestId);
  if (!request) throw requestNotFound(data.requestId);
  if (request.status === 'rejected') return [];
  if (request.status === 'paid-out') throw requestNotPending(data.requestId, request.status);
  const amount = money(request.amount, state.currency);
  const rejected: WalletEvent = {
    type: 'WalletWithdrawalRejected',
    data: { walletId: data.walletId, requestId: data.requestId, amount, reason, balance: amount, held: amount },
  };
  return [withFigures(rejected, evolveWallet(state, rejected))];
}

function sendTransfer({ data }: SendTransfer, state: WalletState): readonly WalletEvent[] {
  if (data.toWalletId === data.walletId) throw invalidTransfer(data.walletId);
  assertUsableAmount(data.amount, state, data.walletId);
  if (state.frozen) throw walletFrozen(data.walletId);
  const existing = own(state.transfers, data.transferId);
  if (existing) {
    const same = existing.direction === 'sent' && existing.amount === data.amount.minor && existing.counterparty === data.toWalletId;
    if (!same) throw transferExists(data.transferId);
    // Sending it again would be a no-op here, but the receiving side could then accept it
    // and money would be created: a reversed id is spent.
    if (existing.reversed) throw transferReversed(data.transferId, existing.reason);
    return [];
  }
  if (data.amount.minor > state.balance) throw insufficientFunds(data.walletId, money(state.balance, state.currency), data.amount);
  const { walletId, transferId, toWalletId, amount } = data;
  const sent: WalletEvent = { type: 'WalletTransferSent', data: { walletId, transferId, toWalletId, amount, balance: amount } };
  return [withFigures(sent, evolveWallet(state, sent))];
}

function receiveTransfer({ data }: ReceiveTransfer, state: WalletState): readonly WalletEvent[] {
  if (data.fromWalletId === data.walletId) throw invalidTransfer(data.walletId);
  assertUsableAmount(data.amount, state, data.walletId);
  const existing = own(state.transfers, data.transferId);
  if (existing) {
    if (existing.direction === 'refused' && existing.counterparty === data.fromWalletId) throw transferReversed(data.transferId, existing.reason);
    if (existing.direction === 'received' && existing.amount === data.amount.minor && existing.counterparty === data.fromWalletId) return [];
    throw transferExists(data.transferId);
  }
  if (state.frozen) throw walletFrozen(data.walletId);
  const balance = checkedBalance(state, data.amount.minor);
  const { walletId, transferId, fromWalletId, amount } = data;
  return [{ type: 'WalletTransferReceived', data: { walletId, transferId, fromWalletId, amount, balance } }];
}

function refuseTransfer({ data }: RefuseTransfer, state: WalletState): readonly WalletEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  assertOpen(state, data.walletId);
  // Whatever holds this id here already decides: the refusal recorded before, the receipt
  // (it stands), or another transfer's id (`ReceiveTransfer` refuses this one for good).
  if (own(state.transfers, data.transferId)) return [];
  const { walletId, transferId, fromWalletId, amount } = data;
  return [{ type: 'WalletTransferRefused', data: { walletId, transferId, fromWalletId, amount, reason } }];
}

function reverseTransfer({ data }: ReverseTransfer, state: WalletState): readonly WalletEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  assertOpen(state, data.walletId);
  const sent = own(state.transfers, data.transferId);
  if (!sent || sent.direction !== 'sent') throw transferNotFound(data.transferId);
  if (sent.reversed) return [];
  const amount = money(sent.amount, state.currency);
  const balance = checkedBalance(state, sent.amount);
  return [
    { type: 'WalletTransferReversed', data: { walletId: data.walletId, transferId: data.transferId, toWalletId: sent.counterparty, amount, reason, balance } },
  ];
}

function freeze({ data }: FreezeWallet, state: WalletState): readonly WalletEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason('reason');
  assertOpen(state, data.walletId);
  if (state.frozen) return [];
  return [{ type: 'WalletFrozen', data: { walletId: data.walletId, reason } }];
}

function unfreeze({ data }: UnfreezeWallet, state: WalletState): readonly WalletEvent[] {
  assertOpen(state, data.walletId);
  if (!state.frozen) return [];
  return [{ type: 'WalletUnfrozen', data: { walletId: data.walletId } }];
}

/** `WalletBonusExpired` for each lot at or past its expiry at `now`, with the balances after each. */
function expirySweep(state: WalletState, now: string): WalletEvent[] {
  const events: WalletEvent[] = [];
  let current = state;
  for (const lot of expiredLots(state, now)) {
    const amount = money(lot.remaining, state.currency);
    const expired: WalletEvent = {
      type: 'WalletBonusExpired',
      data: { walletId: state.walletId, lotId: lot.lotId, amount, expiresAt: lot.expiresAt, balance: amount, bonusBalance: amount },
    };
    current = evolveWallet(current, expired);
    events.push(withFigures(expired, current));
  }
  return events;
}

/** The event with its `balance`, `bonusBalance` and `held` figures set from the state after it. */
function withFigures(event: WalletEvent, after: WalletState): WalletEvent {
  const figures: Record<string, Money> = { balance: money(spendableBalance(after), after.currency) };
  if ('bonusBalance' in event.data) figures.bonusBalance = money(bonusBalanceOf(after), after.currency);
  if ('held' in event.data) figures.held = money(after.held, after.currency);
  return { ...event, data: { ...event.data, ...figures } } as WalletEvent;
}

/** The spendable balance after adding `minor`. @throws amount-out-of-range beyond safe integers */
function checkedBalance(state: WalletState, minor: number): Money {
  const after = spendableBalance(state) + minor + state.held;
  if (!Number.isSafeInteger(after)) throw amountOutOfRange(money(spendableBalance(state), state.currency), money(minor, state.currency));
  return money(spendableBalance(state) + minor, state.currency);
}

/** The amount is well formed and positive, the wallet is open and holds the amount's currency. */
function assertUsableAmount(amount: Money, state: WalletState, walletId: string): void {
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0 || !CURRENCY.test(amount.currency)) {
    throw invalidAmount(amount);
  }
  assertOpen(state, walletId);
  if (amount.currency !== state.currency) throw currencyMismatch(state.currency, amount.currency);
}

function assertOpen(state: WalletState, walletId: string): void {
  if (state.status !== 'open') throw walletNotFound(walletId);
}
