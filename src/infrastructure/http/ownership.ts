import type { CommandHandler } from '../../application/command-handler.js';
import { basketStream, orderStream } from '../../application/commerce/streams.js';
import { basketDecider } from '../../domain/basket/index.js';
import { orderDecider } from '../../domain/order/index.js';
import { isAdmin, type Principal } from './auth.js';
import { forbidden } from './problems.js';

/**
 * Customers act only for themselves; admins for anyone in their tenant.
 * @throws HttpProblem 403 `forbidden` when a non-admin names another customer
 */
export function assertActsFor(principal: Principal, customerId: string): void {
  if (!isAdmin(principal) && customerId !== principal.subject) {
    throw forbidden('a customer may only act for themself');
  }
}

/**
 * For a non-admin, loads the basket and checks it is theirs. A basket that does not
 * exist passes: the command itself then answers `basket-not-found`.
 * @throws HttpProblem 403 `forbidden` when the basket belongs to another customer
 */
export async function assertOwnsBasket(handler: CommandHandler, principal: Principal, basketId: string): Promise<void> {
  if (isAdmin(principal)) return;
  const { state } = await handler.load(basketDecider, basketStream(principal.tenantId, basketId));
  if (state.status !== 'none' && state.customerId !== principal.subject) {
    throw forbidden(`basket ${basketId} belongs to another customer`);
  }
}

/**
 * For a non-admin, loads the order and checks it is theirs. An order that does not
 * exist passes: the command itself then answers `order-not-found`.
 * @throws HttpProblem 403 `forbidden` when the order belongs to another customer
 */
export async function assertOwnsOrder(handler: CommandHandler, principal: Principal, orderId: string): Promise<void> {
  if (isAdmin(principal)) return;
  const { state } = await handler.load(orderDecider, orderStream(principal.tenantId, orderId));
  if (state.status !== 'none' && state.customerId !== principal.subject) {
    throw forbidden(`order ${orderId} belongs to another customer`);
  }
}
