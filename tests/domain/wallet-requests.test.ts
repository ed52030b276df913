import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { walletDecider, type WalletCommand, type WalletEvent } from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * Only an approval settles a top-up request (a manual credit never does, whatever its reason
 * and reference; old event logs replay as they always did), and a request, bonus lot or
 * withdrawal id sent again with other content is refused instead of silently ignored.
 */

const walletId = 'alice';
const TRY = (minor: number): Money => money(minor, 'TRY');
const opened: WalletEvent = { type: 'WalletOpened', data: { walletId, customerId: walletId, currency: 'TRY' } };

describe('wallet: a manual credit never settles a top-up request', () => {
  const request: WalletCommand = { type: 'RequestTopUp', data: { walletId, requestId: 'TU9', amount: TRY(50_000), method: 'card', reference: 'psp-9' } };
  const requested: WalletEvent = { type: 'WalletTopUpRequested', data: { walletId, requestId: 'TU9', amount: TRY(50_000), method: 'card', reference: 'psp-9' } };
  const manual: WalletCommand = { type: 'CreditWallet', data: { walletId, amount: TRY(1), reason: 'top-up', reference: 'TU9' } };
  const approve: WalletCommand = { type: 'ApproveTopUp', data: { walletId, requestId: 'TU9' } };

  it('given a pending request, when an admin credits 1 with reason top-up and its id as reference, then the credit says it settles no request, and the approval still credits 50 000', () => {
    const credit = walletDecider.decide(manual, fold(walletDecider, [opened, requested]));
    assert.deepEqual(credit, [{ type: 'WalletCredited', data: { walletId, amount: TRY(1), reason: 'top-up', reference: 'TU9', balance: TRY(1), requestId: null } }]);
    spec(walletDecider)
      .given([opened, requested, ...credit])
      .when(approve)
      .then([{ type: 'WalletCredited', data: { walletId, amount: TRY(50_000), reason: 'top-up', reference: 'TU9', balance: TRY(50_001), requestId: 'TU9' } }]);
    assert.equal(fold(walletDecider, [opened, requested, ...credit]).topUps.TU9?.status, 'pending');
  });

  it('given a pending request, when a credit with a creditId names it, then it settles nothing either', () => {
    const withId: WalletCommand = { type: 'CreditWallet', data: { walletId, amount: TRY(50_000), reason: 'top-up', reference: 'TU9', creditId: 'c-1' } };
    const credit = walletDecider.decide(withId, fold(walletDecider, [opened, requested]));
    assert.equal(fold(walletDecider, [opened, requested, ...credit]).topUps.TU9?.status, 'pending');
  });

  it('given an approval, then the request is approved and approving again is a no-op', () => {
    const approved = [opened, requested, ...walletDecider.decide(approve, fold(walletDecider, [opened, requested]))];
    assert.equal(fold(walletDecider, approved).topUps.TU9?.status, 'approved');
    spec(walletDecider).given(approved).when(approve).then([]);
  });

  it('given an approval written before `requestId` existed (reason top-up, reference = request), then it still settles the request on replay', () => {
    const legacyApproval: WalletEvent = { type: 'WalletCredited', data: { walletId, amount: TRY(50_000), reason: 'top-up', reference: 'TU9', balance: TRY(50_000) } };
    spec(walletDecider).given([opened, requested, legacyApproval]).when(approve).then([]);
    assert.deepEqual(fold(walletDecider, [opened, requested, legacyApproval]).topUps.TU9, { amount: 50_000, method: 'card', reference: 'psp-9', status: 'approved' });
  });

  it('a credit whose reference names no pending request is written as before (no requestId)', () => {
    spec(walletDecider)
      .given([opened])
      .when(manual)
      .then([{ type: 'WalletCredited', data: { walletId, amount: TRY(1), reason: 'top-up', reference: 'TU9', balance: TRY(1) } }]);
    // …and a request asked later under that id is still pending.
    spec(walletDecider).given([opened]).when(request).then([requested]);
    const later = [opened, { type: 'WalletCredited', data: { walletId, amount: TRY(1), reason: 'top-up', reference: 'TU9', balance: TRY(1) } } as WalletEvent, requested];
    assert.equal(fold(walletDecider, later).topUps.TU9?.status, 'pending');
  });
});

