import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { spendableBalance, walletDecider, type WalletCommand, type WalletEvent } from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * Wallet rules beyond the skeleton: bonus lots, top-up and withdrawal requests, transfers,
 * freeze, idempotent movements, refunds split between main balance and bonus lots.
 */

const walletId = 'alice';
const TRY = (minor: number): Money => money(minor, 'TRY');
const NOW = '2026-11-21T10:00:00.000+03:00';
const LATER = '2026-12-31T23:59:59.000+03:00';

const opened: WalletEvent = { type: 'WalletOpened', data: { walletId, customerId: walletId, currency: 'TRY' } };
const credited = (amount: number, balance: number): WalletEvent => ({
  type: 'WalletCredited',
  data: { walletId, amount: TRY(amount), reason: 'top-up', reference: 'psp-1', balance: TRY(balance) },
});
const granted = (lotId: string, amount: number, expiresAt: string, balance: number, bonusBalance: number): WalletEvent => ({
  type: 'WalletBonusGranted',
  data: { walletId, lotId, amount: TRY(amount), expiresAt, reason: 'campaign', reference: 'camp-1', balance: TRY(balance), bonusBalance: TRY(bonusBalance) },
});
const frozen: WalletEvent = { type: 'WalletFrozen', data: { walletId, reason: 'fraud check' } };

const grant = (lotId: string, amount: number, expiresAt: string, at?: string): WalletCommand => ({
  type: 'GrantBonus',
  data: { walletId, lotId, amount: TRY(amount), expiresAt, reason: 'campaign', reference: 'camp-1', ...(at ? { at } : {}) },
});
const debit = (amount: number, extra: { at?: string; paymentId?: string; orderId?: string } = {}): WalletCommand => ({
  type: 'DebitWalletForOrder',
  data: { walletId, orderId: extra.orderId ?? 'o-1', amount: TRY(amount), ...(extra.at ? { at: extra.at } : {}), ...(extra.paymentId ? { paymentId: extra.paymentId } : {}) },
});

const DEC_1 = '2026-12-01T00:00:00.000+03:00';
const DEC_15 = '2026-12-15T00:00:00.000+03:00';
// Main 1 000; lot A 300 expires 15 Dec, lot B 200 expires 1 Dec.
const funded = [opened, credited(1_000, 1_000), granted('A', 300, DEC_15, 1_300, 300), granted('B', 200, DEC_1, 1_500, 500)];

