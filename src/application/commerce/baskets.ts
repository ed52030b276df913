import { basketDecider, type BasketEvent } from '../../domain/basket/index.js';
import { productDecider } from '../../domain/product/index.js';
import { DomainError } from '../../domain/shared/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { basketStream, productStream } from './streams.js';

/**
 * Opens a basket for a customer, priced in `currency`.
 * @throws DomainError `basket-already-opened`
 */
export function openBasket(
  handler: CommandHandler,
  context: CommandContext,
  input: { basketId: string; customerId: string; currency: string },
): Promise<CommandResult<BasketEvent>> {
  return handler.handle(basketDecider, basketStream(context.tenantId, input.basketId), { type: 'OpenBasket', data: input }, context);
}

/** Input of `addItem`: `quantity` units of `sku`, fulfilled from `warehouseId`. */
export interface AddItemInput {
  readonly basketId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly warehouseId: string;
}

/**
 * Adds a product to a basket at the catalogue's current price, name and category
 * (a snapshot: later price changes do not touch the basket line).
 * @throws DomainError `product-not-found` (unprocessable), and the basket's rejections
 *   (`basket-not-found`, `basket-not-open`, `invalid-quantity`, `currency-mismatch`)
 */
export async function addItem(handler: CommandHandler, context: CommandContext, input: AddItemInput): Promise<CommandResult<BasketEvent>> {
  const product = (await handler.load(productDecider, productStream(context.tenantId, input.sku))).state;
  if (product.status !== 'registered') {
    throw new DomainError('product-not-found', `no product with SKU ${input.sku}`, 'unprocessable', { sku: input.sku });
  }
  return handler.handle(
    basketDecider,
    basketStream(context.tenantId, input.basketId),
    {
      type: 'AddItem',
      data: { ...input, name: product.name, category: product.category, unitPrice: product.price },
    },
    context,
  );
}

/**
 * Removes a SKU's line from a basket.
 * @throws DomainError `basket-not-found`, `basket-not-open`, `item-not-in-basket`
 */
export function removeItem(handler: CommandHandler, context: CommandContext, input: { basketId: string; sku: string }): Promise<CommandResult<BasketEvent>> {
  return handler.handle(basketDecider, basketStream(context.tenantId, input.basketId), { type: 'RemoveItem', data: input }, context);
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
  return handler.handle(basketDecider, basketStream(context.tenantId, input.basketId), { type: 'ChangeItemQuantity', data: input }, context);
}
