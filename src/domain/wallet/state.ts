import { instantOf } from '../shared/index.js';
import type { TopUpMethod, WalletCreditReason } from './commands.js';
import type { BonusLotAmount, WalletCredited, WalletEvent } from './events.js';

/** A bonus lot still holding `remaining` minor units, spendable until `expiresAt` (ISO 8601, exclusive). */
export interface BonusLot {
  readonly lotId: string;
  readonly remaining: number;
  readonly expiresAt: string;
}

/** What an order has paid from this wallet, net of refunds: the main part and each bonus lot's part. */
export interface WalletOrderPayment {
  readonly main: number;
  readonly bonus: readonly { readonly lotId: string; readonly amount: number; readonly expiresAt: string }[];
}

/** A top-up request as asked (`amount` in minor units, `method`, `reference`) and where it is. */
export interface TopUpRequest {
  readonly amount: number;
  readonly method: TopUpMethod;
  readonly reference: string;
  readonly status: 'pending' | 'approved' | 'rejected';
}

/** A withdrawal request as asked (`amount` in minor units, `destination` trimmed) and where it is (`pending`: its amount is held). */
export interface WithdrawalRequest {
  readonly amount: number;
  readonly destination: string;
  readonly status: 'pending' | 'paid-out' | 'rejected';
}

/** A bonus lot as granted (kept after the lot is spent or expired, for idempotency per lot id). */
export interface BonusGrant {
  readonly amount: number;
  readonly expiresAt: string;
  readonly reason: string;
  readonly reference: string;
}

/** A credit as applied under its `creditId` (`amount` in minor units), for idempotency per credit id. */
export interface CreditRecord {
  readonly amount: number;
  readonly reason: WalletCreditReason;
  readonly reference: string;
}

/**
 * One transfer as this wallet saw it: `sent` from here (`reversed` once its amount came back),
 * `received` here, or `refused` here (never to be received). `counterparty`: the other wallet;
 * `amount` in minor units; `reason`: why it was refused (`refused`) or reversed (`sent`, reversed).
 */
export interface TransferRecord {
  readonly direction: 'sent' | 'received' | 'refused';
  readonly amount: number;
  readonly counterparty: string;
  readonly reversed: boolean;
  readonly reason?: string;
}

/**
 * A customer wallet; every figure in minor units of `currency`, none ever negative:
 * - `balance`: the main balance available to spend, withdraw or transfer (held amounts excluded);
 * - `bonusLots`: unexpired-or-not-yet-swept bonus lots with something left, in spending order
 *   (soonest expiry first, then grant order);
 * - `held`: Σ of pending withdrawals;
 * - `paidByOrder`: orderId → minor units paid for it from this wallet net of refunds (main + bonus);
 * - `orderPayments`: the same split by main balance and bonus lot, for refunds;
 * - `bonusGrants`: lotId → the lot as granted (also once spent or expired);
 * - `credits`: creditId → the credit as applied (credits written without an id are not kept);
 * - `topUps`, `withdrawals`: requestId → the request; `transfers`: transferId → this wallet's side;
 * - `applied`: ids of idempotent movements already applied (`payment:<id>`, `refund:<orderId>:<refundId>`, `lot:<id>`).
 * Before it is opened, ids and currency are empty strings and every figure is 0.
 */
export interface WalletState {
  readonly status: 'none' | 'open';
  readonly walletId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly balance: number;
  readonly bonusLots: readonly BonusLot[];
  readonly bonusGrants: Readonly<Record<string, BonusGrant>>;
  readonly held: number;
  readonly frozen: boolean;
  readonly paidByOrder: Readonly<Record<string, number>>;
  readonly orderPayments: Readonly<Record<string, WalletOrderPayment>>;
  readonly credits: Readonly<Record<string, CreditRecord>>;
  readonly topUps: Readonly<Record<string, TopUpRequest>>;
  readonly withdrawals: Readonly<Record<string, WithdrawalRequest>>;
  readonly transfers: Readonly<Record<string, TransferRecord>>;
  readonly applied: Readonly<Record<string, true>>;
}

/** The state of a wallet stream with no events. */
export const initialWalletState: WalletState = {
  status: 'none',
  walletId: '',
  customerId: '',
  currency: '',
  balance: 0,
  bonusLots: [],
  bonusGrants: {},
  held: 0,
  frozen: false,
  paidByOrder: {},
  orderPayments: {},
  credits: {},
  topUps: {},
  withdrawals: {},
  transfers: {},
  applied: {},
};

/** `record[key]` for own keys only (ids such as "hasOwnProperty" or "__proto__" are data, not prototype members). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Minor units `orderId` still has paid from this wallet (0 when none; own keys only). */
export function paidForOrder(state: WalletState, orderId: string): number {
  return own(state.paidByOrder, orderId) ?? 0;
}

/** Σ of the bonus lots' remaining amounts (whether or not past expiry: a sweep drops those). */
export function bonusBalanceOf(state: WalletState): number {
  return state.bonusLots.reduce((s, lot) => s + lot.remaining, 0);
}

