import type { DomainEvent, Money } from '../shared/index.js';
import type { CampaignDiscount } from './commands.js';

/** Campaign `code` was created with its rules (see `CreateCampaign`). */
export type CampaignCreated = DomainEvent<
  'CampaignCreated',
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

/** Campaign `code` was ended early: no more redemptions. */
export type CampaignEnded = DomainEvent<'CampaignEnded', { readonly code: string; readonly reason: string }>;

/** A redemption of `code` worth `discount` is held for `orderId` of `customerId` (checkout at `at`). */
export type CouponRedemptionHeld = DomainEvent<
  'CouponRedemptionHeld',
  { readonly code: string; readonly orderId: string; readonly customerId: string; readonly discount: Money; readonly at: string }
>;

/** The redemption held for `orderId` was released (its order was cancelled): it no longer counts towards the limits. */
export type CouponRedemptionReleased = DomainEvent<
  'CouponRedemptionReleased',
  { readonly code: string; readonly orderId: string; readonly customerId: string; readonly discount: Money; readonly reason: string }
>;

/** Every event the promotion decider emits. */
export type PromotionEvent = CampaignCreated | CampaignEnded | CouponRedemptionHeld | CouponRedemptionReleased;

const names: { readonly [K in PromotionEvent['type']]: K } = {
  CampaignCreated: 'CampaignCreated',
  CampaignEnded: 'CampaignEnded',
  CouponRedemptionHeld: 'CouponRedemptionHeld',
  CouponRedemptionReleased: 'CouponRedemptionReleased',
};

/** The type names of every promotion event (for subscriptions). */
export const promotionEventTypes: readonly PromotionEvent['type'][] = Object.freeze(Object.values(names));
