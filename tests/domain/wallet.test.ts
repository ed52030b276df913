import assert from 'node:assert/strict';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import {
  paidForOrder,
  walletDecider,
  walletEventTypes,
  type WalletCommand,
  type WalletCreditReason,
  type WalletEvent,
} from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';
import { describe, it } from 'node:test';
import { rejects } from './helpers.js';

const walletId = 'WAL-1';
const customerId = 'CUS-1';
const orderId = 'ORD-1';
const try_ = (minor: number): Money => money(minor, 'TRY');

const opened: WalletEvent = { type: 'WalletOpened', data: { walletId, customerId, currency: 'TRY' } };
const credited = (amount: number, balance: number, reason: WalletCreditReason = 'top-up'): WalletEvent => ({
  type: 'WalletCredited',
  data: { walletId, amount: try_(amount), reason, reference: 'PSP-1', balance: try_(balance) },
});
const debited = (amount: number, balance: number, order = orderId): WalletEvent => ({
  type: 'WalletDebited',
  data: { walletId, orderId: order, amount: try_(amount), balance: try_(balance), fromMain: try_(amount), fromBonus: [], bonusBalance: try_(0) },
});
const refunded = (amount: number, balance: number, order = orderId): WalletEvent => ({
  type: 'WalletRefunded',
  data: {
    walletId,
    orderId: order,
    amount: try_(amount),
    balance: try_(balance),
    toMain: try_(amount),
    toBonus: [],
    bonusBalance: try_(0),
    reason: 'order-refund',
  },
});

const open = (currency = 'TRY'): WalletCommand => ({ type: 'OpenWallet', data: { walletId, customerId, currency } });
const credit = (amount: Money, reason: WalletCreditReason = 'top-up'): WalletCommand => ({
  type: 'CreditWallet',
  data: { walletId, amount, reason, reference: 'PSP-1' },
});
const debit = (amount: Money, order = orderId): WalletCommand => ({
  type: 'DebitWalletForOrder',
  data: { walletId, orderId: order, amount },
});
const refund = (amount: Money, order = orderId): WalletCommand => ({
  type: 'RefundToWallet',
  data: { walletId, orderId: order, amount },
});

describe('wallet: OpenWallet', () => {
  it('opens a wallet', () => {
    spec(walletDecider).given([]).when(open()).then([opened]);
  });

  it('rejects opening twice', () => {
    rejects(walletDecider, [opened], open(), 'wallet-already-opened', 'conflict', { walletId });
  });

  it('rejects a malformed currency', () => {
    rejects(walletDecider, [], open('TL'), 'invalid-currency', 'unprocessable', { currency: 'TL' });
  });
});

describe('wallet: CreditWallet', () => {
  it('credits and reports the new balance', () => {
    spec(walletDecider).given([opened]).when(credit(try_(5_000))).then([credited(5_000, 5_000)]);
  });

  it('adds to the existing balance, keeping the reason', () => {
    spec(walletDecider)
      .given([opened, credited(5_000, 5_000), debited(2_000, 3_000)])
      .when(credit(try_(1_000), 'voucher'))
      .then([credited(1_000, 4_000, 'voucher')]);
  });

  it('rejects a wallet that was never opened', () => {
    rejects(walletDecider, [], credit(try_(100)), 'wallet-not-found', 'conflict', { walletId });
  });

  for (const amount of [try_(0), try_(-100), { minor: 1.25, currency: 'TRY' }]) {
    it(`rejects amount ${JSON.stringify(amount)}`, () => {
      rejects(walletDecider, [opened], credit(amount), 'invalid-amount', 'unprocessable', { amount });
    });
  }

  it('rejects another currency', () => {
    rejects(walletDecider, [opened], credit(money(100, 'USD')), 'currency-mismatch', 'unprocessable', {
      expected: 'TRY',
      actual: 'USD',
    });
  });

  it('rejects a balance beyond safe integers', () => {
    rejects(
      walletDecider,
      [opened, credited(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)],
      credit(try_(1)),
      'amount-out-of-range',
      'unprocessable',
    );
  });
});

