import type { CommandHandler } from '../application/command-handler.js';
import type { EventStore } from '../application/ports/event-store.js';
import { OrderShipmentProcessManager, orderShipmentSubscriber } from '../application/process-managers/order-shipment/index.js';
import { startProcessManagerRunner, type ProcessManagerRunner, type ProcessManagerRunnerDeps } from './process-manager-runner.js';

/** The order-shipment process manager's row in `process_manager_checkpoints`. */
export const ORDER_SHIPMENT_CHECKPOINT = 'order-shipment-process-manager';

/**
 * Runs the order-shipment process manager in the service (`startProcessManagerRunner`, row
 * `order-shipment-process-manager`): every shipped order gets the stock shipments a crash left
 * undone, without a client sending the ship again.
 */
export function startOrderShipmentRunner(deps: ProcessManagerRunnerDeps & { store: EventStore; handler: CommandHandler }): Promise<ProcessManagerRunner> {
  const manager = new OrderShipmentProcessManager(deps.handler);
  return startProcessManagerRunner(deps, ORDER_SHIPMENT_CHECKPOINT, 'order shipment', (options) => orderShipmentSubscriber(deps.store, manager, options));
}
