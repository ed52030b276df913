import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { CommandContext } from '../../application/command-context.js';
import type { CommandResult } from '../../application/command-handler.js';
import * as commerce from '../../application/commerce/index.js';
import { formatPosition, latestPosition } from '../../application/ports/event-store.js';
import { CheckoutProcessManager, checkoutProcessDecider } from '../../application/process-managers/checkout/index.js';
import { orderDecider } from '../../domain/order/index.js';
import { isAdmin, type Principal, type Role } from './auth.js';
import * as bodies from './command-schemas.js';
import { commandContext, keyHeader } from './context.js';
import type { HttpDependencies } from './deps.js';
import { authenticate, principalOf, requireRoles } from './guard.js';
import { problemFor } from './error-handler.js';
import { claimIdempotencyKey, recordIdempotentResponse, requestFingerprint, type IdempotentResponse } from './idempotency.js';
import { documented } from './openapi.js';
import { assertActsFor, assertHeldGuestBasket, assertOwnsBasket, assertOwnsOrder } from './ownership.js';
import { HttpProblem, problem, sendProblem, type Problem } from './problems.js';
import { parseInput } from './validation.js';

/**
 * The body of every successful command response: the stream the command wrote, its last
 * revision (decimal string; "-1" when the stream still does not exist) and the latest `$all`
 * position the command caused as `<commit>/<prepare>` (its events and the steps it ran
 * synchronously; a repeat: its original events'; null when none). Pass `position`
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
  /** The HTTP status of a successful answer (default 200), e.g. 202 for work still settling. */
  readonly status?: (response: CommandResponse) => 200 | 202;
}

/**
 * An id the request did not give, derived from the command id (`Idempotency-Key` or a fresh
 * UUID) and what it names, UUID-shaped: a retried request with the same key names the same
 * order, transfer, request…, so it resumes instead of starting another.
 */
