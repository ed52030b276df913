import type { Money } from '../shared/index.js';
import type { CampaignDiscount } from './commands.js';
import type { PromotionEvent } from './events.js';

/** A held redemption: whose order, and the discount it gave. */
export interface HeldRedemption {
  readonly customerId: string;
  readonly discount: Money;
}

/** A campaign stream: nothing yet, or a campaign with its rules and the redemptions it holds (orderId → hold). */
export type PromotionState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'ended';
      readonly code: string;
      readonly name: string;
      readonly discount: CampaignDiscount;
      readonly currency: string;
      readonly minimumBasket: Money | undefined;
      readonly validFrom: string;
      readonly validUntil: string;
      readonly totalUsageLimit: number | undefined;
      readonly perCustomerLimit: number | undefined;
      readonly held: Readonly<Record<string, HeldRedemption>>;
    };

/** A created campaign's state. */
export type CampaignState = Exclude<PromotionState, { status: 'none' }>;

/** The state of a campaign stream with no events. */
export const initialPromotionState: PromotionState = { status: 'none' };

/** The redemption held for `orderId`, if any (own keys only). */
export function heldFor(state: CampaignState, orderId: string): HeldRedemption | undefined {
  return Object.hasOwn(state.held, orderId) ? state.held[orderId] : undefined;
}

/** Redemptions held now (released ones do not count). */
export function usageCount(state: CampaignState): number {
  return Object.keys(state.held).length;
}

/** Redemptions `customerId` holds now. */
export function customerUsage(state: CampaignState, customerId: string): number {
  return Object.values(state.held).filter((h) => h.customerId === customerId).length;
}

/** The campaign state after one event. Total: events before creation are ignored. */
export function evolvePromotion(state: PromotionState, event: PromotionEvent): PromotionState {
  if (event.type === 'CampaignCreated') {
    const d = event.data;
    return {
      status: 'active',
      code: d.code,
      name: d.name,
      discount: d.discount,
      currency: d.currency,
      minimumBasket: d.minimumBasket,
      validFrom: d.validFrom,
      validUntil: d.validUntil,
      totalUsageLimit: d.totalUsageLimit,
      perCustomerLimit: d.perCustomerLimit,
      held: {},
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CampaignEnded':
      return { ...state, status: 'ended' };
    case 'CouponRedemptionHeld':
      return { ...state, held: { ...state.held, [event.data.orderId]: { customerId: event.data.customerId, discount: event.data.discount } } };
    case 'CouponRedemptionReleased': {
      const { [event.data.orderId]: _released, ...held } = state.held;
      return { ...state, held };
    }
  }
}
