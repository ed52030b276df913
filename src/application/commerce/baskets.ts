import { assertGuestClaimedFor, basketDecider, basketLines, type BasketEvent } from '../../domain/basket/index.js';
import { productDecider, productErrors } from '../../domain/product/index.js';
import { evaluateCoupon, promotionDecider } from '../../domain/promotion/index.js';
import { DomainError } from '../../domain/shared/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { retryTransient } from './retry-transient.js';
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
 * basket, in three steps on two streams, each idempotent per guest basket:
 * 1. claim the guest basket for the customer's basket (`GuestBasketClaimed`; it must be open,
 *    and is frozen from then on). Two concurrent merges of one guest basket into two baskets
 *    both try this append at the guest stream's revision their decision read: one wins, the
 *    other is decided again on the claimed basket and refused (`basket-not-open`, status
 *    `claimed` or `merged`) before copying anything;
 * 2. copy the claimed basket's lines into the customer's basket (`BasketItemsMerged`), only
 *    while the guest basket is claimed for it (`basket-not-claimed` otherwise);
 * 3. close the guest basket (`BasketMerged`).
 * So at most one basket ever takes a guest basket's lines. A retry (same or new command id)
 * of a merge stopped after step 1 or 2 completes it; a merge repeated after it completed
 * appends nothing; into any other basket it is `basket-not-open`, nothing appended.
 * If the customer's basket refuses the lines in step 2 (checked out or abandoned meanwhile,
 * another currency), the claim is released (`GuestBasketReleased`, reason
 * `merge-refused:<code>`): the guest basket is open again with its lines, and the refusal is
 * thrown. Steps 2 and 3 and the release are retried on errors other than rejections; when
 * one still fails, the guest basket stays claimed until the same merge is sent again.
 * @returns the result of the step that changed the customer's basket (or the assignment)
 * @throws DomainError `not-a-guest-basket`, `basket-not-found`, `basket-not-open`, `basket-not-claimed` (409),
 *   or the customer's basket's refusal after the release (`basket-not-open`, `currency-mismatch` 422, `invalid-quantity` 422)
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
  const { basketId, customerId } = input;
  const intoBasketId = input.customerBasketId!;
  const step = (name: string) => followUp(context, `${context.commandId}:${name}`);
  const claimed = await onBasket(handler, step('claim'), basketId, { type: 'ClaimGuestBasket', data: { basketId, intoBasketId, customerId, at: context.occurredAt } });
  // The claimed basket's lines (frozen by the claim); a claim released since is not copied.
  const guest = (await handler.load(basketDecider, basketStream(context.tenantId, basketId))).state;
  assertGuestClaimedFor(guest, basketId, intoBasketId);
  let merged: CommandResult<BasketEvent>;
  try {
    merged = await retryTransient(() =>
      onBasket(handler, step('merge'), intoBasketId, {
        type: 'MergeBasket',
        data: {
          basketId: intoBasketId,
          fromBasketId: basketId,
          items: basketLines(guest),
          ...(guest.couponCode === undefined ? {} : { couponCode: guest.couponCode }),
          currency: guest.currency,
          at: context.occurredAt,
        },
      }),
    );
  } catch (refusal) {
    if (!(refusal instanceof DomainError)) throw refusal;
    await retryTransient(() => onBasket(handler, step('release'), basketId, { type: 'ReleaseGuestBasket', data: { basketId, intoBasketId, reason: `merge-refused:${refusal.code}` } }));
    throw refusal;
  }
  const closed = await retryTransient(() =>
    onBasket(handler, step('close-guest'), basketId, { type: 'MarkBasketMerged', data: { basketId, intoBasketId, customerId, at: context.occurredAt } }),
  );
  return { ...merged, position: latestPosition(claimed.position, merged.position, closed.position), basketId: intoBasketId };
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