describe('wallet: the same id with other content is refused', () => {
  const topUp: WalletCommand = { type: 'RequestTopUp', data: { walletId, requestId: 'tu-1', amount: TRY(2_000), method: 'bank-transfer', reference: 'EFT-9' } };
  const topUpRequested: WalletEvent = { type: 'WalletTopUpRequested', data: { walletId, requestId: 'tu-1', amount: TRY(2_000), method: 'bank-transfer', reference: 'EFT-9' } };

  it('top-up request: the same again is a no-op; another method or reference is request-exists', () => {
    spec(walletDecider).given([opened, topUpRequested]).when(topUp).then([]);
    rejects(walletDecider, [opened, topUpRequested], { ...topUp, data: { ...topUp.data, method: 'card' } }, 'request-exists', 'conflict', { requestId: 'tu-1' });
    rejects(walletDecider, [opened, topUpRequested], { ...topUp, data: { ...topUp.data, reference: 'EFT-10' } }, 'request-exists', 'conflict', { requestId: 'tu-1' });
  });

  const credited: WalletEvent = { type: 'WalletCredited', data: { walletId, amount: TRY(1_000), reason: 'gift', reference: 'x', balance: TRY(1_000) } };
  const withdraw: WalletCommand = { type: 'RequestWithdrawal', data: { walletId, requestId: 'wd-1', amount: TRY(700), destination: 'TR330006100519786457841326' } };
  const withdrawalRequested: WalletEvent = {
    type: 'WalletWithdrawalRequested',
    data: { walletId, requestId: 'wd-1', amount: TRY(700), destination: 'TR330006100519786457841326', balance: TRY(300), held: TRY(700) },
  };

  it('withdrawal request: the same again (destination compared trimmed) is a no-op; another destination is request-exists', () => {
    const history = [opened, credited, withdrawalRequested];
    spec(walletDecider).given(history).when(withdraw).then([]);
    spec(walletDecider).given(history).when({ ...withdraw, data: { ...withdraw.data, destination: ' TR330006100519786457841326 ' } }).then([]);
    rejects(walletDecider, history, { ...withdraw, data: { ...withdraw.data, destination: 'TR999' } }, 'request-exists', 'conflict', { requestId: 'wd-1' });
  });

  const NOW = '2026-11-21T10:00:00.000+03:00';
  const EXPIRY = '2026-12-01T00:00:00.000+03:00';
  const grant: WalletCommand = {
    type: 'GrantBonus',
    data: { walletId, lotId: 'L1', amount: TRY(500), expiresAt: EXPIRY, reason: 'campaign', reference: 'camp-1', at: NOW },
  };
  const granted: WalletEvent = {
    type: 'WalletBonusGranted',
    data: { walletId, lotId: 'L1', amount: TRY(500), expiresAt: EXPIRY, reason: 'campaign', reference: 'camp-1', balance: TRY(500), bonusBalance: TRY(500) },
  };

  it('bonus lot: the same grant again is a no-op; another amount, reason or reference is bonus-lot-exists', () => {
    spec(walletDecider).given([opened, granted]).when(grant).then([]);
    spec(walletDecider).given([opened, granted]).when({ ...grant, data: { ...grant.data, expiresAt: '2026-11-30T21:00:00Z' } }).then([]);
    for (const other of [{ amount: TRY(900) }, { reason: 'cashback' }, { reference: 'camp-2' }, { expiresAt: '2026-12-02T00:00:00.000+03:00' }]) {
      rejects(walletDecider, [opened, granted], { ...grant, data: { ...grant.data, ...other } }, 'bonus-lot-exists', 'conflict', { lotId: 'L1' });
    }
  });

  it('bonus lot: once spent or expired, the same grant again is still a no-op and another amount still bonus-lot-exists', () => {
    const spent: WalletEvent = {
      type: 'WalletDebited',
      data: {
        walletId,
        orderId: 'o-1',
        amount: TRY(500),
        balance: TRY(0),
        fromMain: TRY(0),
        fromBonus: [{ lotId: 'L1', amount: TRY(500), expiresAt: EXPIRY }],
        bonusBalance: TRY(0),
      },
    };
    spec(walletDecider).given([opened, granted, spent]).when(grant).then([]);
    rejects(walletDecider, [opened, granted, spent], { ...grant, data: { ...grant.data, amount: TRY(900) } }, 'bonus-lot-exists', 'conflict');
    const expired: WalletEvent = {
      type: 'WalletBonusExpired',
      data: { walletId, lotId: 'L1', amount: TRY(500), expiresAt: EXPIRY, balance: TRY(0), bonusBalance: TRY(0) },
    };
    spec(walletDecider).given([opened, granted, expired]).when({ ...grant, data: { ...grant.data, at: '2026-12-05T00:00:00.000+03:00' } }).then([]);
    rejects(walletDecider, [opened, granted, expired], { ...grant, data: { ...grant.data, reference: 'camp-2' } }, 'bonus-lot-exists', 'conflict');
  });
});
