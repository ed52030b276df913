import { stockDecider, type StockEvent } from '../../domain/stock/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { stockStream } from './streams.js';

/** Input of `receiveStock`: `quantity` units of `sku` arrive at `warehouseId`; `reference` names the delivery. */
export interface ReceiveStockInput {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
  readonly reference: string;
}

/**
 * Records goods received into a warehouse.
 * @throws DomainError `invalid-quantity`
 */
export function receiveStock(handler: CommandHandler, context: CommandContext, input: ReceiveStockInput): Promise<CommandResult<StockEvent>> {
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'ReceiveStock', data: input }, context);
}

/**
 * Corrects on-hand stock by a signed `quantity` with a reason (stock count, damage…).
 * @throws DomainError `invalid-adjustment`, `invalid-reason`, `insufficient-stock` (cannot take reserved units)
 */
export function adjustStock(
  handler: CommandHandler,
  context: CommandContext,
  input: { sku: string; warehouseId: string; quantity: number; reason: string; reference: string },
): Promise<CommandResult<StockEvent>> {
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'AdjustStock', data: input }, context);
}

/**
 * Sets the low-stock threshold of a SKU in a warehouse (alerts on from then).
 * @throws DomainError `invalid-threshold`
 */
export function setStockThreshold(
  handler: CommandHandler,
  context: CommandContext,
  input: { sku: string; warehouseId: string; lowStock: number },
): Promise<CommandResult<StockEvent>> {
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'SetStockThreshold', data: input }, context);
}

/**
 * Moves `quantity` available units of `sku` from one warehouse to another as one business
 * operation: the out half (`StockTransferredOut`, which checks availability) then the in half
 * (`StockTransferredIn`, which cannot be refused for a valid quantity), both idempotent per
 * `transferId` with command ids derived from this command's — re-running the same command
 * after a crash between the halves completes the transfer without moving the units twice.
 * @throws DomainError `insufficient-stock`, `invalid-quantity`, `invalid-transfer`, `transfer-exists`
 */
export async function transferStock(
  handler: CommandHandler,
  context: CommandContext,
  input: { sku: string; fromWarehouseId: string; toWarehouseId: string; quantity: number; transferId: string },
): Promise<CommandResult<StockEvent>> {
  const { sku, fromWarehouseId, toWarehouseId, quantity, transferId } = input;
  const out = await handler.handle(
    stockDecider,
    stockStream(context.tenantId, sku, fromWarehouseId),
    { type: 'TransferStockOut', data: { sku, warehouseId: fromWarehouseId, transferId, toWarehouseId, quantity } },
    followUp(context, `${context.commandId}:out`),
  );
  const into = await handler.handle(
    stockDecider,
    stockStream(context.tenantId, sku, toWarehouseId),
    { type: 'TransferStockIn', data: { sku, warehouseId: toWarehouseId, transferId, fromWarehouseId, quantity } },
    followUp(context, `${context.commandId}:in`),
  );
  return { ...into, position: latestPosition(out.position, into.position), events: [...out.events, ...into.events] };
}