export function derivedId(context: CommandContext, kind: string): string {
  const hex = createHash('sha256').update(`${context.tenantId}\u0000${context.commandId}\u0000${kind}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** 403 `forbidden` naming `field`: a body field only an admin may send. */
function adminOnlyField(field: string, detail: string): HttpProblem {
  return new HttpProblem(problem('forbidden', 403, 'Forbidden', detail, { field }));
}

const ADMIN: readonly Role[] = ['admin'];
const CUSTOMER_OR_ADMIN: readonly Role[] = ['customer', 'admin'];

/** A use case as the routes call it: the command handler, the command context and the validated body. */
type UseCase<T> = (handler: HttpDependencies['handler'], context: CommandContext, input: T) => Promise<CommandResult<unknown>>;

/** An admin route that runs `useCase` on the body as it is. */
function adminRoute<S extends z.ZodType>(path: string, body: S, useCase: UseCase<z.output<S>>): CommandRoute<S> {
  return { path, roles: ADMIN, body, run: async ({ deps, context, input }) => commandResponse(await useCase(deps.handler, context, input)) };
}

/** A customer's route on a basket (`input.basketId`) the caller must own (admins may act on any). */
function ownBasketRoute<S extends z.ZodType<{ basketId: string }>>(path: string, body: S, useCase: UseCase<z.output<S>>): CommandRoute<S> {
  return {
    path,
    roles: CUSTOMER_OR_ADMIN,
    body,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      return commandResponse(await useCase(deps.handler, context, input));
    },
  };
}

/**
 * The body with its id field `field` set: as given, else derived from the command id
 * (`derivedId(context, kind)`), so a retried request names the same thing. The response
 * carries the id under the same name.
 */
async function withId<T, K extends string>(
  context: CommandContext,
  input: T & Partial<Record<K, string>>,
  field: K,
  kind: string,
  run: (input: T & Record<K, string>) => Promise<CommandResult<unknown>>,
): Promise<CommandResponse> {
  const id = input[field] ?? derivedId(context, kind);
  return { ...commandResponse(await run({ ...input, [field]: id })), [field]: id };
}

/**
 * Registers one command route on the plugin. A request with an `Idempotency-Key` claims
 * it for its route, caller and validated body (`claimIdempotencyKey`) before it runs,
 * then runs with the key's command id. Its answer is stored for the key when final: a 200,
 * or a 4xx problem the run ended with (a domain rejection, a refused ownership), except
 * 409 `concurrency-conflict`; not a 202 (the work is still settling: a retry resumes it) nor
 * a 5xx. A retry whose answer is stored gets that status and body at once, with
 * `Idempotent-Replayed: true` (a replayed problem carries the retry's own `requestId`);
 * a retry while the first request still runs runs too, with the same command id (the
 * command handler appends once). Validation, authentication and a refused key store nothing.
 */
function post<S extends z.ZodType>(instance: FastifyInstance, deps: HttpDependencies, route: CommandRoute<S>): void {
  instance.post(route.path, { onRequest: requireRoles(route.roles), ...documented(route.roles, { body: route.body, accepted: route.status !== undefined }) }, async (request, reply) => {
    const principal = principalOf(request);
    const key = keyHeader(request, 'idempotency-key');
    const context = commandContext(request, principal, deps.config.businessTimeZone, deps.now());
    const input = parseInput(route.body, request.body);
    const answer = (response: CommandResponse) => reply.code(route.status?.(response) ?? 200).send(response);
    if (key === undefined) return answer(await route.run({ deps, principal, context, input }));

    const claim = await claimIdempotencyKey(deps.db, principal.tenantId, key, requestFingerprint(route.path, principal.subject, input), deps.config.idempotencyKeyTtlHours);
    if (claim.response) return replay(reply, claim.response);
    const remember = (status: number, body: unknown) =>
      recordIdempotentResponse(deps.db, principal.tenantId, key, claim.commandId, { status, body }).catch((error: unknown) => {
        request.log.error({ err: error }, 'storing the answer to an idempotency key failed'); // a retry runs again, with the same command id
      });
    let response: CommandResponse;
    try {
      response = await route.run({ deps, principal, context: { ...context, commandId: claim.commandId }, input });
    } catch (error) {
      const { problem: rejection } = problemFor(error);
      if (rejection.status >= 400 && rejection.status < 500 && rejection.code !== 'concurrency-conflict') await remember(rejection.status, rejection);
      throw error;
    }
    if ((route.status?.(response) ?? 200) === 200) await remember(200, response);
    return answer(response);
  });
}

/** Answers a keyed request with its stored first answer, marked `Idempotent-Replayed: true`. */
function replay(reply: FastifyReply, stored: IdempotentResponse): FastifyReply {
  const replayed = { 'idempotent-replayed': 'true' };
  if (stored.status >= 400) return sendProblem(reply, stored.body as Problem, replayed);
  return reply.code(stored.status).headers(replayed).send(stored.body);
}

/**
 * The `commands` plugin (register with prefix `/commands`): every route is `POST`, takes a
 * JSON body, needs a bearer token, and answers 200 with a `CommandResponse` (`/wallets/transfer` and
 * `/stock/transfer`: also `status` and the `transferId`; 202 with `status: "pending"` while the
 * receiving side is still being settled).
 * Errors (problem+json): 400 `validation-failed` / `malformed-json`, 401, 403, 413, 415,
 * 409/422 domain rejections (type = the rule's code), 409 `concurrency-conflict`,
 * 422 `idempotency-key-reused` (the key came with another request), 500.
 */
export const commandRoutes: FastifyPluginAsync<HttpDependencies> = (instance, deps) => {
  // One checkout process manager for the server: its per-stream queue keeps concurrent
  // checkouts of one SKU from retrying in a herd (see CheckoutManagerOptions.queuePerStream).
  const manager = new CheckoutProcessManager(deps.handler);
  const processes = { manager };
  instance.addHook('onRequest', authenticate(deps.config));
  instance.addHook('preValidation', async (request) => {
    if (request.body === undefined) {
      throw new HttpProblem(problem('unsupported-media-type', 415, 'Unsupported media type', 'commands take a JSON body (Content-Type: application/json)'));
    }
    return Promise.resolve();
  });

  post(instance, deps, adminRoute('/products/register', bodies.registerProductBody, commerce.registerProduct));
  post(instance, deps, adminRoute('/products/change-price', bodies.changeProductPriceBody, commerce.changeProductPrice));
  post(instance, deps, adminRoute('/stock/receive', bodies.receiveStockBody, commerce.receiveStock));
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
    run: ({ deps, context, input }) => withId(context, input, 'creditId', 'wallet-credit', (i) => commerce.creditWallet(deps.handler, context, i)),
  });
  post(instance, deps, {
    path: '/baskets/open',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.openBasketBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      const basketId = input.basketId ?? derivedId(context, 'basket');
      const result = await commerce.openBasket(deps.handler, context, { ...input, basketId });
      return { ...commandResponse(result), basketId };
    },
  });
  post(instance, deps, ownBasketRoute('/baskets/add-item', bodies.addItemBody, commerce.addItem));
  post(instance, deps, ownBasketRoute('/baskets/remove-item', bodies.removeItemBody, commerce.removeItem));
  post(instance, deps, ownBasketRoute('/baskets/change-quantity', bodies.changeQuantityBody, commerce.changeItemQuantity));
  post(instance, deps, {
    path: '/baskets/check-out',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.checkOutBody,
    run: async ({ deps, principal, context, input }) => {
      if (!isAdmin(principal)) {
        // Only the payment provider's integration / back office (admin) may say money was taken or price shipping.
        if (input.payment.external?.captured === true) throw adminOnlyField('payment.external.captured', 'only an admin may state that an external payment is captured; it is recorded through /orders/record-payment');
        if (input.shipping !== undefined) throw adminOnlyField('shipping', 'shipping is priced by the server; omit it');
      }
      await assertOwnsBasket(deps.handler, principal, input.basketId);
      const orderId = input.orderId ?? derivedId(context, 'order');
      const result = await commerce.checkout(deps.handler, context, { ...input, orderId }, { ...processes, shippingPolicy: deps.config.shipping });
      return { ...commandResponse(result.order), orderId, confirmed: result.confirmed, status: result.status, total: result.total };
    },
  });
  post(instance, deps, {
    path: '/orders/confirm-payment',
    roles: ADMIN,
    body: bodies.confirmPaymentBody,
    run: async ({ deps, context, input }) => commandResponse(await commerce.confirmOrderPayment(deps.handler, context, input, processes)),
  });
  post(instance, deps, adminRoute('/orders/ship', bodies.shipOrderBody, commerce.shipOrder));
  post(instance, deps, adminRoute('/orders/deliver', bodies.deliverOrderBody, commerce.deliverOrder));
  post(instance, deps, {
    path: '/orders/cancel',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.cancelOrderBody,
    run: async ({ deps, principal, context, input }) => {
      await assertOwnsOrder(deps.handler, principal, input.orderId);
      return commandResponse(await commerce.cancelOrder(deps.handler, context, input, processes));
    },
  });
  // Stock (admin).
  post(instance, deps, adminRoute('/stock/adjust', bodies.adjustStockBody, commerce.adjustStock));
  post(instance, deps, {
    path: '/stock/transfer',
    roles: ADMIN,
    body: bodies.transferStockBody,
    run: async ({ deps, context, input }) => {
      const transferId = input.transferId ?? derivedId(context, 'stock-transfer');
      const result = await commerce.transferStock(deps.handler, context, { ...input, transferId });
      return { ...commandResponse(result), transferId, status: result.status };
    },
    // Pending: the source sent the units and the stock-transfer process manager settles the rest.
    status: (response) => (response.status === 'pending' ? 202 : 200),
  });
  post(instance, deps, adminRoute('/stock/set-threshold', bodies.setStockThresholdBody, commerce.setStockThreshold));

  // Wallets: customers act for themselves, admins decide.
  post(instance, deps, {
    path: '/wallets/request-top-up',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.requestTopUpBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      return withId(context, input, 'requestId', 'top-up', (i) => commerce.requestTopUp(deps.handler, context, i));
    },
  });
  post(instance, deps, adminRoute('/wallets/approve-top-up', bodies.walletRequestBody, (handler, context, input) => commerce.decideTopUp(handler, context, { ...input, approve: true })));
  post(instance, deps, adminRoute('/wallets/reject-top-up', bodies.rejectWalletRequestBody, (handler, context, input) => commerce.decideTopUp(handler, context, { ...input, approve: false })));
  post(instance, deps, {
    path: '/wallets/grant-bonus',
    roles: ADMIN,
    body: bodies.grantBonusBody,
    run: ({ deps, context, input }) => withId(context, input, 'lotId', 'bonus-lot', (i) => commerce.grantBonus(deps.handler, context, i)),
  });
  post(instance, deps, adminRoute('/wallets/expire-bonus', bodies.expireBonusBody, (handler, context, input) => commerce.expireBonus(handler, context, { ...input, now: context.occurredAt })));
  post(instance, deps, {
    path: '/wallets/request-withdrawal',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.requestWithdrawalBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      return withId(context, input, 'requestId', 'withdrawal', (i) => commerce.requestWithdrawal(deps.handler, context, i));
    },
  });
  post(instance, deps, adminRoute('/wallets/approve-withdrawal', bodies.walletRequestBody, (handler, context, input) => commerce.decideWithdrawal(handler, context, { ...input, approve: true })));
  post(instance, deps, adminRoute('/wallets/reject-withdrawal', bodies.rejectWalletRequestBody, (handler, context, input) => commerce.decideWithdrawal(handler, context, { ...input, approve: false })));
  post(instance, deps, {
    path: '/wallets/transfer',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.transferBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.fromCustomerId);
      const transferId = input.transferId ?? derivedId(context, 'wallet-transfer');
      const result = await commerce.transferBetweenWallets(deps.handler, context, { ...input, transferId });
      return { ...commandResponse(result), transferId, status: result.status };
    },
    // Pending: the sender is debited and the wallet-transfer process manager settles the rest.
    status: (response) => (response.status === 'pending' ? 202 : 200),
  });
  post(instance, deps, adminRoute('/wallets/freeze', bodies.freezeWalletBody, (handler, context, input) => commerce.setWalletFrozen(handler, context, { ...input, frozen: true })));
  post(instance, deps, adminRoute('/wallets/unfreeze', bodies.unfreezeWalletBody, (handler, context, input) => commerce.setWalletFrozen(handler, context, { ...input, frozen: false })));
  post(instance, deps, adminRoute('/gift-cheques/issue', bodies.issueGiftChequeBody, commerce.issueGiftCheque));
  post(instance, deps, {
    path: '/gift-cheques/redeem',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.redeemGiftChequeBody,
    run: async ({ deps, principal, context, input }) => {
      assertActsFor(principal, input.customerId);
      return commandResponse(await commerce.redeemGiftCheque(deps.handler, context, input));
    },
  });

  // Baskets: guests, login, coupons, abandonment.
  post(instance, deps, {
    path: '/baskets/open-guest',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.openGuestBasketBody,
    run: async ({ deps, principal, context, input }) => {
      const guestId = isAdmin(principal) && input.guestId !== undefined ? input.guestId : principal.subject;
      const basketId = input.basketId ?? derivedId(context, 'basket');
      const result = await commerce.openGuestBasket(deps.handler, context, { basketId, guestId, currency: input.currency });
      return { ...commandResponse(result), basketId, guestId };
    },
  });
  post(instance, deps, {
    path: '/baskets/assign',
    roles: CUSTOMER_OR_ADMIN,
    body: bodies.assignBasketBody,
    run: async ({ deps, principal, context, input }) => {
      const customerId = input.customerId ?? principal.subject;
      assertActsFor(principal, customerId);
      await assertHeldGuestBasket(deps.handler, principal, input.basketId, input.guestId);
      if (input.customerBasketId !== undefined) await assertOwnsBasket(deps.handler, principal, input.customerBasketId);
      const result = await commerce.assignGuestBasket(deps.handler, context, {
        basketId: input.basketId,
        customerId,
        ...(input.customerBasketId === undefined ? {} : { customerBasketId: input.customerBasketId }),
      });
      return { ...commandResponse(result), basketId: result.basketId };
    },
  });
  post(instance, deps, ownBasketRoute('/baskets/apply-coupon', bodies.applyCouponBody, commerce.applyCoupon));
  post(instance, deps, ownBasketRoute('/baskets/remove-coupon', bodies.removeCouponBody, commerce.removeCoupon));
  post(instance, deps, {
    path: '/baskets/abandon',
    roles: ADMIN,
    body: bodies.abandonBasketBody,
    run: async ({ deps, context, input }) =>
      commandResponse(
        await commerce.abandonIdleBasket(deps.handler, context, { basketId: input.basketId, now: context.occurredAt, ...(input.idleMinutes === undefined ? {} : { idleMinutes: input.idleMinutes }) }),
      ),
  });

  // Orders: payment results, expiry, processing, returns and refunds.
  post(instance, deps, {
    path: '/orders/record-payment',
    roles: ADMIN,
    body: bodies.recordPaymentBody,
    run: async ({ deps, context, input }) => {
      const result = await commerce.recordPaymentResult(deps.handler, context, input, processes);
      const order = await commerce.loadPlacedOrder(deps.handler, context, input.orderId);
      return { ...commandResponse(result), status: order.status };
    },
  });
  post(instance, deps, {
    path: '/orders/expire-unpaid',
    roles: ADMIN,
    body: bodies.expireUnpaidBody,
    run: async ({ deps, context, input }) => {
      const cancelled = await commerce.expireUnpaidOrder(deps.handler, context, { orderId: input.orderId, now: context.occurredAt }, processes);
      const loaded = await deps.handler.load(orderDecider, commerce.orderStream(context.tenantId, input.orderId));
      // The checkout process records each compensation step after it: its stream's last event is the latest this command caused.
      const process = await deps.handler.load(checkoutProcessDecider, commerce.checkoutStream(context.tenantId, input.orderId));
      const position = latestPosition(loaded.lastPosition, process.lastPosition);
      return { ...commandResponse({ streamId: commerce.orderStream(context.tenantId, input.orderId), revision: loaded.revision, position, events: [] }), cancelled };
    },
  });
  post(instance, deps, adminRoute('/orders/start-processing', bodies.startProcessingBody, commerce.startOrderProcessing));
  post(instance, deps, {
    path: '/orders/return-items',
    roles: ADMIN,
    body: bodies.returnItemsBody,
    run: ({ deps, context, input }) => withId(context, input, 'returnId', 'return', (i) => commerce.returnOrderItems(deps.handler, context, i)),
  });
  post(instance, deps, {
    path: '/orders/refund',
    roles: ADMIN,
    body: bodies.refundOrderBody,
    run: ({ deps, context, input }) => withId(context, input, 'refundId', 'refund', (i) => commerce.refundOrder(deps.handler, context, i)),
  });

  // Promotions (admin).
  post(instance, deps, adminRoute('/promotions/create', bodies.createCampaignBody, commerce.createCampaign));
  post(instance, deps, adminRoute('/promotions/end', bodies.endCampaignBody, commerce.endCampaign));
  return Promise.resolve();
};
