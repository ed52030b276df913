import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, money, type Money } from '../../src/domain/shared/index.js';
import {
  discountOn,
  evaluateCoupon,
  promotionDecider,
  promotionEventTypes,
  type CreateCampaign,
  type PromotionCommand,
  type PromotionEvent,
} from '../../src/domain/promotion/index.js';
import { spec } from '../support/decider-spec.js';
import { rejects } from './helpers.js';

const code = 'YAZ20';
const TRY = (minor: number): Money => money(minor, 'TRY');
const FROM = '2026-11-21T20:00:00.000+03:00';
const UNTIL = '2026-11-21T22:00:00.000+03:00';
const DURING = '2026-11-21T21:00:00.000+03:00';

const rules: CreateCampaign['data'] = {
  code,
  name: 'Flash 20 %',
  discount: { kind: 'percentage', percent: 20 },
  currency: 'TRY',
  minimumBasket: TRY(10_000),
  validFrom: FROM,
  validUntil: UNTIL,
  totalUsageLimit: 2,
  perCustomerLimit: 1,
};
const created: PromotionEvent = { type: 'CampaignCreated', data: { ...rules, name: 'Flash 20 %' } };
const redeem = (orderId: string, customerId: string, subtotal = 12_345, at = DURING): PromotionCommand => ({
  type: 'RedeemCoupon',
  data: { code, orderId, customerId, subtotal: TRY(subtotal), at },
});
const held = (orderId: string, customerId: string, discount = 2_469, at = DURING): PromotionEvent => ({
  type: 'CouponRedemptionHeld',
  data: { code, orderId, customerId, discount: TRY(discount), at },
});

describe('promotion: CreateCampaign', () => {
  it('creates a campaign with its rules', () => {
    spec(promotionDecider).given([]).when({ type: 'CreateCampaign', data: rules }).then([created]);
  });

  it('rejects a second campaign with the same code', () => {
    rejects(promotionDecider, [created], { type: 'CreateCampaign', data: rules }, 'campaign-exists', 'conflict');
  });

  for (const [field, bad] of [
    ['discount.percent', { discount: { kind: 'percentage', percent: 0 } }],
    ['discount.percent', { discount: { kind: 'percentage', percent: 101 } }],
    ['discount.amount', { discount: { kind: 'fixed', amount: TRY(0) } }],
    ['discount.amount', { discount: { kind: 'fixed', amount: money(100, 'EUR') } }],
    ['validUntil', { validUntil: FROM }],
    ['totalUsageLimit', { totalUsageLimit: 0 }],
    ['perCustomerLimit', { perCustomerLimit: 1.5 }],
    ['name', { name: ' ' }],
  ] as const) {
    it(`rejects a malformed ${field}`, () => {
      rejects(promotionDecider, [], { type: 'CreateCampaign', data: { ...rules, ...bad } }, 'invalid-campaign', 'unprocessable', { field });
    });
  }

  it('rejects a window time without an offset', () => {
    rejects(promotionDecider, [], { type: 'CreateCampaign', data: { ...rules, validFrom: '2026-11-21 20:00' } }, 'invalid-time', 'unprocessable');
  });
});

describe('promotion: discounts', () => {
  it('a percentage is rounded down to the minor unit', () => {
    assert.deepEqual(discountOn({ kind: 'percentage', percent: 20 }, TRY(12_345)), TRY(2_469));
    assert.deepEqual(discountOn({ kind: 'percentage', percent: 15 }, TRY(999)), TRY(149));
  });

  it('a fixed amount is capped at the subtotal', () => {
    assert.deepEqual(discountOn({ kind: 'fixed', amount: TRY(5_000) }, TRY(12_000)), TRY(5_000));
    assert.deepEqual(discountOn({ kind: 'fixed', amount: TRY(5_000) }, TRY(3_000)), TRY(3_000));
  });
});

