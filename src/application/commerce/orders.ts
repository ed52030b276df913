import {
  orderDecider,
  recordedRefund,
  recordedReturn,
  returnRefundId,
  type ExternalPaymentMethod,
  type OrderEvent,
  type OrderPayment,
  type OrderStatus,
  type PlacedOrderState,
} from '../../domain/order/index.js';
import { DomainError, money, type Money } from '../../domain/shared/index.js';
import { reservationOf, returnableFor, returnOf, stockDecider } from '../../domain/stock/index.js';
import { paidForOrder, walletDecider } from '../../domain/wallet/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { CheckoutProcessManager, expireOrder, observedIn } from '../process-managers/checkout/index.js';
import { latestPosition, type Position } from '../ports/event-store.js';
import { originalResult } from './original-result.js';
import { orderStream, stockStream, walletStream } from './streams.js';

/** Options of the order use cases that let the checkout process react. */
export interface OrderUseCaseOptions {
  /** The process manager (default: a new one on the same handler). */
  readonly manager?: CheckoutProcessManager;
  /** Longest the call drives the order's checkout process, in ms (default 10 000). */
  readonly maxWaitMs?: number;
}

/**
 * Lets an order's checkout process react to the event `result` appended that it observes (the
 * cancellation, not the refund appended with it; synchronously, bounded); the subscriber would
 * deliver it too (at least once, deduplicated by its id `<stream>@<revision>`).
 * @returns the last position the process wrote, or `undefined` (no such event, or no process)
 */
async function notifyProcess(
  handler: CommandHandler,
  context: CommandContext,
  orderId: string,
  result: CommandResult<OrderEvent>,
  options: OrderUseCaseOptions,
): Promise<{ position: Position | undefined; hasProcess: boolean }> {
  const observed = observedIn(result.streamId, result.revision, result.events);
  if (!observed) return { position: undefined, hasProcess: false };
  const manager = options.manager ?? new CheckoutProcessManager(handler);
  const trigger = { actor: context.actor, correlationId: context.correlationId, at: context.occurredAt };
  const hasProcess = await manager.observe(context.tenantId, orderId, observed.source, trigger, observed.event);
  if (!hasProcess) return { position: undefined, hasProcess };
  const run = await manager.drive(context.tenantId, orderId, { maxMs: options.maxWaitMs ?? 10_000 });
  return { position: run.position, hasProcess };
}

/**
 * Records the payment of a pending order (the provider's result for card, boleto or bank
 * transfer, plus any wallet part already taken at checkout); its checkout process completes.
 * @throws DomainError `order-not-found`, `order-not-payable`, `payment-amount-mismatch`
 */
export async function confirmOrderPayment(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; payments: readonly OrderPayment[] },
  options: OrderUseCaseOptions = {},
): Promise<CommandResult<OrderEvent>> {
  const result = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'ConfirmOrderPayment', data: input }, context);
  const notified = await notifyProcess(handler, context, input.orderId, result, options);
  return { ...result, position: latestPosition(result.position, notified.position) };
}

/**
 * The external payment's result as the card provider (or an admin for a bank transfer) reports
 * it: captured → the checkout process confirms the order; declined → it cancels the order
 * (`payment-declined: <reason>`), releases stock, coupon and wallet part, and reopens the basket.
 * Once a payment of the order is captured, a decline is refused (`payment-already-captured`):
 * it must not cancel an order that is paid.
 * A capture reported for an order cancelled meanwhile is recorded with its refund
 * (`OrderRefunded` `capture:<reference>`, to that payment).
 * @throws DomainError `order-not-found`, `order-not-payable`, `payment-amount-mismatch`,
 *   `payment-method-mismatch`, `payment-already-captured`, `invalid-reason`
 */
export async function recordPaymentResult(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; method: ExternalPaymentMethod; reference: string; amount: Money; outcome: 'captured' | 'declined'; reason?: string },
  options: OrderUseCaseOptions = {},
): Promise<CommandResult<OrderEvent>> {
  const result = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'RecordPaymentResult', data: input }, context);
  const notified = await notifyProcess(handler, context, input.orderId, result, options);
  const order = await handler.load(orderDecider, orderStream(context.tenantId, input.orderId));
  return { ...result, revision: order.revision, position: latestPosition(result.position, notified.position, order.lastPosition) };
}

/**
 * Cancels an unpaid order whose payment was due by `now` (ISO 8601; the scheduler's time):
 * reason `reservation-expired`; its checkout process releases the reservations, the coupon
 * and the wallet part. A no-op for orders paid or over.
 * @returns whether the order was cancelled
 * @throws DomainError `order-not-found`; `order-not-expired` is answered as `false`
 */
