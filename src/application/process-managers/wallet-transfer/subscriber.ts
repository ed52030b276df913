import { DomainError } from '../../../domain/shared/index.js';
import { EventStoreClosedError, START, waitForEvent, type EventStore, type Position, type RecordedEvent } from '../../ports/event-store.js';
import { WALLET_TRANSFER_SENT, type WalletTransferProcessManager } from './manager.js';

/** Options of `WalletTransferSubscriber`. */
export interface WalletTransferSubscriberOptions {
  /** Resume after this `$all` position (default: the start). Earlier positions only re-deliver: the manager is idempotent. */
  readonly from?: Position;
  /** Events read per page (default 500). */
  readonly pageSize?: number;
  /** Called with the position to resume from after each page (and before an error ends a pass), to persist it. */
  readonly onCheckpoint?: (position: Position) => void | Promise<void>;
  /**
   * Told of every failure with the event being handled, if any: a transfer that cannot be
   * settled for good (a `DomainError`; the subscriber goes on past it), or a pass of `run()`
   * that failed otherwise (it tries again from the checkpoint after a backoff).
   */
  readonly onError?: (error: unknown, event: RecordedEvent | undefined) => void;
  /** First backoff after a failed pass, in ms (default 500); doubled after each failure in a row. */
  readonly retryMinMs?: number;
  /** Longest backoff, in ms (default 30 000). */
  readonly retryMaxMs?: number;
}

/**
 * Feeds the wallet-transfer process manager from `$all`, at least once: every
 * `WalletTransferSent` is settled (received or reversed), in `$all` order, paging from a
 * checkpoint with the port's gap-safe `readAll`. `catchUp()` reads to the end; `run()` catches
 * up whenever the store signals new events (`waitForEvent`, no polling while idle) until
 * `stop()`, and outlives failures: a pass that fails (store unreachable, conflicts past the
 * manager's retries) is tried again from the checkpoint after a backoff, so a sent transfer is
 * never skipped. Only a transfer that can never be settled (a `DomainError`) is reported and
 * passed over.
 */
export class WalletTransferSubscriber {
  private position: Position;
  private readonly pageSize: number;
  private running = false;
  private abort: AbortController | undefined;
  /** The event being handled, for failure reports. */
  private current: RecordedEvent | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly manager: WalletTransferProcessManager,
    private readonly options: WalletTransferSubscriberOptions = {},
  ) {
    this.position = options.from ?? START;
    this.pageSize = options.pageSize ?? 500;
  }

  /** The position after the last event handled. */
  get checkpoint(): Position {
    return this.position;
  }

  /**
   * Handles every event after the checkpoint up to the end of `$all`.
   * @returns the number of events read
   * @throws the first error other than a `DomainError` (the checkpoint stays before its event)
   */
  async catchUp(): Promise<number> {
    let read = 0;
    for (;;) {
      this.current = undefined;
      // Only the events it reacts to, filtered by the store: a log of millions of events is
      // read without shipping the rest (the checkpoint then rests on the last transfer sent).
      const page = await this.store.readAll({ after: this.position, maxCount: this.pageSize, filter: { eventTypes: [WALLET_TRANSFER_SENT] } });
      if (page.length === 0) return read;
      const start = this.position;
      try {
        for (const event of page) {
          await this.handle(event);
          this.position = event.position;
          read++;
        }
      } finally {
        if (this.position !== start) await this.options.onCheckpoint?.(this.position);
      }
    }
  }

  /**
   * Catches up, then, until `stop()`, waits for the next event after the checkpoint and
   * catches up again: woken by the store's append signal (`waitForEvent`), re-checking at
   * least every `idleMs` (ms, default 5000) should a signal be lost. A failed pass is reported
   * (`onError`) and tried again after a backoff.
   * @throws EventStoreClosedError when the store was closed while it was not stopped
   */
  async run(idleMs = 5000): Promise<void> {
    this.running = true;
    const abort = new AbortController();
    this.abort = abort;
    let failures = 0;
    while (this.running) {
      try {
        const read = await this.catchUp();
        failures = 0;
        if (read === 0 && this.running) await waitForEvent(this.store, this.position, idleMs, abort.signal);
      } catch (error) {
        if (!this.running) return;
        if (error instanceof EventStoreClosedError) throw error;
        this.options.onError?.(error, this.current);
        const min = this.options.retryMinMs ?? 500;
        await pause(Math.min(this.options.retryMaxMs ?? 30_000, min * 2 ** failures), abort.signal);
        failures++;
      }
    }
  }

  /** Ends `run()` after the event it is handling; a `run()` waiting for events or backing off returns at once. */
  stop(): void {
    this.running = false;
    this.abort?.abort();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    this.current = event;
    try {
      await this.manager.handle(event);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.options.onError?.(error, event);
    }
    this.current = undefined;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
