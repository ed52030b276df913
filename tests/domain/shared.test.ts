import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateProportionally, instantOf, isAtOrAfter, isDay } from '../../src/domain/shared/index.js';
import { giftChequeDecider } from '../../src/domain/gift-cheque/index.js';
import { promotionDecider } from '../../src/domain/promotion/index.js';
import { walletDecider } from '../../src/domain/wallet/index.js';
import { spec } from '../support/decider-spec.js';

describe('shared: proportional allocation (largest remainder)', () => {
  it('always adds up to the total, ties to the earlier index', () => {
    assert.deepEqual(allocateProportionally(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocateProportionally(5_001, [20_000, 30_000]), [2_000, 3_001]);
    assert.deepEqual(allocateProportionally(0, [5, 5]), [0, 0]);
    assert.deepEqual(allocateProportionally(7, [0, 0]), [7, 0]);
  });

  it('is exact beyond 2^53 intermediate products', () => {
    const shares = allocateProportionally(Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, 1]);
    assert.equal(shares[0]! + shares[1]!, Number.MAX_SAFE_INTEGER);
  });
});

describe('shared: business time', () => {
  it('parses ISO 8601 instants with an offset or Z only', () => {
    assert.equal(instantOf('2026-11-21T10:00:00.000+03:00'), Date.UTC(2026, 10, 21, 7));
    assert.equal(instantOf('2026-11-21T07:00:00Z'), Date.UTC(2026, 10, 21, 7));
    assert.equal(instantOf('2026-11-21T10:00:00'), undefined);
    assert.equal(instantOf('2026-11-21'), undefined);
  });

  it('compares instants across offsets', () => {
    assert.ok(isAtOrAfter('2026-11-21T10:00:00.000+03:00', '2026-11-21T07:00:00Z'));
    assert.ok(!isAtOrAfter('2026-11-21T09:59:59.000+03:00', '2026-11-21T07:00:00Z'));
  });

  it('refuses a time that does not exist as written instead of rolling it over (2030-02-30 is not 2030-03-02)', () => {
    for (const text of [
      '2030-02-30T00:00:00Z',
      '2031-02-29T12:00:00+03:00',
      '2030-04-31T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-01-01T23:60:00Z',
      '2030-01-01T00:00:00+14:01',
      '2030-01-01T00:00:00-15:00',
    ]) {
      assert.equal(instantOf(text), undefined, text);
    }
    assert.equal(instantOf('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29));
    assert.equal(instantOf('2000-02-29T23:59:59.999999999+14:00'), Date.UTC(2000, 1, 29, 9, 59, 59, 999));
    assert.equal(instantOf('2030-01-01T00:00-12:00'), Date.UTC(2030, 0, 1, 12));
  });

  it('accepts the years 0001–9999 only, in local and in UTC time (PostgreSQL has no year 0000)', () => {
    for (const text of ['0000-01-01T00:00:00Z', '0000-02-29T00:00:00Z', '0001-01-01T00:00:00+03:00', '9999-12-31T23:00:00-05:00']) {
      assert.equal(instantOf(text), undefined, text);
    }
    assert.equal(instantOf('0001-01-01T00:00:00Z'), Date.parse('0001-01-01T00:00:00Z'));
    assert.equal(instantOf('9999-12-31T23:59:59.999Z'), Date.parse('9999-12-31T23:59:59.999Z'));
  });

  it('knows which days exist, in the years 0001–9999', () => {
    for (const text of ['0000-01-01', '0000-02-29', '0000-12-31', '2026-02-30', '2025-02-29', '1900-02-29', '2026-00-10', '2026-13-01', '2026-1-01', '10000-01-01']) {
      assert.equal(isDay(text), false, text);
    }
    for (const text of ['0001-01-01', '2000-02-29', '2024-02-29', '9999-12-31']) assert.equal(isDay(text), true, text);
  });

  it('deciders refuse an expiry that does not exist with invalid-time, so no caller can store it', () => {
    const expiresAt = '2030-02-30T00:00:00Z';
    const at = '2026-11-21T10:00:00.000+03:00';
    const amount = { minor: 1_000, currency: 'TRY' };
    spec(walletDecider)
      .given([{ type: 'WalletOpened', data: { walletId: 'w-1', customerId: 'c-1', currency: 'TRY' } }])
      .when({ type: 'GrantBonus', data: { walletId: 'w-1', lotId: 'lot-1', amount, expiresAt, reason: 'campaign', reference: 'r', at } })
      .thenThrows('invalid-time', { field: 'expiresAt' });
    spec(giftChequeDecider).given([]).when({ type: 'IssueGiftCheque', data: { code: 'GC-1', amount, expiresAt, at } }).thenThrows('invalid-time', { field: 'expiresAt' });
    spec(promotionDecider)
      .given([])
      .when({ type: 'CreateCampaign', data: { code: 'P-1', name: 'p', discount: { kind: 'percentage', percent: 10 }, currency: 'TRY', validFrom: at, validUntil: expiresAt } })
      .thenThrows('invalid-time', { field: 'validUntil' });
  });
});