describe('promotion: RedeemCoupon (held at checkout)', () => {
  it('holds a redemption with the discount', () => {
    spec(promotionDecider).given([created]).when(redeem('o-1', 'alice')).then([held('o-1', 'alice')]);
  });

  it('is idempotent per order', () => {
    spec(promotionDecider).given([created, held('o-1', 'alice')]).when(redeem('o-1', 'alice')).then([]);
  });

  it('validity window: not before validFrom, not at or after validUntil (a flash deal)', () => {
    rejects(promotionDecider, [created], redeem('o-1', 'alice', 12_345, '2026-11-21T19:59:59.000+03:00'), 'coupon-not-yet-valid', 'conflict', { validFrom: FROM });
    rejects(promotionDecider, [created], redeem('o-1', 'alice', 12_345, UNTIL), 'coupon-expired', 'conflict', { validUntil: UNTIL });
    spec(promotionDecider).given([created]).when(redeem('o-1', 'alice', 12_345, FROM)).then([held('o-1', 'alice', 2_469, FROM)]);
  });

  it('minimum basket amount', () => {
    rejects(promotionDecider, [created], redeem('o-1', 'alice', 9_999), 'basket-below-minimum', 'conflict', { minimum: TRY(10_000), subtotal: TRY(9_999) });
  });

  it('per-customer limit', () => {
    rejects(promotionDecider, [created, held('o-1', 'alice')], redeem('o-2', 'alice'), 'coupon-customer-limit-reached', 'conflict', { limit: 1 });
  });

  it('total usage limit', () => {
    rejects(promotionDecider, [created, held('o-1', 'alice'), held('o-2', 'bob')], redeem('o-3', 'carol'), 'coupon-usage-limit-reached', 'conflict', { limit: 2 });
  });

  it('limit messages count uses in words: 1 time, 2 times', () => {
    const rejectedWith = (history: PromotionEvent[], command: PromotionCommand, message: string) =>
      assert.throws(() => promotionDecider.decide(command, fold(promotionDecider, history)), { message });
    const onceOnly: PromotionEvent = { type: 'CampaignCreated', data: { ...rules, totalUsageLimit: 1 } };
    rejectedWith([created, held('o-1', 'alice')], redeem('o-2', 'alice'), 'customer alice used coupon YAZ20 1 time, its limit');
    rejectedWith([onceOnly, held('o-1', 'alice')], redeem('o-2', 'bob'), 'coupon YAZ20 was used 1 time, its limit');
    rejectedWith([created, held('o-1', 'alice'), held('o-2', 'bob')], redeem('o-3', 'carol'), 'coupon YAZ20 was used 2 times, its limit');
  });

  it('a released redemption no longer counts', () => {
    const released: PromotionEvent = { type: 'CouponRedemptionReleased', data: { code, orderId: 'o-1', customerId: 'alice', discount: TRY(2_469), reason: 'order-cancelled' } };
    spec(promotionDecider).given([created, held('o-1', 'alice'), released]).when(redeem('o-2', 'alice')).then([held('o-2', 'alice')]);
  });

  it('rejects an unknown coupon, an ended campaign, another currency', () => {
    rejects(promotionDecider, [], redeem('o-1', 'alice'), 'coupon-not-found', 'conflict');
    rejects(promotionDecider, [created, { type: 'CampaignEnded', data: { code, reason: 'budget spent' } }], redeem('o-1', 'alice'), 'coupon-ended', 'conflict');
    rejects(promotionDecider, [created], { type: 'RedeemCoupon', data: { code, orderId: 'o', customerId: 'a', subtotal: money(20_000, 'EUR'), at: DURING } }, 'currency-mismatch', 'unprocessable');
  });

  it('evaluateCoupon does not count the order own hold (re-evaluation at checkout)', () => {
    const state = fold(promotionDecider, [created, held('o-1', 'alice'), held('o-2', 'bob')]);
    assert.deepEqual(evaluateCoupon(state, { code, customerId: 'bob', subtotal: TRY(10_000), at: DURING, orderId: 'o-2' }), TRY(2_000));
  });
});

describe('promotion: ReleaseCouponRedemption (order cancelled) and EndCampaign', () => {
  it('releases the held redemption', () => {
    spec(promotionDecider)
      .given([created, held('o-1', 'alice')])
      .when({ type: 'ReleaseCouponRedemption', data: { code, orderId: 'o-1', reason: 'checkout-failed:insufficient-stock' } })
      .then([{ type: 'CouponRedemptionReleased', data: { code, orderId: 'o-1', customerId: 'alice', discount: TRY(2_469), reason: 'checkout-failed:insufficient-stock' } }]);
  });

  it('releasing nothing is a no-op', () => {
    spec(promotionDecider).given([created]).when({ type: 'ReleaseCouponRedemption', data: { code, orderId: 'o-9', reason: 'x' } }).then([]);
  });

  it('ends a campaign once', () => {
    spec(promotionDecider).given([created]).when({ type: 'EndCampaign', data: { code, reason: ' budget spent ' } }).then([{ type: 'CampaignEnded', data: { code, reason: 'budget spent' } }]);
    spec(promotionDecider).given([created, { type: 'CampaignEnded', data: { code, reason: 'x' } }]).when({ type: 'EndCampaign', data: { code, reason: 'y' } }).then([]);
  });

  it('lists every event type', () => {
    assert.deepEqual([...promotionEventTypes].sort(), ['CampaignCreated', 'CampaignEnded', 'CouponRedemptionHeld', 'CouponRedemptionReleased']);
  });
});
