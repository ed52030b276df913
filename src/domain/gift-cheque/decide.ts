import { isInstant } from '../shared/index.js';
import type { GiftChequeCommand, IssueGiftCheque, RedeemGiftCheque } from './commands.js';
import { alreadyExpired, chequeExists, chequeExpired, chequeNotFound, chequeRedeemed, invalidAmount, invalidTime } from './errors.js';
import type { GiftChequeEvent } from './events.js';
import type { GiftChequeState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events a gift cheque command causes in `state`.
 * Rules: a code is issued once; a cheque is redeemed once, whole, before its expiry
 * (`at` < `expiresAt`); redeeming again into the same wallet is a no-op (retry-safe).
 * @throws DomainError `invalid-amount`, `invalid-time`, `gift-cheque-already-expired` (422);
 *   `gift-cheque-exists`, `gift-cheque-not-found`, `gift-cheque-redeemed`, `gift-cheque-expired` (409)
 */
export function decideGiftCheque(command: GiftChequeCommand, state: GiftChequeState): readonly GiftChequeEvent[] {
  switch (command.type) {
    case 'IssueGiftCheque':
      return issue(command, state);
    case 'RedeemGiftCheque':
      return redeem(command, state);
  }
}

function issue({ data }: IssueGiftCheque, state: GiftChequeState): readonly GiftChequeEvent[] {
  const { amount } = data;
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0 || !CURRENCY.test(amount.currency)) throw invalidAmount(amount);
  if (!isInstant(data.expiresAt)) throw invalidTime('expiresAt', data.expiresAt);
  if (!isInstant(data.at)) throw invalidTime('at', data.at);
  if (Date.parse(data.expiresAt) <= Date.parse(data.at)) throw alreadyExpired(data.code, data.expiresAt);
  if (state.status !== 'none') throw chequeExists(data.code);
  const note = data.note?.trim();
  return [{ type: 'GiftChequeIssued', data: { code: data.code, amount, expiresAt: data.expiresAt, ...(note ? { note } : {}) } }];
}

function redeem({ data }: RedeemGiftCheque, state: GiftChequeState): readonly GiftChequeEvent[] {
  if (!isInstant(data.at)) throw invalidTime('at', data.at);
  if (state.status === 'none') throw chequeNotFound(data.code);
  if (state.status === 'redeemed') {
    if (state.redeemedBy === data.walletId) return [];
    throw chequeRedeemed(data.code);
  }
  if (Date.parse(data.at) >= Date.parse(state.expiresAt)) throw chequeExpired(data.code, state.expiresAt);
  return [{ type: 'GiftChequeRedeemed', data: { code: data.code, walletId: data.walletId, amount: state.amount } }];
}
