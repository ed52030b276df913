import { DateTime } from 'luxon';
import { basketDecider, basketLines, type BasketCheckedOut, type CheckoutTerms } from '../../domain/basket/index.js';
import { NO_SHIPPING_POLICY, initialOrderState, orderDecider, shippingPrice, type ExternalPaymentMethod, type ShippingPolicy } from '../../domain/order/index.js';
import { evaluateCoupon, promotionDecider } from '../../domain/promotion/index.js';
import { DomainError, type Money } from '../../domain/shared/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { CheckoutProcessManager, eventRef, type CheckoutFailure } from '../process-managers/checkout/index.js';
import { WrongExpectedRevisionError, latestPosition } from '../ports/event-store.js';
import { basketStream, orderStream, promotionStream } from './streams.js';

/**
 * How a checkout is paid. `wallet` is taken from the customer's wallet (bonus lots first);
 * the rest of the order total is paid `external`ly (card, bank transfer, boleto). When the
 * provider has already `captured` it, the order is confirmed at once; otherwise it stays
 * pending until the provider's result (`recordPaymentResult`) or an admin's confirmation.
 */
export interface CheckoutPayment {
  readonly wallet?: Money;
  readonly external?: { readonly method: ExternalPaymentMethod; readonly reference: string; readonly captured: boolean };
}

/**
 * Input of `checkout`. `orderId` is chosen by the caller; `shipping` in minor units: as given
 * (an admin's phone order, an importer's freight), or when absent priced by
 * `CheckoutOptions.shippingPolicy` on the subtotal after discount;
 * `warehouses`: other warehouses the lines may be allocated from, in priority order.
 */
export interface CheckoutInput {
  readonly basketId: string;
  readonly orderId: string;
  readonly shipping?: Money;
  readonly payment: CheckoutPayment;
  readonly warehouses?: readonly string[];
}

/** Options of `checkout`. */
export interface CheckoutOptions {
  /** The process manager to drive (default: a new one on the same handler). */
  readonly manager?: CheckoutProcessManager;
  /** Longest the caller waits for the process, in ms (default 10 000); it goes on from its stream afterwards. */
  readonly maxWaitMs?: number;
  /** Minutes the stock of an unpaid order stays reserved (default `RESERVATION_MINUTES`). */
  readonly reservationMinutes?: number;
  /** Prices shipping when `CheckoutInput.shipping` is absent (default `NO_SHIPPING_POLICY`: refused). */
  readonly shippingPolicy?: ShippingPolicy;
}

/** How long stock stays reserved for an order awaiting its payment, by default: 30 minutes. */
export const RESERVATION_MINUTES = 30;

/**
 * What `checkout` did: the order stream's revision with `position` = the last event any step
 * wrote (a query waiting for it sees the order, reservations, wallet debit and basket), the
 * `status` the process reached within the wait, whether the order is confirmed, and its total.
 * `processing`: the wait ended first; the process finishes from its stream.
 */
export interface CheckoutResult {
  readonly order: CommandResult<unknown>;
  readonly confirmed: boolean;
  readonly total: Money;
  readonly status: 'confirmed' | 'awaiting-payment' | 'processing';
}

/**
 * Checks a basket out through the checkout process manager:
 * 1. validates everything that can be known up front, appending nothing on failure: the
 *    basket can be checked out, its coupon applies now (discount), the order can be priced
 *    and the payment plan covers the total (`payment-exceeds-total`, `payment-incomplete`);
 * 2. checks the basket out (pinned to the revision read: an edit meanwhile is `basket-changed`)
 *    with the checkout terms: shipping, payment, discount, reservation expiry;
 * 3. starts the process (stream `checkout-<tenant>:<orderId>`) and drives it synchronously,
 *    at most `maxWaitMs`: allocate stock → place order → reserve line by line → redeem coupon →
 *    take the wallet part → confirm (or wait for the external payment).
 *
 * Choice: the HTTP request waits for the process (bounded) so the customer gets the outcome in
 * the answer; the same process is resumable from its stream by `CheckoutSubscriber` (and by
 * retrying the request with the same Idempotency-Key), so a crash or timeout never loses a step.
 * On failure the process has compensated (reservations released, coupon released, wallet
 * refunded, order cancelled with `checkout-failed:<code>`, basket reopened) and the step's
 * error is thrown. Retrying with the same order id resumes instead of checking out twice.
 *
 * @throws DomainError `shipping-unavailable` (422) when `shipping` is absent and the policy has no
 *   fee for the basket's currency; the basket's rejections (`basket-not-found`, `basket-not-open`, `empty-basket`,
 *   `basket-has-no-customer`), coupon rejections, `payment-exceeds-total` / `payment-incomplete`
 *   (422), `basket-changed`, and the failing step's error (`insufficient-stock`, `insufficient-funds`,
 *   `wallet-not-found`, `wallet-frozen`, `coupon-usage-limit-reached`, …)
 */