describe('wallet: bonus lots', () => {
  it('grants a lot spendable until its expiry; the balance counts it', () => {
    spec(walletDecider).given([opened, credited(1_000, 1_000)]).when(grant('A', 300, DEC_15, NOW)).then([granted('A', 300, DEC_15, 1_300, 300)]);
  });

  it('spends bonus first, soonest-expiring lot first, then the main balance', () => {
    spec(walletDecider)
      .given(funded)
      .when(debit(600, { at: NOW }))
      .then([
        {
          type: 'WalletDebited',
          data: {
            walletId,
            orderId: 'o-1',
            amount: TRY(600),
            balance: TRY(900),
            fromMain: TRY(100),
            fromBonus: [
              { lotId: 'B', amount: TRY(200), expiresAt: DEC_1 },
              { lotId: 'A', amount: TRY(300), expiresAt: DEC_15 },
            ],
            bonusBalance: TRY(0),
          },
        },
      ]);
  });

  it('drops expired lots before paying, and they do not pay', () => {
    spec(walletDecider)
      .given(funded)
      .when(debit(400, { at: '2026-12-05T12:00:00.000+03:00' }))
      .then([
        { type: 'WalletBonusExpired', data: { walletId, lotId: 'B', amount: TRY(200), expiresAt: DEC_1, balance: TRY(1_300), bonusBalance: TRY(300) } },
        {
          type: 'WalletDebited',
          data: {
            walletId,
            orderId: 'o-1',
            amount: TRY(400),
            balance: TRY(900),
            fromMain: TRY(100),
            fromBonus: [{ lotId: 'A', amount: TRY(300), expiresAt: DEC_15 }],
            bonusBalance: TRY(0),
          },
        },
      ]);
  });

  it('an expired lot does not count towards what can be paid', () => {
    rejects(walletDecider, funded, debit(1_400, { at: '2026-12-05T12:00:00.000+03:00' }), 'insufficient-funds', 'conflict', { balance: TRY(1_300) });
  });

  it('without a business time only the main balance pays', () => {
    rejects(walletDecider, funded, debit(1_001), 'insufficient-funds', 'conflict', { balance: TRY(1_000) });
  });

  it('ExpireBonus drops every lot at or past its expiry (exactly at expiry counts)', () => {
    spec(walletDecider)
      .given(funded)
      .when({ type: 'ExpireBonus', data: { walletId, now: DEC_1 } })
      .then([{ type: 'WalletBonusExpired', data: { walletId, lotId: 'B', amount: TRY(200), expiresAt: DEC_1, balance: TRY(1_300), bonusBalance: TRY(300) } }]);
  });

  it('ExpireBonus with nothing expired appends nothing', () => {
    spec(walletDecider).given(funded).when({ type: 'ExpireBonus', data: { walletId, now: NOW } }).then([]);
  });

  it('rejects a lot that would expire before it is granted', () => {
    rejects(walletDecider, [opened], grant('A', 300, NOW, DEC_1), 'bonus-already-expired', 'unprocessable');
  });

  it('rejects an expiry that is not an ISO 8601 time with an offset', () => {
    rejects(walletDecider, [opened], grant('A', 300, '2026-12-15'), 'invalid-time', 'unprocessable', { field: 'expiresAt' });
  });

  it('granting the same lot again is a no-op; other figures are a conflict', () => {
    spec(walletDecider).given(funded).when(grant('A', 300, DEC_15)).then([]);
    rejects(walletDecider, funded, grant('A', 300, LATER), 'bonus-lot-exists', 'conflict', { lotId: 'A' });
  });

  it('a refund goes back to the main balance first, then to the lots the order used, keeping their expiry', () => {
    const paid = [...funded, ...walletDecider.decide(debit(600, { at: NOW }), fold(walletDecider, funded))];
    spec(walletDecider)
      .given(paid)
      .when({ type: 'RefundToWallet', data: { walletId, orderId: 'o-1', amount: TRY(350) } })
      .then([
        {
          type: 'WalletRefunded',
          data: {
            walletId,
            orderId: 'o-1',
            amount: TRY(350),
            balance: TRY(1_250),
            toMain: TRY(100),
            toBonus: [{ lotId: 'A', amount: TRY(250), expiresAt: DEC_15 }],
            bonusBalance: TRY(250),
            reason: 'order-refund',
          },
        },
      ]);
  });
});

describe('wallet: idempotent movements', () => {
  it('a debit with a payment id already applied is a no-op', () => {
    const history = [opened, credited(1_000, 1_000), ...walletDecider.decide(debit(100, { paymentId: 'pay-1' }), fold(walletDecider, [opened, credited(1_000, 1_000)]))];
    spec(walletDecider).given(history).when(debit(100, { paymentId: 'pay-1' })).then([]);
  });

  it('a credit with a credit id already applied is a no-op', () => {
    const credit: WalletCommand = { type: 'CreditWallet', data: { walletId, amount: TRY(50), reason: 'gift-cheque', reference: 'GC-1', creditId: 'gc:GC-1' } };
    const history = [opened, ...walletDecider.decide(credit, fold(walletDecider, [opened]))];
    spec(walletDecider).given(history).when(credit).then([]);
  });

  it('a refund with a refund id already applied is a no-op', () => {
    const paid = [opened, credited(1_000, 1_000), ...walletDecider.decide(debit(500), fold(walletDecider, [opened, credited(1_000, 1_000)]))];
    const refund: WalletCommand = { type: 'RefundToWallet', data: { walletId, orderId: 'o-1', amount: TRY(100), refundId: 'r-1' } };
    const refunded = [...paid, ...walletDecider.decide(refund, fold(walletDecider, paid))];
    spec(walletDecider).given(refunded).when(refund).then([]);
  });

  it('refund ids are per order: another order refunded under the same id gets its money back', () => {
    const history = [opened, credited(1_000, 1_000)];
    const paidBoth = [...history, ...walletDecider.decide(debit(300), fold(walletDecider, history))];
    const paid = [...paidBoth, ...walletDecider.decide(debit(200, { orderId: 'o-2' }), fold(walletDecider, paidBoth))];
    const refundOf = (orderId: string): WalletCommand => ({ type: 'RefundToWallet', data: { walletId, orderId, amount: TRY(100), refundId: 'r-1' } });
    const refunded = [...paid, ...walletDecider.decide(refundOf('o-1'), fold(walletDecider, paid))];
    const second = walletDecider.decide(refundOf('o-2'), fold(walletDecider, refunded));
    assert.equal(second.length, 1);
    assert.deepEqual([second[0]!.type, (second[0]!.data as { orderId: string }).orderId], ['WalletRefunded', 'o-2']);
    spec(walletDecider).given([...refunded, ...second]).when(refundOf('o-2')).then([]);
  });
});

