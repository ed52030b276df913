import type { CommandHandler } from '../application/command-handler.js';
import type { EventStore } from '../application/ports/event-store.js';
import { WalletTransferProcessManager, walletTransferSubscriber } from '../application/process-managers/wallet-transfer/index.js';
import { startProcessManagerRunner, type ProcessManagerRunner, type ProcessManagerRunnerDeps } from './process-manager-runner.js';

/** The wallet-transfer process manager's row in `process_manager_checkpoints`. */
export const WALLET_TRANSFER_CHECKPOINT = 'wallet-transfer-process-manager';

/**
 * Runs the wallet-transfer process manager in the service (`startProcessManagerRunner`, row
 * `wallet-transfer-process-manager`): every sent wallet transfer is settled, received by the
 * receiving wallet or refused there and reversed to the sender.
 */
export function startWalletTransferRunner(deps: ProcessManagerRunnerDeps & { store: EventStore; handler: CommandHandler }): Promise<ProcessManagerRunner> {
  const manager = new WalletTransferProcessManager(deps.handler);
  return startProcessManagerRunner(deps, WALLET_TRANSFER_CHECKPOINT, 'wallet transfer', (options) => walletTransferSubscriber(deps.store, manager, options));
}
