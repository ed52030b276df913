import { EventStoreClosedError, START, waitForEvent, type AllFilter, type EventStore, type Position, type RecordedEvent } from '../ports/event-store.js';

/** Options of `CatchUpLoop`. */
export interface CatchUpOptions {
  /** Resume after this `$all` position (default: the start). Earlier positions only re-deliver: handlers are idempotent. */
  readonly from?: Position;
  /** Events read per page (default 500). */
  readonly pageSize?: number;
  /** Only events this filter keeps, filtered by the store (default: every event). */
  readonly filter?: AllFilter;
  /** Called after each page with the position to resume from, to persist it. */
  readonly onCheckpoint?: (position: Position) => void | Promise<void>;
  /** Told of each pass of `run()` that failed (it is tried again from the checkpoint after a backoff). */
  readonly onError?: (error: unknown) => void;
  /** First backoff after a failed pass, in ms (default 500); doubled after each failure in a row. */
  readonly retryMinMs?: number;
  /** Longest backoff, in ms (default 30 000). */
  readonly retryMaxMs?: number;
}

/**
 * The catch-up subscription process managers run on: pages of `$all` (the port's gap-safe
 * `readAll`) after a checkpoint, each handed to `handlePage` and then checkpointed, so every
 * event is delivered at least once, in `$all` order (a page whose handling failed is delivered
 * again from its start: handlers must be idempotent).
 *
 * `catchUp()` reads to the end. `run()` catches up whenever the store signals new events
 * (`waitForEvent`: no polling while idle) until `stop()`, and outlives failures: a pass that
 * fails (store unreachable, a handler's error) is reported (`onError`) and tried again from
 * the checkpoint after a backoff, so no event is ever skipped and a blip does not stop the
 * process manager for good.
 */
export class CatchUpLoop {
  private position: Position;
  private readonly pageSize: number;
  private running = false;
  private abort: AbortController | undefined;

  /** @param handlePage handles one page of events; throwing leaves the checkpoint before the page */
  constructor(
    private readonly store: EventStore,
    private readonly handlePage: (page: readonly RecordedEvent[]) => Promise<void>,
    private readonly options: CatchUpOptions = {},
  ) {
    this.position = options.from ?? START;
    this.pageSize = options.pageSize ?? 500;
  }

  /** The position after the last page handled. */
  get checkpoint(): Position {
    return this.position;
  }

  /**
   * Handles every page after the checkpoint up to the end of `$all`.
   * @returns the number of events read
   * @throws what reading or `handlePage` throws (the checkpoint stays before that page)
   */
  async catchUp(): Promise<number> {
    let read = 0;
    for (;;) {
      const page = await this.store.readAll({ after: this.position, maxCount: this.pageSize, ...(this.options.filter ? { filter: this.options.filter } : {}) });
      if (page.length === 0) return read;
      await this.handlePage(page);
      read += page.length;
      this.position = page.at(-1)!.position;
      await this.options.onCheckpoint?.(this.position);
    }
  }

  /**
   * Catches up, then, until `stop()`, waits for the next event after the checkpoint and
   * catches up again: woken by the store's append signal, re-checking at least every
   * `idleMs` (ms, default 5000) should a signal be lost. A failed pass is reported and tried
   * again after a backoff (`retryMinMs` doubling up to `retryMaxMs`).
   * @throws EventStoreClosedError when the store was closed while the loop was not stopped
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
        this.options.onError?.(error);
        const min = this.options.retryMinMs ?? 500;
        await pause(Math.min(this.options.retryMaxMs ?? 30_000, min * 2 ** failures), abort.signal);
        failures++;
      }
    }
  }

  /** Ends `run()` after the page it is handling; a `run()` waiting for events or backing off returns at once. */
  stop(): void {
    this.running = false;
    this.abort?.abort();
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