export async function expireUnpaidOrder(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; now: string },
  options: OrderUseCaseOptions = {},
): Promise<boolean> {
  return expireOrder(handler, options.manager ?? new CheckoutProcessManager(handler), context.tenantId, input.orderId, input.now, options.maxWaitMs);
}

/**
 * The warehouse starts processing a confirmed order.
 * @throws DomainError `order-not-found`, `order-not-processable`
 */
export function startOrderProcessing(handler: CommandHandler, context: CommandContext, input: { orderId: string }): Promise<CommandResult<OrderEvent>> {
  return handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'StartOrderProcessing', data: input }, context);
}

/** The statuses of an order that has shipped: `shipped`, and those that can only follow it. */
export const SHIPPED_STATUSES: readonly OrderStatus[] = ['shipped', 'delivered', 'returned'];

/**
 * Ships a confirmed or processing order (`OrderShipped`) and commits its reserved units in each
 * warehouse it was allocated to (`ShipStock`). The result's `position` is the last event written
 * by any step.
 *
 * Shipping an order that has shipped already (`SHIPPED_STATUSES`) completes it: the stock
 * shipments a crash left undone after `OrderShipped` are made (each stock stream ships the units
 * it holds reserved for the order, once: a stream that shipped for the order ships nothing
 * again), and the answer is the original `OrderShipped`'s revision and position, or the latest
 * stock shipment made now. So the same ship sent again, under any command id, finishes a ship
 * that was interrupted and otherwise changes nothing.
 * @throws DomainError `order-not-found`, `order-not-shippable` (pending, cancelled)
 */
export async function shipOrder(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; carrier?: string; trackingNumber?: string },
): Promise<CommandResult<OrderEvent>> {
  const stream = orderStream(context.tenantId, input.orderId);
  const loaded = await handler.load(orderDecider, stream);
  const done: CommandResult<OrderEvent> = SHIPPED_STATUSES.includes(loaded.state.status)
    ? { streamId: stream, revision: loaded.revision, position: loaded.lastPosition, events: [] }
    : await handler.handle(orderDecider, stream, { type: 'ShipOrder', data: input }, context);
  const result = await originalResult(handler, done, { type: 'OrderShipped', data: { orderId: input.orderId } });
  const shipped = await shipReservedStock(handler, context, await loadPlacedOrder(handler, context, input.orderId));
  return { ...result, position: latestPosition(result.position, shipped) };
}

/**
 * Ships (`ShipStock`) the units each stock stream of the order holds reserved for it. A stream
 * without such a reservation, or that shipped for the order already (a later reservation is
 * never shipped on top), is skipped, and so is one another runner ships meanwhile.
 * @returns the position of the last shipment written, if any
 */
async function shipReservedStock(handler: CommandHandler, context: CommandContext, order: PlacedOrderState): Promise<Position | undefined> {
  let position: Position | undefined;
  for (const [i, { sku, warehouseId }] of uniqueStockStreams(order).entries()) {
    const stream = stockStream(context.tenantId, sku, warehouseId);
    const { state } = await handler.load(stockDecider, stream);
    if (reservationOf(state, order.orderId) === undefined || Object.hasOwn(state.shipped, order.orderId)) continue;
    try {
      const shipped = await handler.handle(
        stockDecider,
        stream,
        { type: 'ShipStock', data: { sku, warehouseId, orderId: order.orderId } },
        followUp(context, `${context.commandId}:ship-stock:${i}`),
      );
      position = latestPosition(position, shipped.position);
    } catch (error) {
      // Shipped by another runner (the process manager, a retry) between the load and the append.
      if (!(error instanceof DomainError && error.code === 'reservation-not-found')) throw error;
    }
  }
  return position;
}

/**
 * Marks a shipped order delivered.
 * @throws DomainError `order-not-found`, `order-not-deliverable`
 */
export function deliverOrder(handler: CommandHandler, context: CommandContext, input: { orderId: string }): Promise<CommandResult<OrderEvent>> {
  return handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'DeliverOrder', data: input }, context);
}

/**
 * Cancels an order. The order records, in the same append, the refund of the external payments
 * it captured (`OrderRefunded` `cancellation`, naming each payment's method, reference and
 * amount for the payment provider); its checkout process then releases the stock reservations
 * and the coupon and refunds what the wallet paid. Orders placed before checkout processes
 * existed are compensated here directly. The result is the order stream's (`revision`: of its
 * last event, `OrderRefunded` when one is appended with the cancellation), with the latest
 * `$all` position the command caused: its own events and the compensation it ran
 * synchronously (the process's steps, or the direct releases and wallet refund), so a query
 * given that position reflects the compensation too.
 * @throws DomainError `order-not-found`, `order-not-cancellable`, `invalid-reason`
 */
