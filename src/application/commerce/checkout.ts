import { basketDecider, basketLines } from '../../domain/basket/index.js';
import { orderDecider, type OrderPayment, type PaymentMethod } from '../../domain/order/index.js';
import { DomainError, type Money } from '../../domain/shared/index.js';
import { stockDecider } from '../../domain/stock/index.js';
import { walletDecider } from '../../domain/wallet/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { WrongExpectedRevisionError, latestPosition, type Position } from '../ports/event-store.js';
import { refundWallet, releaseReservations } from './orders.js';
import { basketStream, orderStream, stockStream, walletStream } from './streams.js';

/**
 * How a checkout is paid. `wallet` is taken from the customer's wallet now; the rest of
 * the order total is paid `external`ly (card, boleto, bank transfer). When the provider
 * has already `captured` it, the order is confirmed at once; otherwise it stays pending
 * until `confirmOrderPayment` brings the provider's result.
 */
export interface CheckoutPayment {
  readonly wallet?: Money;
  readonly external?: { readonly method: Exclude<PaymentMethod, 'wallet'>; readonly reference: string; readonly captured: boolean };
}

/** Input of `checkout`. `orderId` is chosen by the caller; `shipping` in minor units. */
export interface CheckoutInput {
  readonly basketId: string;
  readonly orderId: string;
  readonly shipping: Money;
  readonly payment: CheckoutPayment;
}

/**
 * What `checkout` did: the order stream's result (its `position` is the last event any
 * step wrote, so a query waiting for it sees reservations and wallet debits too) and
 * whether the order is already confirmed.
 */
export interface CheckoutResult {
  readonly order: CommandResult<unknown>;
  readonly confirmed: boolean;
  readonly total: Money;
}

/**
 * Checks a basket out: places the order from the basket's lines, reserves each line's
 * stock, takes the wallet part, marks the basket checked out, and confirms the payment
 * when it is complete.
 *
 * Orchestration is synchronous. If a step fails, the steps already done are undone
 * (reservations released, wallet refunded) and the order is cancelled with the reason,
 * then the step's error is rethrown; the basket stays open so the customer can fix it.
 *
 * @throws DomainError the basket's rejections (`basket-not-found`, `basket-not-open`,
 *   `empty-basket`), `payment-exceeds-total` / `payment-incomplete` (unprocessable),
 *   `insufficient-stock`, `insufficient-funds`, `wallet-not-found`, `basket-changed`
 *   (the basket was edited during checkout)
 */
export async function checkout(handler: CommandHandler, context: CommandContext, input: CheckoutInput): Promise<CheckoutResult> {
  const { tenantId } = context;
  const step = (name: string) => followUp(context, `${context.commandId}:${name}`);

  const basket = await handler.load(basketDecider, basketStream(tenantId, input.basketId));
  basketDecider.decide({ type: 'CheckOutBasket', data: { basketId: input.basketId, orderId: input.orderId } }, basket.state);
  const lines = basketLines(basket.state);

  const order = await handler.handle(
    orderDecider,
    orderStream(tenantId, input.orderId),
    {
      type: 'PlaceOrder',
      data: { orderId: input.orderId, customerId: basket.state.customerId, basketId: input.basketId, lines, shipping: input.shipping },
    },
    step('place-order'),
  );
  const placed = order.events[0]!;
  if (placed.type !== 'OrderPlaced') throw new Error('PlaceOrder did not emit OrderPlaced');
  const total = placed.data.total;
  const payments = planPayments(total, input.payment);
  const placedOrder = { orderId: input.orderId, customerId: basket.state.customerId, lines: placed.data.lines };

  let position: Position | undefined = order.position;
  const track = <R extends { position: Position | undefined }>(result: R): R => {
    position = latestPosition(position, result.position);
    return result;
  };
  try {
    for (const [i, line] of lines.entries()) {
      track(await handler.handle(
        stockDecider,
        stockStream(tenantId, line.sku, line.warehouseId),
        { type: 'ReserveStock', data: { sku: line.sku, warehouseId: line.warehouseId, orderId: input.orderId, quantity: line.quantity } },
        step(`reserve-stock:${i}`),
      ));
    }
    const walletPart = payments.find((p) => p.method === 'wallet');
    if (walletPart) {
      track(await handler.handle(
        walletDecider,
        walletStream(tenantId, basket.state.customerId),
        { type: 'DebitWalletForOrder', data: { walletId: basket.state.customerId, orderId: input.orderId, amount: walletPart.amount } },
        step('debit-wallet'),
      ));
    }
    const checkedOut = await handler
      .handle(
        basketDecider,
        basketStream(tenantId, input.basketId),
        { type: 'CheckOutBasket', data: { basketId: input.basketId, orderId: input.orderId } },
        step('check-out-basket'),
        { expectedRevision: basket.revision },
      )
      .catch((error: unknown) => {
        if (error instanceof WrongExpectedRevisionError) {
          throw new DomainError('basket-changed', 'the basket changed during checkout; review it and check out again', 'conflict', { basketId: input.basketId });
        }
        throw error;
      });
    track(checkedOut);
  } catch (error) {
    const reason = error instanceof DomainError ? `checkout-failed:${error.code}` : 'checkout-failed:error';
    await releaseReservations(handler, step('compensate'), placedOrder, reason);
    await refundWallet(handler, step('compensate'), placedOrder);
    await handler.handle(orderDecider, orderStream(tenantId, input.orderId), { type: 'CancelOrder', data: { orderId: input.orderId, reason } }, step('cancel-order'));
    throw error;
  }

  const paidNow = payments.every((p) => p.method === 'wallet') || input.payment.external?.captured === true;
  if (!paidNow) return { order: { ...order, position }, confirmed: false, total };
  const confirmed = await handler.handle(
    orderDecider,
    orderStream(tenantId, input.orderId),
    { type: 'ConfirmOrderPayment', data: { orderId: input.orderId, payments } },
    step('confirm-payment'),
  );
  return { order: { ...confirmed, position: latestPosition(position, confirmed.position) }, confirmed: true, total };
}

/**
 * Splits an order total into the wallet part and the external part.
 * @throws DomainError `payment-exceeds-total` when the wallet part is above the total,
 *   `payment-incomplete` when something is left to pay and no external method is given
 */
export function planPayments(total: Money, payment: CheckoutPayment): OrderPayment[] {
  const walletMinor = payment.wallet?.minor ?? 0;
  if (walletMinor > total.minor) {
    throw new DomainError('payment-exceeds-total', 'the wallet part is larger than the order total', 'unprocessable', { total, wallet: payment.wallet });
  }
  const payments: OrderPayment[] = [];
  if (payment.wallet && walletMinor > 0) payments.push({ method: 'wallet', amount: payment.wallet, reference: 'wallet' });
  const rest = total.minor - walletMinor;
  if (rest > 0) {
    if (!payment.external) {
      throw new DomainError('payment-incomplete', 'the wallet part does not cover the total and no other payment is given', 'unprocessable', { total, wallet: payment.wallet ?? null });
    }
    payments.push({ method: payment.external.method, amount: { minor: rest, currency: total.currency }, reference: payment.external.reference });
  }
  return payments;
}
