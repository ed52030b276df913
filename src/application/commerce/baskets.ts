import { assertGuestMergeable, basketDecider, basketLines, type BasketEvent } from '../../domain/basket/index.js';
import { productDecider, productErrors } from '../../domain/product/index.js';
import { evaluateCoupon, promotionDecider } from '../../domain/promotion/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { basketStream, productStream, promotionStream } from './streams.js';

/*
 * Basket use cases. Every change carries the command's business time (`at`), the basket's
 * last activity, which decides when it is idle (`abandonIdleBasket`).
 */

/** Runs a basket command. */
function onBasket(handler: CommandHandler, context: CommandContext, basketId: string, command: Parameters<typeof basketDecider.decide>[0]): Promise<CommandResult<BasketEvent>> {
  return handler.handle(basketDecider, basketStream(context.tenantId, basketId), command, context);
}

/**
 * Opens a basket for a customer, priced in `currency`.
 * @throws DomainError `basket-already-opened`, `invalid-currency`
 */
export function openBasket(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; customerId: string; currency: string },
): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, { type: 'OpenBasket', data: { ...input, at: context.occurredAt } });
}

/**
 * Opens a guest basket (no customer until login) for the anonymous session `guestId`.
 * @throws DomainError `basket-already-opened`, `invalid-currency`
 */
export function openGuestBasket(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; guestId: string; currency: string },
): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, { type: 'OpenGuestBasket', data: { ...input, at: context.occurredAt } });
}

/** Input of `addItem`: `quantity` units of `sku`, fulfilled from `warehouseId`. */
export interface AddItemInput {
  readonly basketId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly warehouseId: string;
}

/**
 * Adds a product to a basket at the catalogue's current price, name, category and KDV rate
 * (a snapshot: later price changes do not touch the basket line).
 * @throws DomainError `product-not-found` (409, as for any command naming an unregistered SKU), and the basket's rejections
 *   (`basket-not-found`, `basket-not-open`, `invalid-quantity`, `currency-mismatch`)
 */
export async function addItem(handler: CommandHandler, context: CommandContext, input: AddItemInput): Promise<CommandResult<BasketEvent>> {
  const product = (await handler.load(productDecider, productStream(context.tenantId, input.sku))).state;
  if (product.status !== 'registered') {
    throw productErrors.productNotFound(input.sku);
  }
  return onBasket(handler, context, input.basketId, {
    type: 'AddItem',
    data: { ...input, name: product.name, category: product.category, unitPrice: product.price, taxRate: product.taxRate, at: context.occurredAt },
  });
}

/**
 * Removes a SKU's line from a basket.
 * @throws DomainError `basket-not-found`, `basket-not-open`, `item-not-in-basket`
 */
export function removeItem(handler: CommandHandler, context: CommandContext, input: { basketId: string; sku: string }): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, { type: 'RemoveItem', data: { ...input, at: context.occurredAt } });
}

/**
 * Sets a basket line's quantity.
 * @throws DomainError `basket-not-found`, `basket-not-open`, `item-not-in-basket`, `invalid-quantity`
 */
export function changeItemQuantity(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; sku: string; quantity: number },
): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, { type: 'ChangeItemQuantity', data: { ...input, at: context.occurredAt } });
}

/**
 * Applies a coupon after checking it against its campaign now (window, currency, minimum
 * basket, limits) for this basket's customer and subtotal; checkout checks it again.
 * @throws DomainError the coupon's rejections (`coupon-not-found`, `coupon-expired`,
 *   `basket-below-minimum`, …) and the basket's (`basket-not-found`, `basket-not-open`)
 */
