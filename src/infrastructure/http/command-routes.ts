import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { CommandContext } from '../../application/command-context.js';
import type { CommandResult } from '../../application/command-handler.js';
import * as commerce from '../../application/commerce/index.js';
import { formatPosition } from '../../application/ports/event-store.js';
import type { Principal, Role } from './auth.js';
import * as bodies from './command-schemas.js';
import { commandContext } from './context.js';
import type { HttpDependencies } from './deps.js';
import { authenticate, principalOf, requireRoles } from './guard.js';
import { assertActsFor, assertOwnsBasket, assertOwnsOrder } from './ownership.js';
import { HttpProblem, problem } from './problems.js';
import { parseInput } from './validation.js';

/**
 * The body of every successful command response: the stream the command wrote, its last
 * revision (decimal string; "-1" when the stream still does not exist) and the `$all`
 * position of its last event as `<commit>/<prepare>` (null when none). Pass `position`
 * to a query as `?position=` to read your own write.
 */
export interface CommandResponse {
  readonly streamId: string;
  readonly revision: string;
  readonly position: string | null;
  readonly [extra: string]: unknown;
}

/** A `CommandResult` in its wire form (bigints as decimal strings). */
export function commandResponse(result: CommandResult<unknown>): CommandResponse {
  return {
    streamId: result.streamId,
    revision: result.revision.toString(),
    position: result.position ? formatPosition(result.position) : null,
  };
}

/** What a command route's `run` receives: the validated body, who asks, and the command context. */
interface CommandCall<T> {
  readonly deps: HttpDependencies;
  readonly principal: Principal;
  readonly context: CommandContext;
  readonly input: T;
}

/** One `POST` route: who may call it, its body's schema, and what it does (ownership checks included). */
interface CommandRoute<S extends z.ZodType> {
  readonly path: string;
  readonly roles: readonly Role[];
  readonly body: S;
  readonly run: (call: CommandCall<z.output<S>>) => Promise<CommandResponse>;
}

const ADMIN: readonly Role[] = ['admin'];
const CUSTOMER_OR_ADMIN: readonly Role[] = ['customer', 'admin'];

/** Registers one command route on the plugin. */
function post<S extends z.ZodType>(instance: FastifyInstance, deps: HttpDependencies, route: CommandRoute<S>): void {
  instance.post(route.path, { onRequest: requireRoles(route.roles) }, async (request) => {
    const principal = principalOf(request);
    const context = commandContext(request, principal, deps.config.businessTimeZone, deps.now());
    const input = parseInput(route.body, request.body);
    return route.run({ deps, principal, context, input });
  });
}

/**
 * The `commands` plugin (register with prefix `/commands`): every route is `POST`, takes a
 * JSON body, needs a bearer token, and answers 200 with a `CommandResponse`.
 * Errors (problem+json): 400 `validation-failed` / `malformed-json`, 401, 403, 413, 415,
 * 409/422 domain rejections (type = the rule's code), 409 `concurrency-conflict`, 500.
 */
export const commandRoutes: FastifyPluginAsync<HttpDependencies> = (instance, deps) => {
  instance.addHook('onRequest', authenticate(deps.config));
  instance.addHook('preValidation', async (request) => {
    if (request.body === undefined) {
      throw new HttpProblem(problem('unsupported-media-type', 415, 'Unsupported media type', 'commands take a JSON body (Content-Type: application/json)'));
    }
    return Promise.resolve();
  });

  post(instance, deps, {
    path: '/products/register',
    roles: ADMIN,
    body: bodies.registerProductBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.registerProduct(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/products/change-price',
    roles: ADMIN,
    body: bodies.changeProductPriceBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.changeProductPrice(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/stock/receive',
    roles: ADMIN,
    body: bodies.receiveStockBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.receiveStock(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/wallets/open',
    roles: ADMIN,
    body: bodies.openWalletBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      return commandResponse(await commerce.openWallet(deps.handler, context, input));
    },
  });
  post(instance, deps, {
    path: '/wallets/credit',
    roles: ADMIN,
    body: bodies.creditWalletBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.creditWallet(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/baskets/open',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.openBasketBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      const basketId = input.basketId ?? randomUUID();
      const result = await commerce.openBasket(deps.handler, context, { ...input, basketId });
      return { ...commandResponse(result), basketId };
    },
  });
  post(instance, deps, {
    path: '/baskets/add-item',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.addItemBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      return commandResponse(await commerce.addItem(deps.handler, context, input));
    },
  });
  post(instance, deps, {
    path: '/baskets/remove-item',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.removeItemBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      return commandResponse(await commerce.removeItem(deps.handler, context, input));
    },
  });
  post(instance, deps, {
    path: '/baskets/change-quantity',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.changeQuantityBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      return commandResponse(await commerce.changeItemQuantity(deps.handler, context, input));
    },
  });
  post(instance, deps, {
    path: '/baskets/check-out',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.checkOutBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      const orderId = input.orderId ?? randomUUID();
      const result = await commerce.checkout(deps.handler, context, { ...input, orderId });
      return { ...commandResponse(result.order), orderId, confirmed: result.confirmed, total: result.total };
    },
  });
  post(instance, deps, {
    path: '/orders/confirm-payment',
    roles: ADMIN,
    body: bodies.confirmPaymentBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.confirmOrderPayment(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/orders/ship',
    roles: ADMIN,
    body: bodies.shipOrderBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.shipOrder(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/orders/deliver',
    roles: ADMIN,
    body: bodies.deliverOrderBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.deliverOrder(deps.handler, context, input)),
  });
  post(instance, deps, {
    path: '/orders/cancel',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.cancelOrderBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsOrder(deps.handler, principal, input.orderId);
      return commandResponse(await commerce.cancelOrder(deps.handler, context, input));
    },
  });
  return Promise.resolve();
};
