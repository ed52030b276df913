import { instantOf, money, type Money } from '../shared/index.js';
import {
  basketBelowMinimum,
  couponEnded,
  couponExpired,
  couponNotFound,
  couponNotYetValid,
  currencyMismatch,
  customerLimitReached,
  invalidTime,
  usageLimitReached,
} from './errors.js';
import { customerUsage, heldFor, usageCount, type CampaignState, type PromotionState } from './state.js';
import type { CampaignDiscount } from './commands.js';

/** What a coupon is evaluated against: the customer, the basket subtotal (minor units) and the time (ISO 8601). */
export interface CouponCheck {
  readonly code: string;
  readonly customerId: string;
  readonly subtotal: Money;
  readonly at: string;
  /** The order the redemption would be for: its own held redemption does not count against the limits. */
  readonly orderId?: string;
}

/**
 * The discount of `discount` on `subtotal` (minor units ≥ 0): a percentage is rounded down to
 * the minor unit (never more than the percent); a fixed amount is capped at the subtotal.
 */
export function discountOn(discount: CampaignDiscount, subtotal: Money): Money {
  if (discount.kind === 'fixed') return money(Math.min(discount.amount.minor, subtotal.minor), subtotal.currency);
  return money(Number((BigInt(subtotal.minor) * BigInt(discount.percent)) / 100n), subtotal.currency);
}

/**
 * Whether coupon `check.code` applies, and its discount. Rules, in order:
 * the campaign exists and was not ended; `at` is within [validFrom, validUntil); the subtotal is
 * in the campaign currency and at least the minimum basket; held redemptions (other than this
 * order's) are below the total usage limit and the customer's below the per-customer limit.
 * Pure: used by the basket (apply), checkout (price) and `RedeemCoupon` (hold).
 * @returns the discount (minor units, ≤ subtotal)
 * @throws DomainError `coupon-not-found`, `coupon-ended`, `coupon-not-yet-valid`, `coupon-expired`,
 *   `basket-below-minimum`, `coupon-usage-limit-reached`, `coupon-customer-limit-reached` (409);
 *   `currency-mismatch`, `invalid-time` (422)
 */
export function evaluateCoupon(state: PromotionState, check: CouponCheck): Money {
  const at = instantOf(check.at);
  if (at === undefined) throw invalidTime('at', check.at);
  if (state.status === 'none') throw couponNotFound(check.code);
  const campaign: CampaignState = state;
  if (campaign.status === 'ended') throw couponEnded(campaign.code);
  if (at < (instantOf(campaign.validFrom) ?? 0)) throw couponNotYetValid(campaign.code, campaign.validFrom);
  if (at >= (instantOf(campaign.validUntil) ?? 0)) throw couponExpired(campaign.code, campaign.validUntil);
  if (check.subtotal.currency !== campaign.currency) throw currencyMismatch(campaign.currency, check.subtotal.currency);
  if (campaign.minimumBasket && check.subtotal.minor < campaign.minimumBasket.minor) {
    throw basketBelowMinimum(campaign.code, campaign.minimumBasket, check.subtotal);
  }
  const own = check.orderId === undefined ? undefined : heldFor(campaign, check.orderId);
  const others = usageCount(campaign) - (own ? 1 : 0);
  if (campaign.totalUsageLimit !== undefined && others >= campaign.totalUsageLimit) throw usageLimitReached(campaign.code, campaign.totalUsageLimit);
  const mine = customerUsage(campaign, check.customerId) - (own?.customerId === check.customerId ? 1 : 0);
  if (campaign.perCustomerLimit !== undefined && mine >= campaign.perCustomerLimit) {
    throw customerLimitReached(campaign.code, check.customerId, campaign.perCustomerLimit);
  }
  return discountOn(campaign.discount, check.subtotal);
}
