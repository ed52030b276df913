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
 * For a non-admin, loads the basket and checks it is theirs: a customer basket by its
 * customer id, a guest basket (no customer yet) by its guest session id, both compared with
 * the token's subject. A basket that does not exist passes: the command itself then answers
 * `basket-not-found`.
 * @throws HttpProblem 403 `forbidden` when the basket belongs to someone else
 */
export async function assertOwnsBasket(handler: CommandHandler, principal: Principal, basketId: string): Promise<void> {
  if (isAdmin(principal)) return;
  const { state } = await handler.load(basketDecider, basketStream(principal.tenantId, basketId));
  if (state.status === 'none') return;
  const owner = state.customerId === '' ? state.guestId : state.customerId;
  if (owner !== principal.subject) {
    throw forbidden(`basket ${basketId} belongs to another customer`);
  }
}

/**
 * At login, the caller proves they held guest basket `basketId` by naming its guest session
 * id (which only that session knew). Admins too must name it (it guards the wrong basket).
 * A basket that does not exist passes (the command answers `basket-not-found`); a basket that
 * is not a guest's is left to the command (`not-a-guest-basket`).
 * @throws HttpProblem 403 `forbidden` when the guest session id does not match
 */
export async function assertHeldGuestBasket(handler: CommandHandler, principal: Principal, basketId: string, guestId: string): Promise<void> {
  const { state } = await handler.load(basketDecider, basketStream(principal.tenantId, basketId));
  if (state.status === 'none' || state.guestId === undefined) return;
  if (state.guestId !== guestId) throw forbidden(`basket ${basketId} belongs to another guest session`);
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
