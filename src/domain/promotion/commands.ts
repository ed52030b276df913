import type { DomainCommand, Money } from '../shared/index.js';

/** A campaign's discount: a whole `percent` (1–100) of the basket subtotal, or a fixed `amount` (capped at the subtotal). */
export type CampaignDiscount =
  | { readonly kind: 'percentage'; readonly percent: number }
  | { readonly kind: 'fixed'; readonly amount: Money };

/**
 * Creates the campaign redeemed with coupon `code` (the campaign's stream id): its `discount`,
 * `currency` (ISO 4217), optional `minimumBasket` (subtotal before discount, shipping excluded),
 * validity window [`validFrom`, `validUntil`) (ISO 8601; a flash deal is a short window), and
 * optional `totalUsageLimit` and `perCustomerLimit` (whole numbers ≥ 1; held redemptions count).
 */
export type CreateCampaign = DomainCommand<
  'CreateCampaign',
  {
    readonly code: string;
    readonly name: string;
    readonly discount: CampaignDiscount;
    readonly currency: string;
    readonly minimumBasket?: Money;
    readonly validFrom: string;
    readonly validUntil: string;
    readonly totalUsageLimit?: number;
    readonly perCustomerLimit?: number;
  }
>;

/** Ends the campaign early (no new redemptions; held ones stay); `reason` non-empty. */
export type EndCampaign = DomainCommand<'EndCampaign', { readonly code: string; readonly reason: string }>;

/**
 * Holds a redemption of coupon `code` for `orderId` of `customerId` whose basket `subtotal`
 * (minor units) qualifies at `at` (ISO 8601, the checkout time). Idempotent per order.
 */
export type RedeemCoupon = DomainCommand<
  'RedeemCoupon',
  { readonly code: string; readonly orderId: string; readonly customerId: string; readonly subtotal: Money; readonly at: string }
>;

/** Releases the redemption held for `orderId` (its order was cancelled); a no-op when none is held. */
export type ReleaseCouponRedemption = DomainCommand<
  'ReleaseCouponRedemption',
  { readonly code: string; readonly orderId: string; readonly reason: string }
>;

/** Every command the promotion decider accepts. */
export type PromotionCommand = CreateCampaign | EndCampaign | RedeemCoupon | ReleaseCouponRedemption;
