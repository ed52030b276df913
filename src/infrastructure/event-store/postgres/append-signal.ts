import type pg from 'pg';
import type { Logger } from 'pino';
import { APPEND_CHANNEL } from './notifier.js';

/**
 * Sends `NOTIFY event_store_appended` after appends commit, coalesced.
 *
 * Why not `pg_notify` inside `append_events`: PostgreSQL makes every transaction that
 * notifies take one database-wide lock from pre-commit to the end of its commit (so the
 * notification queue follows commit order), which serializes the WAL flushes of all
 * concurrent appends: 64-connection append throughput fell to 0.16x a plain INSERT.
 * A NOTIFY is not free either (its queue entry carries an xid, so it has a commit record):
 * it commits asynchronously (`synchronous_commit = off` for that transaction only) and is
 * coalesced: under load a few dozen per second, whatever the append rate.
 *
 * Rule: after every append's commit, at least one NOTIFY *starts* later. `appended()`
 * sends one now when none is in flight, otherwise marks one pending, sent when the
 * in-flight one ends (at least `minIntervalMs` after it began, so a busy store sends at
 * most ~1000/minIntervalMs per second). A failed NOTIFY is logged; subscriptions still
 * find the events by their slow fallback poll.
 */
export class AppendSignal {
  private inFlight = false;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger | undefined,
    private readonly minIntervalMs = 20,
  ) {}

  /** Call after an append committed (never awaits: the append's caller is not delayed). */
  appended(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    void this.send();
  }

  private async send(): Promise<void> {
    try {
      do {
        this.pending = false;
        const started = Date.now();
        // Its own transaction, committed without waiting for the WAL flush: a notification
        // is not durable anyway, and a synchronous commit would make the next append's
        // commit queue behind this flush (−40 % single-writer append throughput).
        await this.pool.query(`select set_config('synchronous_commit', 'off', true), pg_notify('${APPEND_CHANNEL}', '')`);
        const wait = this.minIntervalMs - (Date.now() - started);
        if (this.pending && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      } while (this.pending);
    } catch (error) {
      if (!this.stopped) this.logger?.warn({ err: error }, 'event store: NOTIFY after append failed; subscribers will poll');
    } finally {
      this.inFlight = false;
    }
  }

  /** No more NOTIFYs (the store is closing; its pool may end next). */
  stop(): void {
    this.stopped = true;
  }
}
