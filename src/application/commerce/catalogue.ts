import { productDecider, type ProductEvent } from '../../domain/product/index.js';
import type { Money } from '../../domain/shared/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { productStream } from './streams.js';

/** Input of `registerProduct`. Price in minor units of its currency (KDV included); `taxRate` the KDV rate in percent (0, 1, 10, 20; default 20). */
export interface RegisterProductInput {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money;
  readonly taxRate?: number;
}

/**
 * Registers a product in the catalogue.
 * @throws DomainError `product-already-registered`, `invalid-price`, `invalid-product`, `invalid-tax-rate`
 */
export function registerProduct(handler: CommandHandler, context: CommandContext, input: RegisterProductInput): Promise<CommandResult<ProductEvent>> {
  return handler.handle(productDecider, productStream(context.tenantId, input.sku), { type: 'RegisterProduct', data: input }, context);
}

/**
 * Changes a product's price (a no-op when it is already that price).
 * @throws DomainError `product-not-found`, `invalid-price`, `currency-mismatch`
 */
export function changeProductPrice(handler: CommandHandler, context: CommandContext, input: { sku: string; price: Money }): Promise<CommandResult<ProductEvent>> {
  return handler.handle(productDecider, productStream(context.tenantId, input.sku), { type: 'ChangeProductPrice', data: input }, context);
}
