import { money, type Money } from '../shared/index.js';
import type { CreditWallet, DebitWalletForOrder, OpenWallet, RefundToWallet, WalletCommand } from './commands.js';
import {
  amountOutOfRange,
  currencyMismatch,
  insufficientFunds,
  invalidAmount,
  invalidCurrency,
  refundExceedsPayment,
  walletAlreadyOpened,
  walletNotFound,
} from './errors.js';
import type { WalletEvent } from './events.js';
import { paidForOrder, type WalletState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events a wallet command causes in `state`. Payload checks (422) run first, then
 * whether the wallet is open (409), then currency and balance rules.
 * @throws DomainError `invalid-currency`, `invalid-amount`, `currency-mismatch`, `amount-out-of-range` (422);
 *   `wallet-already-opened`, `wallet-not-found`, `insufficient-funds`, `refund-exceeds-payment` (409)
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
  const after = state.balance + data.amount.minor;
  if (!Number.isSafeInteger(after)) throw amountOutOfRange(balanceOf(state), data.amount);
  const { walletId, amount, reason, reference } = data;
  return [{ type: 'WalletCredited', data: { walletId, amount, reason, reference, balance: money(after, state.currency) } }];
}

function debit({ data }: DebitWalletForOrder, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  if (data.amount.minor > state.balance) throw insufficientFunds(data.walletId, balanceOf(state), data.amount);
  const { walletId, orderId, amount } = data;
  const balance = money(state.balance - amount.minor, state.currency);
  return [{ type: 'WalletDebited', data: { walletId, orderId, amount, balance } }];
}

function refund({ data }: RefundToWallet, state: WalletState): readonly WalletEvent[] {
  assertUsableAmount(data.amount, state, data.walletId);
  const paid = paidForOrder(state, data.orderId);
  if (data.amount.minor > paid) throw refundExceedsPayment(data.orderId, money(paid, state.currency), data.amount);
  const after = state.balance + data.amount.minor;
  if (!Number.isSafeInteger(after)) throw amountOutOfRange(balanceOf(state), data.amount);
  const { walletId, orderId, amount } = data;
  const balance = money(after, state.currency);
  return [{ type: 'WalletRefunded', data: { walletId, orderId, amount, balance } }];
}

/** The amount is well formed and positive, the wallet is open and holds the amount's currency. */
function assertUsableAmount(amount: Money, state: WalletState, walletId: string): void {
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0 || !CURRENCY.test(amount.currency)) {
    throw invalidAmount(amount);
  }
  if (state.status !== 'open') throw walletNotFound(walletId);
  if (amount.currency !== state.currency) throw currencyMismatch(state.currency, amount.currency);
}

function balanceOf(state: WalletState): Money {
  return money(state.balance, state.currency);
}
