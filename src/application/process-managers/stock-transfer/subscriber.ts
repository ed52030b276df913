import type { EventStore } from '../../ports/event-store.js';
import type { CatchUpLoop } from '../catch-up.js';
import { settlingSubscriber, type SettlingSubscriberOptions } from '../settling-subscriber.js';
import { STOCK_TRANSFERRED_OUT, type StockTransferProcessManager } from './manager.js';

/**
 * Feeds the stock-transfer process manager from `$all`: a `settlingSubscriber` of the
 * `StockTransferredOut` events, so every sent transfer is settled (received, or refused and
 * reversed), at least once, in `$all` order; a transfer that can never be settled (a
 * `DomainError`) is reported to `onError` and passed over.
 */
export function stockTransferSubscriber(store: EventStore, manager: StockTransferProcessManager, options: SettlingSubscriberOptions = {}): CatchUpLoop {
  return settlingSubscriber(store, STOCK_TRANSFERRED_OUT, (event) => manager.handle(event), options);
}
