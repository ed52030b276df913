import { stockDecider, type StockEvent } from '../../domain/stock/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
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
