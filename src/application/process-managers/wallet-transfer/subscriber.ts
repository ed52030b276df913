import type { EventStore } from '../../ports/event-store.js';
import type { CatchUpLoop } from '../catch-up.js';
import { settlingSubscriber, type SettlingSubscriberOptions } from '../settling-subscriber.js';
import { WALLET_TRANSFER_SENT, type WalletTransferProcessManager } from './manager.js';

/**
 * Feeds the wallet-transfer process manager from `$all`: a `settlingSubscriber` of the
 * `WalletTransferSent` events, so every sent transfer is settled (received, or refused and
 * reversed), at least once, in `$all` order; a transfer that can never be settled (a
 * `DomainError`) is reported to `onError` and passed over.
 */
export function walletTransferSubscriber(store: EventStore, manager: WalletTransferProcessManager, options: SettlingSubscriberOptions = {}): CatchUpLoop {
  return settlingSubscriber(store, WALLET_TRANSFER_SENT, (event) => manager.handle(event), options);
}