export async function cancelOrder(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; reason: string },
  options: OrderUseCaseOptions = {},
): Promise<CommandResult<OrderEvent>> {
  const result = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'CancelOrder', data: input }, context);
  const notified = await notifyProcess(handler, context, input.orderId, result, options);
  if (notified.hasProcess) return { ...result, position: latestPosition(result.position, notified.position) };
  const order = await loadPlacedOrder(handler, context, input.orderId);
  const released = await releaseReservations(handler, context, order, input.reason);
  const refunded = await refundWallet(handler, context, order);
  return { ...result, position: latestPosition(result.position, released, refunded) };
}

/**
 * Records the return of items of a delivered order with its refund (one append to the order
 * stream: `OrderItemsReturned` and `OrderRefunded` `return:<returnId>`, the paid price of the
 * items capped at what the order has left to refund, paid − refunded so far), puts the units
 * back in the warehouses they were shipped from (unless `restock` is false, e.g. damaged goods),
 * and gives the refund's wallet part back to the wallet.
 *
 * Idempotent per `returnId`: the same return again (same units per SKU, reason and restock,
 * under any command id) appends nothing to the order, runs again whatever step a crash left
 * undone (each is idempotent per return: `ReturnStock` per stock stream, `RefundToWallet` per
 * refund id) and answers the original return's revision and position (the latest of its steps),
 * never those of later events. A return recorded before refunds were appended with it gets its
 * missing refund on such a repeat.
 * @throws DomainError `order-not-found`, `order-not-returnable`, `item-not-in-order`,
 *   `return-exceeds-ordered`, `empty-return`, `invalid-reason`, `return-exists` (409: that
 *   `returnId` was recorded with other items, reason or restock)
 */
export async function returnOrderItems(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; returnId: string; items: readonly { sku: string; quantity: number }[]; reason: string; restock?: boolean },
): Promise<CommandResult<OrderEvent>> {
  const stream = orderStream(context.tenantId, input.orderId);
  const done = await handler.handle(orderDecider, stream, { type: 'ReturnOrderItems', data: input }, context);
  const result = await originalResult(handler, done, { type: 'OrderItemsReturned', data: { orderId: input.orderId, returnId: input.returnId } });
  const order = await loadPlacedOrder(handler, context, input.orderId);
  const recorded = recordedReturn(order, input.returnId);
  if (!recorded) return result;
  const restocked = (recorded.restock ?? input.restock ?? true) ? await restockReturn(handler, context, order, input.returnId, recorded.units) : undefined;
  const refunded = await refundWalletPart(handler, context, order, returnRefundId(input.returnId));
  return { ...result, position: latestPosition(result.position, restocked, refunded) };
}

/**
 * Puts the units of return `returnId` (`units` per SKU) back on hand in the warehouses the order
 * was allocated to, at most what each shipped for the order and not yet got back; a stock stream
 * that already holds this return counts as done (a retry puts nothing back twice).
 * @returns the latest position of the stock returns (original ones when they were done before)
 */
async function restockReturn(
  handler: CommandHandler,
  context: CommandContext,
  order: PlacedOrderState,
  returnId: string,
  units: Readonly<Record<string, number>>,
): Promise<Position | undefined> {
  let position: Position | undefined;
  const left = new Map(Object.entries(units));
  for (const [i, { sku, warehouseId }] of uniqueStockStreams(order).entries()) {
    const wanted = left.get(sku) ?? 0;
    if (wanted <= 0) continue;
    const stockId = stockStream(context.tenantId, sku, warehouseId);
    const { state } = await handler.load(stockDecider, stockId);
    const quantity = returnOf(state, order.orderId, returnId) ?? Math.min(wanted, returnableFor(state, order.orderId));
    if (quantity <= 0) continue;
    const put = await handler.handle(
      stockDecider,
      stockId,
      { type: 'ReturnStock', data: { sku, warehouseId, orderId: order.orderId, quantity, returnId } },
      followUp(context, `${context.commandId}:return-stock:${i}`),
    );
    const original = await originalResult(handler, put, { type: 'StockReturned', data: { orderId: order.orderId, returnId } });
    position = latestPosition(position, original.position);
    left.set(sku, wanted - quantity);
  }
  return position;
}

/**
 * Gives the wallet part of the order's refund `refundId` back to the customer's wallet
 * (`RefundToWallet`, idempotent per refund id); nothing when the refund has no wallet part.
 * @returns the position of the wallet refund (the original one when it was done before)
 */
