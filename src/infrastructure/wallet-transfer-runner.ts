import type pg from 'pg';
import type { Logger } from 'pino';
import type { CommandHandler } from '../application/command-handler.js';
import { formatPosition, type EventStore } from '../application/ports/event-store.js';
import { WalletTransferProcessManager, WalletTransferSubscriber } from '../application/process-managers/wallet-transfer/index.js';
import { loadProcessManagerCheckpoint, saveProcessManagerCheckpoint } from './process-manager-checkpoints.js';

/** The wallet-transfer process manager's row in `process_manager_checkpoints`. */
export const WALLET_TRANSFER_CHECKPOINT = 'wallet-transfer-process-manager';

/** A running wallet-transfer subscriber; `stop()` ends it after the transfer it is settling. */
export interface WalletTransferRunner {
  stop(): Promise<void>;
}

/**
 * Runs the wallet-transfer process manager in the service: a `$all` subscriber, resumed from
 * `process_manager_checkpoints` (row `wallet-transfer-process-manager`; from the start of `$all`
 * the first time, which settles the transfers left pending before it existed), that settles
 * every sent transfer: received, or refused and reversed. Failures are logged; a failed pass is
 * retried with backoff (`retryMinMs`, default 500 ms, doubling up to 30 s).
 */
export async function startWalletTransferRunner(deps: {
  store: EventStore;
  handler: CommandHandler;
  pool: pg.Pool;
  logger: Logger;
  retryMinMs?: number;
}): Promise<WalletTransferRunner> {
  const manager = new WalletTransferProcessManager(deps.handler);
  const subscriber = new WalletTransferSubscriber(deps.store, manager, {
    from: await loadProcessManagerCheckpoint(deps.pool, WALLET_TRANSFER_CHECKPOINT),
    onCheckpoint: (p) => saveProcessManagerCheckpoint(deps.pool, WALLET_TRANSFER_CHECKPOINT, p),
    onError: (error, event) =>
      deps.logger.error(
        { err: error, event: event && { streamId: event.streamId, revision: event.revision.toString(), transferId: event.data.transferId }, checkpoint: formatPosition(subscriber.checkpoint) },
        'wallet transfer not settled',
      ),
    ...(deps.retryMinMs === undefined ? {} : { retryMinMs: deps.retryMinMs }),
  });
  const loop = subscriber.run().catch((error: unknown) => {
    deps.logger.error({ err: error, checkpoint: formatPosition(subscriber.checkpoint) }, 'wallet-transfer process manager stopped');
  });
  return {
    async stop() {
      subscriber.stop();
      await loop;
    },
  };
}