describe('wallet: top-up requests', () => {
  const requested: WalletEvent = {
    type: 'WalletTopUpRequested',
    data: { walletId, requestId: 'tu-1', amount: TRY(2_000), method: 'bank-transfer', reference: 'EFT-9' },
  };
  const request: WalletCommand = { type: 'RequestTopUp', data: { walletId, requestId: 'tu-1', amount: TRY(2_000), method: 'bank-transfer', reference: 'EFT-9' } };

  it('a request moves no money', () => {
    spec(walletDecider).given([opened]).when(request).then([requested]);
    assert.equal(spendableBalance(fold(walletDecider, [opened, requested])), 0);
  });

  it('approval credits the amount with reason top-up, the request as reference, and names the request it settles', () => {
    spec(walletDecider)
      .given([opened, requested])
      .when({ type: 'ApproveTopUp', data: { walletId, requestId: 'tu-1' } })
      .then([{ type: 'WalletCredited', data: { walletId, amount: TRY(2_000), reason: 'top-up', reference: 'tu-1', balance: TRY(2_000), requestId: 'tu-1' } }]);
  });

  it('rejection moves nothing and records the reason', () => {
    spec(walletDecider)
      .given([opened, requested])
      .when({ type: 'RejectTopUp', data: { walletId, requestId: 'tu-1', reason: ' no transfer received ' } })
      .then([{ type: 'WalletTopUpRejected', data: { walletId, requestId: 'tu-1', amount: TRY(2_000), reason: 'no transfer received' } }]);
  });

  it('approving twice is a no-op; approving a rejected request is refused', () => {
    const approved = [opened, requested, ...walletDecider.decide({ type: 'ApproveTopUp', data: { walletId, requestId: 'tu-1' } }, fold(walletDecider, [opened, requested]))];
    spec(walletDecider).given(approved).when({ type: 'ApproveTopUp', data: { walletId, requestId: 'tu-1' } }).then([]);
    const rejected: WalletEvent = { type: 'WalletTopUpRejected', data: { walletId, requestId: 'tu-1', amount: TRY(2_000), reason: 'x' } };
    rejects(walletDecider, [opened, requested, rejected], { type: 'ApproveTopUp', data: { walletId, requestId: 'tu-1' } }, 'request-not-pending', 'conflict', { status: 'rejected' });
    rejects(walletDecider, approved, { type: 'RejectTopUp', data: { walletId, requestId: 'tu-1', reason: 'x' } }, 'request-not-pending', 'conflict', { status: 'approved' });
  });

  it('rejects deciding an unknown request, and a request id reused with another amount', () => {
    rejects(walletDecider, [opened], { type: 'ApproveTopUp', data: { walletId, requestId: 'nope' } }, 'request-not-found', 'conflict');
    spec(walletDecider).given([opened, requested]).when(request).then([]);
    rejects(walletDecider, [opened, requested], { ...request, data: { ...request.data, amount: TRY(1) } }, 'request-exists', 'conflict');
  });

  it('rejects a rejection without a reason', () => {
    rejects(walletDecider, [opened, requested], { type: 'RejectTopUp', data: { walletId, requestId: 'tu-1', reason: ' ' } }, 'invalid-reason', 'unprocessable');
  });
});

