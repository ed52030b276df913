import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import { walletDecider, type WalletCommand, type WalletCreditReason, type WalletEvent } from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

/*
 * A credit named by its `creditId` is applied once: the same credit again appends nothing, the
 * same id with another amount, reason or reference is refused (409 credit-exists). Credits
 * written before the field existed (no `creditId`) fold as they always did. (The same credit
 * again on an open wallet → no events: wallet-rules.test.ts, idempotent movements.)
 */

const walletId = 'alice';
const TRY = (minor: number): Money => money(minor, 'TRY');

const opened: WalletEvent = { type: 'WalletOpened', data: { walletId, customerId: walletId, currency: 'TRY' } };
const frozen: WalletEvent = { type: 'WalletFrozen', data: { walletId, reason: 'fraud check' } };
/** A `WalletCredited`; without `creditId`, as written before the field existed. */
const credited = (amount: number, balance: number, creditId?: string): WalletEvent => ({
  type: 'WalletCredited',
  data: { walletId, amount: TRY(amount), reason: 'gift', reference: 'goodwill-1', balance: TRY(balance), ...(creditId === undefined ? {} : { creditId }) },
});
const credit = (amount: number, creditId?: string, other: { reason?: WalletCreditReason; reference?: string } = {}): WalletCommand => ({
  type: 'CreditWallet',
  data: {
    walletId,
    amount: TRY(amount),
    reason: other.reason ?? 'gift',
    reference: other.reference ?? 'goodwill-1',
    ...(creditId === undefined ? {} : { creditId }),
  },
});

describe('wallet: credits named by a creditId', () => {
  it('given a credit c-1, when it comes again on a wallet frozen since, then no events (it was applied)', () => {
    spec(walletDecider).given([opened, credited(500, 500, 'c-1'), frozen]).when(credit(500, 'c-1')).then([]);
  });

  for (const [what, command] of [
    ['amount', credit(600, 'c-1')],
    ['reason', credit(500, 'c-1', { reason: 'adjustment' })],
    ['reference', credit(500, 'c-1', { reference: 'goodwill-2' })],
  ] as const) {
    it(`given a credit c-1, when c-1 comes with another ${what}, then 409 credit-exists`, () => {
      rejects(walletDecider, [opened, credited(500, 500, 'c-1')], command, 'credit-exists', 'conflict', { creditId: 'c-1' });
    });
  }

  it('given credits written before creditId existed, they still fold, and a later id is enforced', () => {
    const history = [opened, credited(500, 500), credited(500, 1_000), credited(300, 1_300, 'c-1')];
    assert.equal(fold(walletDecider, history).balance, 1_300);
    spec(walletDecider).given(history).when(credit(500)).then([credited(500, 1_800)]);
    rejects(walletDecider, history, credit(500, 'c-1'), 'credit-exists', 'conflict', { creditId: 'c-1' });
  });
});