describe('wallet: DebitWalletForOrder', () => {
  it('debits for an order and reports the new balance', () => {
    spec(walletDecider).given([opened, credited(5_000, 5_000)]).when(debit(try_(3_000))).then([debited(3_000, 2_000)]);
  });

  it('can debit the whole balance', () => {
    spec(walletDecider).given([opened, credited(5_000, 5_000)]).when(debit(try_(5_000))).then([debited(5_000, 0)]);
  });

  it('rejects a debit above the balance', () => {
    rejects(walletDecider, [opened, credited(5_000, 5_000)], debit(try_(5_001)), 'insufficient-funds', 'conflict', {
      balance: try_(5_000),
      requested: try_(5_001),
    });
  });

  it('rejects a debit from an empty wallet', () => {
    rejects(walletDecider, [opened], debit(try_(1)), 'insufficient-funds', 'conflict', { balance: try_(0) });
  });

  it('rejects a wallet that was never opened', () => {
    rejects(walletDecider, [], debit(try_(100)), 'wallet-not-found', 'conflict');
  });

  it('rejects a non-positive amount', () => {
    rejects(walletDecider, [opened, credited(5_000, 5_000)], debit(try_(0)), 'invalid-amount', 'unprocessable');
  });

  it('rejects another currency', () => {
    rejects(walletDecider, [opened, credited(5_000, 5_000)], debit(money(100, 'EUR')), 'currency-mismatch', 'unprocessable');
  });
});

describe('wallet: RefundToWallet', () => {
  it('refunds part of an order payment', () => {
    spec(walletDecider)
      .given([opened, credited(5_000, 5_000), debited(3_000, 2_000)])
      .when(refund(try_(1_000)))
      .then([refunded(1_000, 3_000)]);
  });

  it('refunds the rest of the payment after an earlier refund', () => {
    spec(walletDecider)
      .given([opened, credited(5_000, 5_000), debited(3_000, 2_000), refunded(1_000, 3_000)])
      .when(refund(try_(2_000)))
      .then([refunded(2_000, 5_000)]);
  });

  it('rejects refunding more than was paid, net of earlier refunds', () => {
    rejects(
      walletDecider,
      [opened, credited(5_000, 5_000), debited(3_000, 2_000), refunded(1_000, 3_000)],
      refund(try_(2_001)),
      'refund-exceeds-payment',
      'conflict',
      { paid: try_(2_000), requested: try_(2_001) },
    );
  });

  it('rejects a refund for an order paid from another wallet or never paid', () => {
    rejects(
      walletDecider,
      [opened, credited(5_000, 5_000), debited(3_000, 2_000)],
      refund(try_(1), 'ORD-2'),
      'refund-exceeds-payment',
      'conflict',
      { paid: try_(0) },
    );
  });

  it('rejects a wallet that was never opened', () => {
    rejects(walletDecider, [], refund(try_(100)), 'wallet-not-found', 'conflict');
  });

  it('rejects a non-positive amount', () => {
    rejects(walletDecider, [opened, credited(5_000, 5_000), debited(3_000, 2_000)], refund(try_(-1)), 'invalid-amount', 'unprocessable');
  });

  it('rejects another currency', () => {
    rejects(
      walletDecider,
      [opened, credited(5_000, 5_000), debited(3_000, 2_000)],
      refund(money(100, 'USD')),
      'currency-mismatch',
      'unprocessable',
    );
  });
});

describe('wallet: state and event names', () => {
  it('tracks the balance and the net paid per order', () => {
    const state = fold(walletDecider, [
      opened,
      credited(10_000, 10_000),
      debited(3_000, 7_000),
      debited(2_000, 5_000, 'ORD-2'),
      refunded(1_000, 6_000),
    ]);
    assert.equal(state.balance, 6_000);
    assert.deepEqual(state.paidByOrder, { [orderId]: 2_000, 'ORD-2': 2_000 });
    assert.equal(paidForOrder(state, 'ORD-3'), 0);
    assert.equal(paidForOrder(state, 'hasOwnProperty'), 0);
  });

  it('lists every event type', () => {
    assert.deepEqual([...walletEventTypes].sort(), [
      'WalletBonusExpired',
      'WalletBonusGranted',
      'WalletCredited',
      'WalletDebited',
      'WalletFrozen',
      'WalletOpened',
      'WalletRefunded',
      'WalletTopUpRejected',
      'WalletTopUpRequested',
      'WalletTransferReceived',
      'WalletTransferRefused',
      'WalletTransferReversed',
      'WalletTransferSent',
      'WalletUnfrozen',
      'WalletWithdrawalPaidOut',
      'WalletWithdrawalRejected',
      'WalletWithdrawalRequested',
    ]);
  });
});