describe('wallet: withdrawals', () => {
  const request = (amount: number): WalletCommand => ({ type: 'RequestWithdrawal', data: { walletId, requestId: 'wd-1', amount: TRY(amount), destination: 'TR330006100519786457841326' } });
  const requested: WalletEvent = {
    type: 'WalletWithdrawalRequested',
    data: { walletId, requestId: 'wd-1', amount: TRY(700), destination: 'TR330006100519786457841326', balance: TRY(800), held: TRY(700) },
  };
  const base = [opened, credited(1_000, 1_000), granted('A', 500, DEC_15, 1_500, 500)];

  it('holds the amount out of the main balance until decided', () => {
    spec(walletDecider).given(base).when(request(700)).then([requested]);
  });

  it('bonus cannot be withdrawn: only the main balance counts', () => {
    rejects(walletDecider, base, request(1_001), 'insufficient-funds', 'conflict', { balance: TRY(1_000) });
  });

  it('a held amount cannot be spent', () => {
    rejects(walletDecider, [...base, requested], debit(301), 'insufficient-funds', 'conflict', { balance: TRY(300) });
  });

  it('approval pays the held amount out', () => {
    spec(walletDecider)
      .given([...base, requested])
      .when({ type: 'ApproveWithdrawal', data: { walletId, requestId: 'wd-1' } })
      .then([{ type: 'WalletWithdrawalPaidOut', data: { walletId, requestId: 'wd-1', amount: TRY(700), held: TRY(0) } }]);
  });

  it('rejection releases the held amount to the main balance', () => {
    spec(walletDecider)
      .given([...base, requested])
      .when({ type: 'RejectWithdrawal', data: { walletId, requestId: 'wd-1', reason: 'IBAN mismatch' } })
      .then([
        { type: 'WalletWithdrawalRejected', data: { walletId, requestId: 'wd-1', amount: TRY(700), reason: 'IBAN mismatch', balance: TRY(1_500), held: TRY(0) } },
      ]);
  });

  it('a paid-out withdrawal cannot be rejected; approving it again is a no-op', () => {
    const paidOut: WalletEvent = { type: 'WalletWithdrawalPaidOut', data: { walletId, requestId: 'wd-1', amount: TRY(700), held: TRY(0) } };
    rejects(walletDecider, [...base, requested, paidOut], { type: 'RejectWithdrawal', data: { walletId, requestId: 'wd-1', reason: 'x' } }, 'request-not-pending', 'conflict');
    spec(walletDecider).given([...base, requested, paidOut]).when({ type: 'ApproveWithdrawal', data: { walletId, requestId: 'wd-1' } }).then([]);
  });

  it('rejects a withdrawal without a destination', () => {
    rejects(walletDecider, base, { type: 'RequestWithdrawal', data: { walletId, requestId: 'wd-2', amount: TRY(1), destination: ' ' } }, 'invalid-destination', 'unprocessable');
  });
});

describe('wallet: transfers', () => {
  const send = (amount: number): WalletCommand => ({ type: 'SendTransfer', data: { walletId, transferId: 't-1', toWalletId: 'bob', amount: TRY(amount) } });
  const sent: WalletEvent = { type: 'WalletTransferSent', data: { walletId, transferId: 't-1', toWalletId: 'bob', amount: TRY(400), balance: TRY(600) } };

  it('the sending side takes main balance for the receiver', () => {
    spec(walletDecider).given([opened, credited(1_000, 1_000)]).when(send(400)).then([sent]);
  });

  it('bonus cannot be transferred', () => {
    rejects(walletDecider, [opened, credited(100, 100), granted('A', 500, DEC_15, 600, 500)], send(400), 'insufficient-funds', 'conflict', { balance: TRY(100) });
  });

  it('the receiving side adds the amount, once per transfer', () => {
    const receive: WalletCommand = { type: 'ReceiveTransfer', data: { walletId, transferId: 't-9', fromWalletId: 'bob', amount: TRY(250) } };
    const received: WalletEvent = { type: 'WalletTransferReceived', data: { walletId, transferId: 't-9', fromWalletId: 'bob', amount: TRY(250), balance: TRY(250) } };
    spec(walletDecider).given([opened]).when(receive).then([received]);
    spec(walletDecider).given([opened, received]).when(receive).then([]);
  });

  it('a refused transfer is reversed to the sender, once', () => {
    const reversed: WalletEvent = {
      type: 'WalletTransferReversed',
      data: { walletId, transferId: 't-1', toWalletId: 'bob', amount: TRY(400), reason: 'transfer-refused:wallet-frozen', balance: TRY(1_000) },
    };
    const reverse: WalletCommand = { type: 'ReverseTransfer', data: { walletId, transferId: 't-1', reason: 'transfer-refused:wallet-frozen' } };
    spec(walletDecider).given([opened, credited(1_000, 1_000), sent]).when(reverse).then([reversed]);
    spec(walletDecider).given([opened, credited(1_000, 1_000), sent, reversed]).when(reverse).then([]);
    rejects(walletDecider, [opened], reverse, 'transfer-not-found', 'conflict');
  });

  it('sending the same transfer again is a no-op; the same id with other figures is a conflict; to oneself is refused', () => {
    spec(walletDecider).given([opened, credited(1_000, 1_000), sent]).when(send(400)).then([]);
    rejects(walletDecider, [opened, credited(1_000, 1_000), sent], send(1), 'transfer-exists', 'conflict');
    rejects(walletDecider, [opened, credited(1_000, 1_000)], { type: 'SendTransfer', data: { walletId, transferId: 't-2', toWalletId: walletId, amount: TRY(1) } }, 'invalid-transfer', 'unprocessable');
  });
});