export async function checkout(handler: CommandHandler, context: CommandContext, input: CheckoutInput, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  const { tenantId } = context;
  const manager = options.manager ?? new CheckoutProcessManager(handler);
  const stream = basketStream(tenantId, input.basketId);
  const basket = await handler.load(basketDecider, stream);
  const resuming = basket.state.status === 'checked-out' && basket.state.orderId === input.orderId;
  const existing = (await manager.load(tenantId, input.orderId)).state;
  if (existing.status !== 'none' && existing.basketId !== input.basketId) {
    throw new DomainError('order-already-placed', `order ${input.orderId} belongs to another checkout`, 'conflict', { orderId: input.orderId });
  }
  // The same checkout again after it failed: the same answer, and the reopened basket stays open.
  if (existing.failure && !resuming) throw failureError(existing.failure);
  if (!resuming) basketDecider.decide({ type: 'CheckOutBasket', data: { basketId: input.basketId, orderId: input.orderId } }, basket.state);

  const lines = basketLines(basket.state);
  const subtotal = { minor: lines.reduce((s, l) => s + l.unitPrice.minor * l.quantity, 0), currency: basket.state.currency };
  const couponCode = basket.state.couponCode;
  const discount = couponCode === undefined ? undefined : await couponDiscount(handler, context, couponCode, basket.state.customerId, subtotal, input.orderId);
  const shipping = input.shipping ?? shippingPrice(options.shippingPolicy ?? NO_SHIPPING_POLICY, { minor: subtotal.minor - (discount?.minor ?? 0), currency: subtotal.currency });
  const placed = orderDecider.decide(
    {
      type: 'PlaceOrder',
      data: {
        orderId: input.orderId,
        customerId: basket.state.customerId,
        basketId: input.basketId,
        lines,
        shipping,
        ...(discount === undefined ? {} : { discount }),
        payment: {
          ...(input.payment.wallet === undefined ? {} : { wallet: input.payment.wallet }),
          ...(input.payment.external === undefined ? {} : { method: input.payment.external.method }),
        },
      },
    },
    initialOrderState,
  )[0]!;
  if (placed.type !== 'OrderPlaced') throw new Error('PlaceOrder did not emit OrderPlaced');
  const total = placed.data.total;

  const terms: CheckoutTerms = {
    shipping,
    payment: input.payment,
    ...(discount === undefined ? {} : { discount }),
    paymentDueBy: addMinutes(context.occurredAt, options.reservationMinutes ?? RESERVATION_MINUTES),
    ...(input.warehouses === undefined ? {} : { warehouses: input.warehouses }),
  };
  let checkedOut: CommandResult<unknown> = { streamId: stream, revision: basket.revision, position: basket.lastPosition, events: [] };
  if (!resuming) {
    checkedOut = await handler
      .handle(
        basketDecider,
        stream,
        { type: 'CheckOutBasket', data: { basketId: input.basketId, orderId: input.orderId, terms, at: context.occurredAt } },
        followUp(context, `${context.commandId}:check-out-basket`),
        { expectedRevision: basket.revision },
      )
      .catch((error: unknown) => {
        if (error instanceof WrongExpectedRevisionError) {
          throw new DomainError('basket-changed', 'the basket changed during checkout; review it and check out again', 'conflict', { basketId: input.basketId });
        }
        throw error;
      });
  }
  const event = checkedOut.events.find((e): e is BasketCheckedOut => (e as BasketCheckedOut).type === 'BasketCheckedOut');
  const data: BasketCheckedOut['data'] = event?.data ?? {
    basketId: input.basketId,
    orderId: input.orderId,
    customerId: basket.state.customerId,
    lines,
    subtotal,
    ...(couponCode === undefined ? {} : { couponCode }),
    terms,
  };
  const trigger = { actor: context.actor, correlationId: context.correlationId, at: context.occurredAt };
  const started = await manager.start(tenantId, data, eventRef(stream, checkedOut.revision), trigger);
  const run = await manager.drive(tenantId, input.orderId, { maxMs: options.maxWaitMs ?? 10_000 });
  if (run.state.failure) throw failureError(run.state.failure);

  const order = await handler.load(orderDecider, orderStream(tenantId, input.orderId));
  const status = run.state.completed ? 'confirmed' : run.state.status === 'awaiting-payment' ? 'awaiting-payment' : 'processing';
  return {
    order: {
      streamId: orderStream(tenantId, input.orderId),
      revision: order.revision,
      position: latestPosition(checkedOut.position, started.position, run.position, order.lastPosition),
      events: [],
    },
    confirmed: status === 'confirmed',
    total: order.state.status === 'none' ? total : order.state.total,
    status,
  };
}

/** A failed checkout's error as the caller sees it: the step's rule, or `order-cancelled` when the order was cancelled meanwhile. */
function failureError(failure: CheckoutFailure): DomainError {
  if (failure.step === 'order') return new DomainError('order-cancelled', failure.message, 'conflict', failure.details);
  return new DomainError(failure.code, failure.message, failure.kind, failure.details);
}

/** The discount coupon `code` gives this basket now. @throws DomainError the coupon's rejections */
async function couponDiscount(handler: CommandHandler, context: CommandContext, code: string, customerId: string, subtotal: Money, orderId: string): Promise<Money> {
  const { state } = await handler.load(promotionDecider, promotionStream(context.tenantId, code));
  return evaluateCoupon(state, { code, customerId, subtotal, at: context.occurredAt, orderId });
}

/** `iso` plus `minutes`, in the same UTC offset (ISO 8601 with milliseconds). */
export function addMinutes(iso: string, minutes: number): string {
  const time = DateTime.fromISO(iso, { setZone: true });
  if (!time.isValid) throw new DomainError('invalid-time', `business time is not ISO 8601: ${iso}`, 'unprocessable', { value: iso });
  return time.plus({ minutes }).toISO({ suppressMilliseconds: false, includeOffset: true });
}
