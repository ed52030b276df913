import { describe, it } from 'node:test';
import { giftChequeDecider, type GiftChequeCommand, type GiftChequeEvent } from '../../src/domain/gift-cheque/index.js';
import { money } from '../../src/domain/shared/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

const code = 'GC-100';
const AT = '2026-11-21T10:00:00.000+03:00';
const EXPIRES = '2027-11-21T00:00:00.000+03:00';
const issued: GiftChequeEvent = { type: 'GiftChequeIssued', data: { code, amount: money(25_000, 'TRY'), expiresAt: EXPIRES } };
const issue = (over: Partial<Extract<GiftChequeCommand, { type: 'IssueGiftCheque' }>['data']> = {}): GiftChequeCommand => ({
  type: 'IssueGiftCheque',
  data: { code, amount: money(25_000, 'TRY'), expiresAt: EXPIRES, at: AT, ...over },
});
const redeem = (walletId: string, at = AT): GiftChequeCommand => ({ type: 'RedeemGiftCheque', data: { code, walletId, at } });

describe('gift cheque', () => {
  it('an admin issues a cheque', () => {
    spec(giftChequeDecider).given([]).when(issue()).then([issued]);
  });

  it('rejects issuing the same code twice, a non-positive amount, an expiry before issue', () => {
    rejects(giftChequeDecider, [issued], issue(), 'gift-cheque-exists', 'conflict');
    rejects(giftChequeDecider, [], issue({ amount: money(0, 'TRY') }), 'invalid-amount', 'unprocessable');
    rejects(giftChequeDecider, [], issue({ expiresAt: AT }), 'gift-cheque-already-expired', 'unprocessable');
  });

  it('is redeemed once, whole, into one wallet', () => {
    const redeemed: GiftChequeEvent = { type: 'GiftChequeRedeemed', data: { code, walletId: 'alice', amount: money(25_000, 'TRY') } };
    spec(giftChequeDecider).given([issued]).when(redeem('alice')).then([redeemed]);
    spec(giftChequeDecider).given([issued, redeemed]).when(redeem('alice')).then([]);
    rejects(giftChequeDecider, [issued, redeemed], redeem('bob'), 'gift-cheque-redeemed', 'conflict');
  });

  it('cannot be redeemed at or after its expiry, nor before it exists', () => {
    rejects(giftChequeDecider, [issued], redeem('alice', EXPIRES), 'gift-cheque-expired', 'conflict', { expiresAt: EXPIRES });
    rejects(giftChequeDecider, [], redeem('alice'), 'gift-cheque-not-found', 'conflict');
  });
});
