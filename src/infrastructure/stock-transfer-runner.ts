import type { CommandHandler } from '../application/command-handler.js';
import type { EventStore } from '../application/ports/event-store.js';
import { StockTransferProcessManager, stockTransferSubscriber } from '../application/process-managers/stock-transfer/index.js';
import { startProcessManagerRunner, type ProcessManagerRunner, type ProcessManagerRunnerDeps } from './process-manager-runner.js';

/** The stock-transfer process manager's row in `process_manager_checkpoints`. */
export const STOCK_TRANSFER_CHECKPOINT = 'stock-transfer-process-manager';

/**
 * Runs the stock-transfer process manager in the service (`startProcessManagerRunner`, row
 * `stock-transfer-process-manager`): every sent stock transfer is settled, received at the
 * destination or refused there and reversed to the source.
 */
export function startStockTransferRunner(deps: ProcessManagerRunnerDeps & { store: EventStore; handler: CommandHandler }): Promise<ProcessManagerRunner> {
  const manager = new StockTransferProcessManager(deps.handler);
  return startProcessManagerRunner(deps, STOCK_TRANSFER_CHECKPOINT, 'stock transfer', (options) => stockTransferSubscriber(deps.store, manager, options));
}
