import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { walletDecider, type WalletCommand, type WalletEvent } from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * A transfer is received or reversed, never both: the receiving wallet records its refusal
 * (and then refuses that transfer for good), and the sending wallet refuses a reversed
 * transfer id instead of letting a retry credit the receiver without debiting it again.
 */

const TRY = (minor: number): Money => money(minor, 'TRY');
const opened = (walletId: string): WalletEvent => ({ type: 'WalletOpened', data: { walletId, customerId: walletId, currency: 'TRY' } });
const credited = (walletId: string, amount: number): WalletEvent => ({
  type: 'WalletCredited',
  data: { walletId, amount: TRY(amount), reason: 'gift', reference: 'x', balance: TRY(amount) },
});

// alice sends t-1 (400) to bob.
const send: WalletCommand = { type: 'SendTransfer', data: { walletId: 'alice', transferId: 't-1', toWalletId: 'bob', amount: TRY(400) } };
const sent: WalletEvent = { type: 'WalletTransferSent', data: { walletId: 'alice', transferId: 't-1', toWalletId: 'bob', amount: TRY(400), balance: TRY(600) } };
const reversed: WalletEvent = {
  type: 'WalletTransferReversed',
  data: { walletId: 'alice', transferId: 't-1', toWalletId: 'bob', amount: TRY(400), reason: 'transfer-refused:wallet-frozen', balance: TRY(1_000) },
};
const receive: WalletCommand = { type: 'ReceiveTransfer', data: { walletId: 'bob', transferId: 't-1', fromWalletId: 'alice', amount: TRY(400) } };
const received: WalletEvent = { type: 'WalletTransferReceived', data: { walletId: 'bob', transferId: 't-1', fromWalletId: 'alice', amount: TRY(400), balance: TRY(400) } };
const refuse: WalletCommand = {
  type: 'RefuseTransfer',
  data: { walletId: 'bob', transferId: 't-1', fromWalletId: 'alice', amount: TRY(400), reason: 'transfer-refused:wallet-frozen' },
};
const refused: WalletEvent = {
  type: 'WalletTransferRefused',
  data: { walletId: 'bob', transferId: 't-1', fromWalletId: 'alice', amount: TRY(400), reason: 'transfer-refused:wallet-frozen' },
};
const frozen: WalletEvent = { type: 'WalletFrozen', data: { walletId: 'bob', reason: 'kyc' } };

describe('wallet: a reversed transfer id is spent', () => {
  it('given a sent transfer that was reversed, when it is sent again with the same figures, then transfer-reversed with the reversal reason, and nothing', () => {
    rejects(walletDecider, [opened('alice'), credited('alice', 1_000), sent, reversed], send, 'transfer-reversed', 'conflict', {
      transferId: 't-1',
      reason: 'transfer-refused:wallet-frozen',
    });
  });

  it('given a sent transfer not reversed, when it is sent again, then it is still a no-op', () => {
    spec(walletDecider).given([opened('alice'), credited('alice', 1_000), sent]).when(send).then([]);
  });

  it('given a reversed transfer, when the same id is sent with other figures, then transfer-exists (as before)', () => {
    rejects(walletDecider, [opened('alice'), credited('alice', 1_000), sent, reversed], { ...send, data: { ...send.data, amount: TRY(1) } }, 'transfer-exists', 'conflict');
  });
});

describe('wallet: the receiving side refuses for good', () => {
  it('given a wallet that never saw the transfer, when RefuseTransfer, then WalletTransferRefused, which moves no money', () => {
    spec(walletDecider).given([opened('bob')]).when(refuse).then([refused]);
    assert.equal(fold(walletDecider, [opened('bob'), refused]).balance, 0);
  });

  it('given a frozen wallet, when RefuseTransfer, then the refusal is still recorded', () => {
    spec(walletDecider).given([opened('bob'), frozen]).when(refuse).then([refused]);
  });

  it('given a recorded refusal, when ReceiveTransfer of it, then transfer-reversed, even once unfrozen', () => {
    rejects(walletDecider, [opened('bob'), frozen, refused, { type: 'WalletUnfrozen', data: { walletId: 'bob' } }], receive, 'transfer-reversed', 'conflict', {
      transferId: 't-1',
      reason: 'transfer-refused:wallet-frozen',
    });
  });

  it('given a recorded refusal, when RefuseTransfer again, then nothing', () => {
    spec(walletDecider).given([opened('bob'), refused]).when(refuse).then([]);
  });

  it('given the transfer received, when RefuseTransfer, then nothing: the receipt stands', () => {
    spec(walletDecider).given([opened('bob'), received]).when(refuse).then([]);
    assert.equal(fold(walletDecider, [opened('bob'), received]).transfers['t-1']?.direction, 'received');
  });

  it('when RefuseTransfer without a reason, or on a wallet never opened, then invalid-reason / wallet-not-found', () => {
    rejects(walletDecider, [opened('bob')], { ...refuse, data: { ...refuse.data, reason: ' ' } }, 'invalid-reason', 'unprocessable');
    rejects(walletDecider, [], refuse, 'wallet-not-found', 'conflict');
  });
});