/** The spendable balance: main balance + bonus balance (what `balance` in events reports). */
export function spendableBalance(state: WalletState): number {
  return state.balance + bonusBalanceOf(state);
}

/** Bonus lots whose expiry is at or before `now` (ISO 8601), in spending order. */
export function expiredLots(state: WalletState, now: string): readonly BonusLot[] {
  const at = instantOf(now);
  if (at === undefined) return [];
  return state.bonusLots.filter((lot) => (instantOf(lot.expiresAt) ?? Number.NEGATIVE_INFINITY) <= at);
}

/** Orders lots by expiry, then by the order they were granted in (stable sort keeps it). */
function sortLots(lots: readonly BonusLot[]): BonusLot[] {
  return [...lots].sort((a, b) => (instantOf(a.expiresAt) ?? 0) - (instantOf(b.expiresAt) ?? 0));
}

function withLotDelta(lots: readonly BonusLot[], parts: readonly BonusLotAmount[], sign: 1 | -1): BonusLot[] {
  let next = [...lots];
  for (const part of parts) {
    const existing = next.find((l) => l.lotId === part.lotId);
    if (existing) {
      next = next.map((l) => (l.lotId === part.lotId ? { ...l, remaining: l.remaining + sign * part.amount.minor } : l));
    } else if (sign > 0) {
      next.push({ lotId: part.lotId, remaining: part.amount.minor, expiresAt: part.expiresAt });
    }
  }
  return sortLots(next.filter((l) => l.remaining > 0));
}

function withWithdrawalStatus(
  state: WalletState,
  requestId: string,
  amount: number,
  status: WithdrawalRequest['status'],
): Readonly<Record<string, WithdrawalRequest>> {
  const request = own(state.withdrawals, requestId);
  return { ...state.withdrawals, [requestId]: { amount, destination: request?.destination ?? '', status } };
}

function orderPaymentOf(state: WalletState, orderId: string): WalletOrderPayment {
  return own(state.orderPayments, orderId) ?? { main: 0, bonus: [] };
}

function mergeBonusParts(
  current: WalletOrderPayment['bonus'],
  parts: readonly BonusLotAmount[],
  sign: 1 | -1,
): WalletOrderPayment['bonus'] {
  let next = [...current];
  for (const part of parts) {
    const found = next.find((b) => b.lotId === part.lotId);
    next = found
      ? next.map((b) => (b.lotId === part.lotId ? { ...b, amount: b.amount + sign * part.amount.minor } : b))
      : [...next, { lotId: part.lotId, amount: sign * part.amount.minor, expiresAt: part.expiresAt }];
  }
  return next.filter((b) => b.amount > 0);
}

function mark(state: WalletState, key: string | undefined): Readonly<Record<string, true>> {
  return key === undefined ? state.applied : { ...state.applied, [key]: true };
}

/**
 * The id of the pending top-up request a credit settles, if any. `requestId` a string: that
 * request (an approval). `requestId` null: none (a manual credit). `requestId` absent (every
 * credit but approvals and manual top-up credits naming a pending request, and all credits
 * written before the field existed): as it was always read, reason `top-up` with the reference
 * of a pending request settles it. See `WalletCredited` for why this keeps old logs replaying
 * to the same state while a manual credit written today never settles a request.
 */
function settledTopUp(state: WalletState, data: WalletCredited['data']): string | undefined {
  const requestId = data.requestId === undefined ? (data.reason === 'top-up' ? data.reference : null) : data.requestId;
  if (requestId === null) return undefined;
  return own(state.topUps, requestId)?.status === 'pending' ? requestId : undefined;
}

/**
 * The wallet state after one event. Figures move by each event's amounts (the balance
 * figures inside events are for projections). Events written before bonus lots existed
 * (no `fromMain`/`toMain`) moved the main balance only. Total: never throws.
 */