export async function applyCoupon(handler: CommandHandler, context: CommandContext, input: { basketId: string; code: string }): Promise<CommandResult<BasketEvent>> {
  const basket = (await handler.load(basketDecider, basketStream(context.tenantId, input.basketId))).state;
  if (basket.status === 'open') {
    const campaign = (await handler.load(promotionDecider, promotionStream(context.tenantId, input.code))).state;
    const lines = basketLines(basket);
    const subtotal = { minor: lines.reduce((s, l) => s + l.unitPrice.minor * l.quantity, 0), currency: basket.currency };
    evaluateCoupon(campaign, { code: input.code, customerId: basket.customerId, subtotal, at: context.occurredAt });
  }
  return onBasket(handler, context, input.basketId, { type: 'ApplyCoupon', data: { ...input, at: context.occurredAt } });
}

/**
 * Removes the basket's coupon.
 * @throws DomainError `basket-not-found`, `basket-not-open`, `coupon-not-applied`
 */
export function removeCoupon(handler: CommandHandler, context: CommandContext, input: { basketId: string }): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, { type: 'RemoveCoupon', data: { ...input, at: context.occurredAt } });
}

/**
 * At login: gives guest basket `basketId` to `customerId`, or, when the customer has an open
 * basket `customerBasketId`, merges the guest's lines (and coupon) into it and closes the guest
 * basket. Both merge steps are idempotent (per guest basket), so a retry completes a half-done merge.
 * A guest basket merges once: a retry into the same customer basket completes or repeats it
 * (nothing new appended); into any other basket it is `basket-not-open`, nothing appended.
 * @returns the result of the step that changed the customer's basket (or the assignment)
 * @throws DomainError `not-a-guest-basket`, `basket-not-found`, `basket-not-open`, `currency-mismatch`
 */
export async function assignGuestBasket(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; customerId: string; customerBasketId?: string },
): Promise<CommandResult<BasketEvent> & { basketId: string }> {
  const target = input.customerBasketId === undefined ? undefined : (await handler.load(basketDecider, basketStream(context.tenantId, input.customerBasketId))).state;
  if (!target || target.status !== 'open' || target.customerId !== input.customerId || input.customerBasketId === input.basketId) {
    const assigned = await onBasket(handler, context, input.basketId, { type: 'AssignBasket', data: { basketId: input.basketId, customerId: input.customerId, at: context.occurredAt } });
    return { ...assigned, basketId: input.basketId };
  }
  const intoBasketId = input.customerBasketId!;
  const guest = (await handler.load(basketDecider, basketStream(context.tenantId, input.basketId))).state;
  // Only an open guest basket, or one already merged into this very basket (a retry), merges.
  assertGuestMergeable(guest, input.basketId, intoBasketId);
  const merged = await onBasket(handler, followUp(context, `${context.commandId}:merge`), intoBasketId, {
    type: 'MergeBasket',
    data: {
      basketId: intoBasketId,
      fromBasketId: input.basketId,
      items: basketLines(guest),
      ...(guest.couponCode === undefined ? {} : { couponCode: guest.couponCode }),
      currency: guest.currency,
      at: context.occurredAt,
    },
  });
  const closed = await onBasket(handler, followUp(context, `${context.commandId}:close-guest`), input.basketId, {
    type: 'MarkBasketMerged',
    data: { basketId: input.basketId, intoBasketId, customerId: input.customerId, at: context.occurredAt },
  });
  return { ...merged, position: latestPosition(merged.position, closed.position), basketId: intoBasketId };
}

/** Idle time after which an open basket is abandoned, by default: 24 hours (1 440 minutes). */
export const BASKET_IDLE_MINUTES = 1440;

/**
 * Marks a basket abandoned if it has been idle `idleMinutes` (default `BASKET_IDLE_MINUTES`) at
 * `now` (ISO 8601; the scheduler's time). A no-op for a basket already abandoned.
 * @throws DomainError `basket-not-idle`, `basket-not-found`, `basket-not-open`, `invalid-idle-time`, `invalid-time`
 */
export function abandonIdleBasket(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; now: string; idleMinutes?: number },
): Promise<CommandResult<BasketEvent>> {
  return onBasket(handler, context, input.basketId, {
    type: 'AbandonBasket',
    data: { basketId: input.basketId, now: input.now, idleMinutes: input.idleMinutes ?? BASKET_IDLE_MINUTES },
  });
}
