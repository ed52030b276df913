import { isInstant, type Money } from '../shared/index.js';
import type { CreateCampaign, EndCampaign, PromotionCommand, RedeemCoupon, ReleaseCouponRedemption } from './commands.js';
import { evaluateCoupon } from './discount.js';
import { campaignExists, couponNotFound, invalidCampaign, invalidCurrency, invalidReason, invalidTime } from './errors.js';
import type { PromotionEvent } from './events.js';
import { heldFor, type PromotionState } from './state.js';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The events a promotion (campaign) command causes in `state`.
 *
 * Rules (each has a given/when/then test in tests/domain/promotion.test.ts):
 * - A campaign gives a percentage (whole 1–100 %, rounded down) or a fixed amount (capped at
 *   the subtotal) off the basket subtotal; optional minimum basket; validity window
 *   [validFrom, validUntil) — flash deals are short windows; optional total and per-customer
 *   usage limits (whole numbers ≥ 1).
 * - A redemption is held at checkout (`RedeemCoupon`, idempotent per order) if `evaluateCoupon`
 *   accepts it, and released when the order is cancelled; held redemptions count towards the limits.
 * - An ended campaign takes no new redemptions.
 * @throws DomainError `invalid-campaign`, `invalid-currency`, `invalid-time`, `invalid-reason`,
 *   `currency-mismatch` (422); `campaign-exists`, `coupon-not-found` and `evaluateCoupon`'s errors (409)
 */
export function decidePromotion(command: PromotionCommand, state: PromotionState): readonly PromotionEvent[] {
  switch (command.type) {
    case 'CreateCampaign':
      return create(command, state);
    case 'EndCampaign':
      return end(command, state);
    case 'RedeemCoupon':
      return redeem(command, state);
    case 'ReleaseCouponRedemption':
      return release(command, state);
  }
}

function create({ data }: CreateCampaign, state: PromotionState): readonly PromotionEvent[] {
  const name = data.name.trim();
  if (name === '') throw invalidCampaign('name', 'must not be empty');
  if (!CURRENCY.test(data.currency)) throw invalidCurrency(data.currency);
  if (data.discount.kind === 'percentage') {
    if (!Number.isSafeInteger(data.discount.percent) || data.discount.percent < 1 || data.discount.percent > 100) {
      throw invalidCampaign('discount.percent', 'must be a whole number from 1 to 100');
    }
  } else {
    assertAmount('discount.amount', data.discount.amount, data.currency, false);
  }
  if (data.minimumBasket) assertAmount('minimumBasket', data.minimumBasket, data.currency, true);
  if (!isInstant(data.validFrom)) throw invalidTime('validFrom', data.validFrom);
  if (!isInstant(data.validUntil)) throw invalidTime('validUntil', data.validUntil);
  if (Date.parse(data.validUntil) <= Date.parse(data.validFrom)) throw invalidCampaign('validUntil', 'must be after validFrom');
  for (const field of ['totalUsageLimit', 'perCustomerLimit'] as const) {
    const limit = data[field];
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw invalidCampaign(field, 'must be a whole number ≥ 1');
  }
  if (state.status !== 'none') throw campaignExists(data.code);
  const { code, discount, currency, minimumBasket, validFrom, validUntil, totalUsageLimit, perCustomerLimit } = data;
  return [
    {
      type: 'CampaignCreated',
      data: {
        code,
        name,
        discount,
        currency,
        ...(minimumBasket === undefined ? {} : { minimumBasket }),
        validFrom,
        validUntil,
        ...(totalUsageLimit === undefined ? {} : { totalUsageLimit }),
        ...(perCustomerLimit === undefined ? {} : { perCustomerLimit }),
      },
    },
  ];
}

function end({ data }: EndCampaign, state: PromotionState): readonly PromotionEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  if (state.status === 'none') throw couponNotFound(data.code);
  if (state.status === 'ended') return [];
  return [{ type: 'CampaignEnded', data: { code: data.code, reason } }];
}

function redeem({ data }: RedeemCoupon, state: PromotionState): readonly PromotionEvent[] {
  if (state.status !== 'none' && heldFor(state, data.orderId)) return [];
  const discount = evaluateCoupon(state, { code: data.code, customerId: data.customerId, subtotal: data.subtotal, at: data.at, orderId: data.orderId });
  const { code, orderId, customerId, at } = data;
  return [{ type: 'CouponRedemptionHeld', data: { code, orderId, customerId, discount, at } }];
}

function release({ data }: ReleaseCouponRedemption, state: PromotionState): readonly PromotionEvent[] {
  const reason = data.reason.trim();
  if (reason === '') throw invalidReason();
  if (state.status === 'none') throw couponNotFound(data.code);
  const held = heldFor(state, data.orderId);
  if (!held) return [];
  return [{ type: 'CouponRedemptionReleased', data: { code: data.code, orderId: data.orderId, customerId: held.customerId, discount: held.discount, reason } }];
}

function assertAmount(field: string, amount: Money, currency: string, zeroAllowed: boolean): void {
  if (!Number.isSafeInteger(amount.minor) || amount.minor < (zeroAllowed ? 0 : 1)) throw invalidCampaign(field, 'must be a positive whole number of minor units');
  if (amount.currency !== currency) throw invalidCampaign(field, `must be in ${currency}`);
}
