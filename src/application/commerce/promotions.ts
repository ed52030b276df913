import { promotionDecider, type CampaignDiscount, type PromotionEvent } from '../../domain/promotion/index.js';
import type { Money } from '../../domain/shared/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { promotionStream } from './streams.js';

/** Input of `createCampaign` (see the `CreateCampaign` command for each rule). */
export interface CreateCampaignInput {
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

/**
 * Creates a campaign redeemed with coupon `code`: percentage or fixed discount, minimum basket,
 * validity window (flash deals), total and per-customer usage limits.
 * @throws DomainError `campaign-exists`, `invalid-campaign`, `invalid-currency`, `invalid-time`
 */
export function createCampaign(handler: CommandHandler, context: CommandContext, input: CreateCampaignInput): Promise<CommandResult<PromotionEvent>> {
  return handler.handle(promotionDecider, promotionStream(context.tenantId, input.code), { type: 'CreateCampaign', data: input }, context);
}

/**
 * Ends a campaign early: no new redemptions.
 * @throws DomainError `coupon-not-found`, `invalid-reason`
 */
export function endCampaign(handler: CommandHandler, context: CommandContext, input: { code: string; reason: string }): Promise<CommandResult<PromotionEvent>> {
  return handler.handle(promotionDecider, promotionStream(context.tenantId, input.code), { type: 'EndCampaign', data: input }, context);
}