async function refundWalletPart(handler: CommandHandler, context: CommandContext, order: PlacedOrderState, refundId: string): Promise<Position | undefined> {
  const refund = recordedRefund(order, refundId);
  if (!refund || refund.toWallet <= 0) return undefined;
  const wallet = await handler.handle(
    walletDecider,
    walletStream(context.tenantId, order.customerId),
    {
      type: 'RefundToWallet',
      data: { walletId: order.customerId, orderId: order.orderId, amount: money(refund.toWallet, refund.amount.currency), refundId, reason: refund.reason },
    },
    followUp(context, `${context.commandId}:refund-wallet`),
  );
  return (await originalResult(handler, wallet, { type: 'WalletRefunded', data: { orderId: order.orderId, refundId } })).position;
}

/**
 * Refunds part or all of a delivered (or returned) order: records `OrderRefunded` and gives
 * its wallet part back to the customer's wallet (`RefundToWallet`, idempotent per refund id);
 * the external part is for the payment provider. A cancelled order can be refunded up to what
 * its external payments captured and no refund gave back yet (a manual correction, all of it to
 * those payments, listed in `toPayments`); more is `refund-exceeds-paid`.
 *
 * Idempotent per `refundId`: the same refund again (same amount and reason, under any command
 * id) appends nothing to the order, gives the wallet part back if a crash left that undone, and
 * answers the original refund's revision and position, never those of later events.
 * @throws DomainError `order-not-found`, `order-not-refundable`, `refund-exceeds-paid`, `invalid-amount`,
 *   `invalid-reason`, `refund-exists` (409: that `refundId` was recorded with another amount or reason)
 */
export async function refundOrder(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; refundId: string; amount: Money; reason: string },
): Promise<CommandResult<OrderEvent>> {
  const done = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'RefundOrder', data: input }, context);
  const result = await originalResult(handler, done, { type: 'OrderRefunded', data: { orderId: input.orderId, refundId: input.refundId } });
  const order = await loadPlacedOrder(handler, context, input.orderId);
  const wallet = await refundWalletPart(handler, context, order, input.refundId);
  return { ...result, position: latestPosition(result.position, wallet) };
}

/** The placed order's state. @throws DomainError `order-not-found` */
export async function loadPlacedOrder(handler: CommandHandler, context: CommandContext, orderId: string): Promise<PlacedOrderState> {
  const { state } = await handler.load(orderDecider, orderStream(context.tenantId, orderId));
  if (state.status === 'none') throw new DomainError('order-not-found', `no order ${orderId}`, 'conflict', { orderId });
  return state;
}

/** The distinct (SKU, warehouse) pairs an order was allocated to, in allocation order. */
function uniqueStockStreams(order: Pick<PlacedOrderState, 'allocations'>): { sku: string; warehouseId: string }[] {
  const seen = new Set<string>();
  return order.allocations.flatMap(({ sku, warehouseId }) => {
    const key = `${sku}@${warehouseId}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ sku, warehouseId }];
  });
}

/**
 * Releases every reservation an order holds (for orders without a checkout process); streams
 * without one (never reserved, or released by an earlier attempt) are skipped, so compensation
 * can be re-run.
 * @returns the position of the last release written, if any
 */
export async function releaseReservations(
  handler: CommandHandler,
  context: CommandContext,
  order: Pick<PlacedOrderState, 'orderId' | 'allocations'>,
  reason: string,
): Promise<Position | undefined> {
  let position: Position | undefined;
  for (const [i, { sku, warehouseId }] of uniqueStockStreams(order).entries()) {
    const stream = stockStream(context.tenantId, sku, warehouseId);
    const { state } = await handler.load(stockDecider, stream);
    if (!Object.hasOwn(state.reservations, order.orderId)) continue;
    const released = await handler.handle(
      stockDecider,
      stream,
      { type: 'ReleaseStock', data: { sku, warehouseId, orderId: order.orderId, reason } },
      followUp(context, `${context.commandId}:release-stock:${i}`),
    );
    position = latestPosition(position, released.position);
  }
  return position;
}

/**
 * Refunds to the customer's wallet whatever it still has paid for the order (nothing if none;
 * for orders without a checkout process).
 * @returns the refund's position, if one was written
 */
export async function refundWallet(
  handler: CommandHandler,
  context: CommandContext,
  order: Pick<PlacedOrderState, 'orderId' | 'customerId'>,
): Promise<Position | undefined> {
  const stream = walletStream(context.tenantId, order.customerId);
  const { state } = await handler.load(walletDecider, stream);
  const paid = state.status === 'open' ? paidForOrder(state, order.orderId) : 0;
  if (paid <= 0) return undefined;
  const refunded = await handler.handle(
    walletDecider,
    stream,
    { type: 'RefundToWallet', data: { walletId: order.customerId, orderId: order.orderId, amount: { minor: paid, currency: state.currency } } },
    followUp(context, `${context.commandId}:refund-wallet`),
  );
  return refunded.position;
}