describe('wallet: freeze', () => {
  const base = [opened, credited(1_000, 1_000)];

  it('freezes and unfreezes; each is a no-op when already so', () => {
    spec(walletDecider).given(base).when({ type: 'FreezeWallet', data: { walletId, reason: ' fraud check ' } }).then([frozen]);
    spec(walletDecider).given([...base, frozen]).when({ type: 'FreezeWallet', data: { walletId, reason: 'again' } }).then([]);
    spec(walletDecider).given([...base, frozen]).when({ type: 'UnfreezeWallet', data: { walletId } }).then([{ type: 'WalletUnfrozen', data: { walletId } }]);
    spec(walletDecider).given(base).when({ type: 'UnfreezeWallet', data: { walletId } }).then([]);
  });

  it('a frozen wallet refuses payments, credits, top-ups, withdrawals, transfers and bonus', () => {
    const refused: WalletCommand[] = [
      debit(1),
      { type: 'CreditWallet', data: { walletId, amount: TRY(1), reason: 'gift', reference: 'x' } },
      { type: 'RequestTopUp', data: { walletId, requestId: 'r', amount: TRY(1), method: 'card', reference: 'x' } },
      { type: 'RequestWithdrawal', data: { walletId, requestId: 'w', amount: TRY(1), destination: 'TR1' } },
      { type: 'SendTransfer', data: { walletId, transferId: 't', toWalletId: 'bob', amount: TRY(1) } },
      { type: 'ReceiveTransfer', data: { walletId, transferId: 't', fromWalletId: 'bob', amount: TRY(1) } },
      grant('Z', 1, LATER),
    ];
    for (const command of refused) rejects(walletDecider, [...base, frozen], command, 'wallet-frozen', 'conflict', { walletId });
  });

  it('a frozen wallet still takes money coming back: refunds', () => {
    const paid = [...base, ...walletDecider.decide(debit(300), fold(walletDecider, base)), frozen];
    const events = walletDecider.decide({ type: 'RefundToWallet', data: { walletId, orderId: 'o-1', amount: TRY(300) } }, fold(walletDecider, paid));
    assert.equal(events[0]?.type, 'WalletRefunded');
  });

  it('rejects a freeze without a reason', () => {
    rejects(walletDecider, base, { type: 'FreezeWallet', data: { walletId, reason: '' } }, 'invalid-reason', 'unprocessable');
  });
});

describe('wallet: invariant', () => {
  it('no sequence of accepted commands makes a figure negative', () => {
    let state = fold(walletDecider, funded);
    const commands: WalletCommand[] = [
      debit(700, { at: NOW, orderId: 'o-1' }),
      { type: 'RequestWithdrawal', data: { walletId, requestId: 'w', amount: TRY(600), destination: 'TR1' } },
      debit(300, { at: NOW, orderId: 'o-2' }),
      { type: 'RefundToWallet', data: { walletId, orderId: 'o-1', amount: TRY(700) } },
      { type: 'ExpireBonus', data: { walletId, now: LATER } },
      debit(600, { at: LATER, orderId: 'o-3' }),
    ];
    for (const command of commands) {
      try {
        for (const event of walletDecider.decide(command, state)) state = walletDecider.evolve(state, event);
      } catch {
        // rejected: nothing changes
      }
      assert.ok(state.balance >= 0 && state.held >= 0 && state.bonusLots.every((l) => l.remaining >= 0), JSON.stringify(state));
    }
  });
});
