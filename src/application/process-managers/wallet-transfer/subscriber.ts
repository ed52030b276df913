import { DomainError } from '../../../domain/shared/index.js';
import type { EventStore, Position, RecordedEvent } from '../../ports/event-store.js';
import { CatchUpLoop, type CatchUpOptions } from '../catch-up.js';
import { WALLET_TRANSFER_SENT, type WalletTransferProcessManager } from './manager.js';

/** Options of `WalletTransferSubscriber`: those of its `CatchUpLoop` (the filter is its own), and `onError`. */
export interface WalletTransferSubscriberOptions extends Omit<CatchUpOptions, 'filter' | 'onError'> {
  /**
   * Told of every failure with the event being handled, if any: a transfer that cannot be
   * settled for good (a `DomainError`; the subscriber goes on past it), or a pass of `run()`
   * that failed otherwise (it tries again from the checkpoint after a backoff).
   */
  readonly onError?: (error: unknown, event: RecordedEvent | undefined) => void;
}

/**
 * Feeds the wallet-transfer process manager from `$all` (a `CatchUpLoop` over the
 * `WalletTransferSent` events only, filtered by the store), at least once: every sent
 * transfer is settled (received or reversed), in `$all` order. `catchUp()` reads to the end;
 * `run()` catches up whenever the store signals new events until `stop()`, and outlives
 * failures: a pass that fails (store unreachable, conflicts past the manager's retries) is
 * tried again from the checkpoint after a backoff, so a sent transfer is never skipped. Only
 * a transfer that can never be settled (a `DomainError`) is reported and passed over.
 */
export class WalletTransferSubscriber {
  private readonly loop: CatchUpLoop;
  /** The event being handled, for failure reports. */
  private current: RecordedEvent | undefined;

  constructor(
    store: EventStore,
    private readonly manager: WalletTransferProcessManager,
    private readonly options: WalletTransferSubscriberOptions = {},
  ) {
    const { onError, ...loopOptions } = options;
    this.loop = new CatchUpLoop(store, (page) => this.handlePage(page), {
      ...loopOptions,
      // Only the events it reacts to: a log of millions of events is read without shipping the rest.
      filter: { eventTypes: [WALLET_TRANSFER_SENT] },
      onError: (error) => onError?.(error, this.current),
    });
  }

  /** The position after the last page handled. */
  get checkpoint(): Position {
    return this.loop.checkpoint;
  }

  /**
   * Handles every sent transfer after the checkpoint up to the end of `$all`.
   * @returns the number of events read
   * @throws the first error other than a `DomainError` (the checkpoint stays before its page)
   */
  catchUp(): Promise<number> {
    return this.loop.catchUp();
  }

  /** See `CatchUpLoop.run`. @throws EventStoreClosedError when the store was closed while it was not stopped */
  run(idleMs = 5000): Promise<void> {
    return this.loop.run(idleMs);
  }

  /** Ends `run()` after the page it is handling; a `run()` waiting for events or backing off returns at once. */
  stop(): void {
    this.loop.stop();
  }

  private async handlePage(page: readonly RecordedEvent[]): Promise<void> {
    for (const event of page) {
      this.current = event;
      try {
        await this.manager.handle(event);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.options.onError?.(error, event);
      }
    }
    this.current = undefined;
  }
}