export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'WalletOpened': {
      const { walletId, customerId, currency } = event.data;
      return { ...initialWalletState, status: 'open', walletId, customerId, currency };
    }
    case 'WalletCredited': {
      const { amount, reason, reference, creditId } = event.data;
      const settled = settledTopUp(state, event.data);
      const request = settled === undefined ? undefined : own(state.topUps, settled);
      return {
        ...state,
        balance: state.balance + amount.minor,
        credits: creditId === undefined ? state.credits : { ...state.credits, [creditId]: { amount: amount.minor, reason, reference } },
        // The request keeps the credited amount, as it always did (same state for old logs).
        topUps: settled === undefined || !request ? state.topUps : { ...state.topUps, [settled]: { ...request, amount: event.data.amount.minor, status: 'approved' } },
      };
    }
    case 'WalletDebited': {
      const { orderId, amount } = event.data;
      const fromBonus = event.data.fromBonus ?? [];
      const fromMain = event.data.fromMain?.minor ?? amount.minor;
      const paid = orderPaymentOf(state, orderId);
      return {
        ...state,
        balance: state.balance - fromMain,
        bonusLots: withLotDelta(state.bonusLots, fromBonus, -1),
        paidByOrder: { ...state.paidByOrder, [orderId]: paidForOrder(state, orderId) + amount.minor },
        orderPayments: { ...state.orderPayments, [orderId]: { main: paid.main + fromMain, bonus: mergeBonusParts(paid.bonus, fromBonus, 1) } },
        applied: mark(state, event.data.paymentId === undefined ? undefined : `payment:${event.data.paymentId}`),
      };
    }
    case 'WalletRefunded': {
      const { orderId, amount } = event.data;
      const toBonus = event.data.toBonus ?? [];
      const toMain = event.data.toMain?.minor ?? amount.minor;
      const paid = orderPaymentOf(state, orderId);
      return {
        ...state,
        balance: state.balance + toMain,
        bonusLots: withLotDelta(state.bonusLots, toBonus, 1),
        paidByOrder: { ...state.paidByOrder, [orderId]: paidForOrder(state, orderId) - amount.minor },
        orderPayments: {
          ...state.orderPayments,
          [orderId]: { main: Math.max(0, paid.main - toMain), bonus: mergeBonusParts(paid.bonus, toBonus, -1) },
        },
        applied: mark(state, event.data.refundId === undefined ? undefined : `refund:${event.data.orderId}:${event.data.refundId}`),
      };
    }
    case 'WalletTopUpRequested': {
      const { requestId, amount, method, reference } = event.data;
      return { ...state, topUps: { ...state.topUps, [requestId]: { amount: amount.minor, method, reference, status: 'pending' } } };
    }
    case 'WalletTopUpRejected': {
      const request = own(state.topUps, event.data.requestId);
      const rejected: TopUpRequest = request
        ? { ...request, amount: event.data.amount.minor, status: 'rejected' }
        : { amount: event.data.amount.minor, method: 'card', reference: '', status: 'rejected' };
      return { ...state, topUps: { ...state.topUps, [event.data.requestId]: rejected } };
    }
    case 'WalletBonusGranted': {
      const { lotId, amount, expiresAt, reason, reference } = event.data;
      return {
        ...state,
        bonusLots: sortLots([...state.bonusLots, { lotId, remaining: amount.minor, expiresAt }]),
        bonusGrants: { ...state.bonusGrants, [lotId]: { amount: amount.minor, expiresAt, reason, reference } },
        applied: mark(state, `lot:${lotId}`),
      };
    }
    case 'WalletBonusExpired':
      return { ...state, bonusLots: state.bonusLots.filter((l) => l.lotId !== event.data.lotId) };
    case 'WalletWithdrawalRequested':
      return {
        ...state,
        balance: state.balance - event.data.amount.minor,
        held: state.held + event.data.amount.minor,
        withdrawals: {
          ...state.withdrawals,
          [event.data.requestId]: { amount: event.data.amount.minor, destination: event.data.destination, status: 'pending' },
        },
      };
    case 'WalletWithdrawalPaidOut':
      return {
        ...state,
        held: state.held - event.data.amount.minor,
        withdrawals: withWithdrawalStatus(state, event.data.requestId, event.data.amount.minor, 'paid-out'),
      };
    case 'WalletWithdrawalRejected':
      return {
        ...state,
        balance: state.balance + event.data.amount.minor,
        held: state.held - event.data.amount.minor,
        withdrawals: withWithdrawalStatus(state, event.data.requestId, event.data.amount.minor, 'rejected'),
      };
    case 'WalletTransferSent':
      return {
        ...state,
        balance: state.balance - event.data.amount.minor,
        transfers: {
          ...state.transfers,
          [event.data.transferId]: { direction: 'sent', amount: event.data.amount.minor, counterparty: event.data.toWalletId, reversed: false },
        },
      };
    case 'WalletTransferReceived':
      return {
        ...state,
        balance: state.balance + event.data.amount.minor,
        transfers: {
          ...state.transfers,
          [event.data.transferId]: { direction: 'received', amount: event.data.amount.minor, counterparty: event.data.fromWalletId, reversed: false },
        },
      };
    case 'WalletTransferRefused':
      return {
        ...state,
        transfers: {
          ...state.transfers,
          [event.data.transferId]: {
            direction: 'refused',
            amount: event.data.amount.minor,
            counterparty: event.data.fromWalletId,
            reversed: false,
            reason: event.data.reason,
          },
        },
      };
    case 'WalletTransferReversed': {
      const sent = own(state.transfers, event.data.transferId);
      return {
        ...state,
        balance: state.balance + event.data.amount.minor,
        transfers: sent ? { ...state.transfers, [event.data.transferId]: { ...sent, reversed: true, reason: event.data.reason } } : state.transfers,
      };
    }
    case 'WalletFrozen':
      return { ...state, frozen: true };
    case 'WalletUnfrozen':
      return { ...state, frozen: false };
  }
}
