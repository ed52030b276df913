import type pg from 'pg';
import type { Logger } from 'pino';
import { EventStoreClosedError } from '../../../application/ports/event-store.js';

/** The channel `append_events` notifies (migration 0003) after each append commits. */
export const APPEND_CHANNEL = 'event_store_appended';

/**
 * One dedicated connection that `LISTEN`s for appends and wakes waiting subscriptions.
 *
 * `sequence` counts notifications (and reconnections, after which a reader must look
 * again since notifications may have been missed). A reader notes the sequence *before*
 * it reads, then `wait(since)` returns at once if anything arrived in between: no lost
 * wake-ups, and no query at all while nothing is appended.
 */
export class AppendNotifier {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private seq = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly connect: () => pg.Client,
    private readonly logger: Logger | undefined,
  ) {}

  /** Notifications (and reconnections) seen so far. */
  get sequence(): number {
    return this.seq;
  }

  /**
   * Connects and `LISTEN`s if not already. Call before reading, so that an append
   * committing after the read is always noticed.
   * @throws EventStoreClosedError after `close()`
   * @throws Error when the connection fails (the caller retries; nothing is lost, readers poll slowly meanwhile)
   */
  async listen(): Promise<void> {
    if (this.closed) throw new EventStoreClosedError();
    if (this.client) return;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = this.connect();
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger?.warn({ err: error }, 'event store: LISTEN connection lost; reconnecting on next wait');
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    await client.connect();
    await client.query(`listen ${APPEND_CHANNEL}`);
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.wake(); // anything appended while we were not listening must be looked for
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.wake();
  }

  private wake(): void {
    this.seq++;
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Resolves when the sequence passes `since`, after `timeoutMs`, or when `signal` aborts,
   * whichever is first. Never rejects.
   */
  wait(since: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.seq > since || signal.aborted || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }

  /** Stops listening and closes the connection; pending waits resolve. */
  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.wake();
    await client?.end().catch(() => undefined);
  }
}
