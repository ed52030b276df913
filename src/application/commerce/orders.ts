import { orderDecider, type OrderEvent, type OrderPayment, type PlacedOrderState } from '../../domain/order/index.js';
import { DomainError } from '../../domain/shared/index.js';
import { stockDecider } from '../../domain/stock/index.js';
import { walletDecider } from '../../domain/wallet/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition, type Position } from '../ports/event-store.js';
import { orderStream, stockStream, walletStream } from './streams.js';

/**
 * Records the payment of a pending order (the provider's result for card, boleto or
 * bank transfer, plus any wallet part already taken at checkout).
 * @throws DomainError `order-not-found`, `order-not-payable`, `payment-amount-mismatch`
 */
export function confirmOrderPayment(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; payments: readonly OrderPayment[] },
): Promise<CommandResult<OrderEvent>> {
  return handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'ConfirmOrderPayment', data: input }, context);
}

/**
 * Ships a confirmed order and takes its reserved units out of each warehouse.
 * The stock steps run after the order event (synchronous orchestration). The result's
 * `position` is the last event written by any step, so a query waiting for it sees them all.
 * @throws DomainError `order-not-found`, `order-not-shippable`
 */
export async function shipOrder(
  handler: CommandHandler,
  context: CommandContext,
  input: { orderId: string; carrier?: string; trackingNumber?: string },
): Promise<CommandResult<OrderEvent>> {
  const result = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'ShipOrder', data: input }, context);
  const order = await loadPlacedOrder(handler, context, input.orderId);
  let position = result.position;
  for (const [i, line] of order.lines.entries()) {
    const shipped = await handler.handle(
      stockDecider,
      stockStream(context.tenantId, line.sku, line.warehouseId),
      { type: 'ShipStock', data: { sku: line.sku, warehouseId: line.warehouseId, orderId: input.orderId } },
      followUp(context, `${context.commandId}:ship-stock:${i}`),
    );
    position = latestPosition(position, shipped.position);
  }
  return { ...result, position };
}

/**
 * Marks a shipped order delivered.
 * @throws DomainError `order-not-found`, `order-not-deliverable`
 */
export function deliverOrder(handler: CommandHandler, context: CommandContext, input: { orderId: string }): Promise<CommandResult<OrderEvent>> {
  return handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'DeliverOrder', data: input }, context);
}

/**
 * Cancels an order, then releases its stock reservations and refunds what its
 * customer's wallet paid for it. The result's `position` is the last event written.
 * @throws DomainError `order-not-found`, `order-not-cancellable`, `invalid-reason`
 */
export async function cancelOrder(handler: CommandHandler, context: CommandContext, input: { orderId: string; reason: string }): Promise<CommandResult<OrderEvent>> {
  const result = await handler.handle(orderDecider, orderStream(context.tenantId, input.orderId), { type: 'CancelOrder', data: input }, context);
  const order = await loadPlacedOrder(handler, context, input.orderId);
  const released = await releaseReservations(handler, context, order, input.reason);
  const refunded = await refundWallet(handler, context, order);
  return { ...result, position: latestPosition(result.position, released, refunded) };
}

/** The placed order's state. @throws DomainError `order-not-found` */
export async function loadPlacedOrder(handler: CommandHandler, context: CommandContext, orderId: string): Promise<PlacedOrderState> {
  const { state } = await handler.load(orderDecider, orderStream(context.tenantId, orderId));
  if (state.status === 'none') throw new DomainError('order-not-found', `no order ${orderId}`, 'conflict', { orderId });
  return state;
}

/**
 * Releases every reservation an order holds; lines without one (never reserved, or
 * released by an earlier attempt) are skipped, so compensation can be re-run.
 * @returns the position of the last release written, if any
 */
export async function releaseReservations(
  handler: CommandHandler,
  context: CommandContext,
  order: Pick<PlacedOrderState, 'orderId' | 'lines'>,
  reason: string,
): Promise<Position | undefined> {
  let position: Position | undefined;
  for (const [i, line] of order.lines.entries()) {
    const stream = stockStream(context.tenantId, line.sku, line.warehouseId);
    const { state } = await handler.load(stockDecider, stream);
    if (!Object.hasOwn(state.reservations, order.orderId)) continue;
    const released = await handler.handle(
      stockDecider,
      stream,
      { type: 'ReleaseStock', data: { sku: line.sku, warehouseId: line.warehouseId, orderId: order.orderId, reason } },
      followUp(context, `${context.commandId}:release-stock:${i}`),
    );
    position = latestPosition(position, released.position);
  }
  return position;
}

/**
 * Refunds to the customer's wallet whatever it still has paid for the order (nothing if none).
 * @returns the refund's position, if one was written
 */
export async function refundWallet(
  handler: CommandHandler,
  context: CommandContext,
  order: Pick<PlacedOrderState, 'orderId' | 'customerId'>,
): Promise<Position | undefined> {
  const stream = walletStream(context.tenantId, order.customerId);
  const { state } = await handler.load(walletDecider, stream);
  const paid = state.status === 'open' && Object.hasOwn(state.paidByOrder, order.orderId) ? (state.paidByOrder[order.orderId] ?? 0) : 0;
  if (paid <= 0) return undefined;
  const refunded = await handler.handle(
    walletDecider,
    stream,
    { type: 'RefundToWallet', data: { walletId: order.customerId, orderId: order.orderId, amount: { minor: paid, currency: state.currency } } },
    followUp(context, `${context.commandId}:refund-wallet`),
  );
  return refunded.position;
}
