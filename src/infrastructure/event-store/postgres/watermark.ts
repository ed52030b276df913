import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * How far the gap-safety watermark holds readers back.
 *
 * Readers of `$all` only see transactions below `event_log_watermark()` (migrations 0001
 * and 0009). A transaction of this database that stays open while holding an xid (not
 * only an append) keeps that watermark from moving: events committed after it began are
 * in the table but not yet readable. Readers lag; they never skip. This is the
 * technique's failure mode, made visible here. Transactions of other databases on the
 * same server do not hold it (0009).
 */
export interface WatermarkLag {
  /** Committed events not yet readable in `$all` because the watermark is behind them (counted up to 1,000,000). */
  readonly heldBackEvents: number;
  /** Age of the oldest such event (since its transaction began), in ms; 0 when none. */
  readonly oldestHeldBackMs: number;
  /** The oldest transaction of this database holding an xid, which holds the watermark; absent when none is open. */
  readonly holder?: WatermarkHolder;
}

/** The backend whose open transaction is the oldest of this database with an xid (from `pg_stat_activity`). */
export interface WatermarkHolder {
  readonly pid: number;
  /** How long its transaction has been open, in ms. */
  readonly openMs: number;
  /** `active`, `idle in transaction`, …; `prepared` for a two-phase transaction. */
  readonly state: string;
  /** Its current or last statement, cut to 200 characters. */
  readonly query: string;
}

/**
 * Measures the watermark lag: two small queries (an index range at the top of
 * `events_all_order`, and `pg_stat_activity` / `pg_prepared_xacts`).
 */
export async function readWatermarkLag(pool: pg.Pool): Promise<WatermarkLag> {
  const held = await pool.query<{ n: string; oldest_ms: number | null }>(
    `select count(*) as n, (extract(epoch from clock_timestamp() - min(recorded_at)) * 1000)::float8 as oldest_ms
     from (select recorded_at from events where transaction_id >= (select event_log_watermark())
           order by transaction_id limit 1000000) held`,
  );
  const holder = await pool.query<{ pid: number; open_ms: number; state: string; query: string }>(
    `select pid, state, query, open_ms from (
       select pid, coalesce(state, '') as state, left(coalesce(query, ''), 200) as query,
              (extract(epoch from clock_timestamp() - xact_start) * 1000)::float8 as open_ms, age(backend_xid) as xid_age
       from pg_stat_activity
       where backend_xid is not null and pid <> pg_backend_pid() and (datname = current_database() or datid is null)
       union all
       select 0, 'prepared', gid, (extract(epoch from clock_timestamp() - prepared) * 1000)::float8, age(transaction)
       from pg_prepared_xacts where database = current_database()
     ) t order by xid_age desc limit 1`,
  );
  const row = held.rows[0];
  const h = holder.rows[0];
  return {
    heldBackEvents: Number(row?.n ?? 0),
    oldestHeldBackMs: Math.max(0, Math.round(row?.oldest_ms ?? 0)),
    ...(h ? { holder: { pid: h.pid, openMs: Math.round(h.open_ms), state: h.state, query: h.query } } : {}),
  };
}

/** Options of `WatermarkMonitor`. */
export interface WatermarkMonitorOptions {
  /** Warn when the oldest held-back event is older than this, in ms (default 5000). */
  readonly warnAfterMs?: number;
  /** Measure at most this often, in ms (default 1000). */
  readonly minIntervalMs?: number;
}

/**
 * Turns the lag into a log line: `check()` (called by subscriptions whenever they find
 * committed events they cannot read yet) measures at most once per `minIntervalMs` and
 * logs a pino `warn` naming the holding backend while the lag exceeds `warnAfterMs`.
 */
export class WatermarkMonitor {
  private readonly warnAfterMs: number;
  private readonly minIntervalMs: number;
  private lastCheck = 0;
  private last: WatermarkLag | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger | undefined,
    options: WatermarkMonitorOptions = {},
  ) {
    this.warnAfterMs = options.warnAfterMs ?? 5000;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
  }

  /** The last measurement (undefined before the first). */
  get latest(): WatermarkLag | undefined {
    return this.last;
  }

  /** Measures (throttled) and warns when over the threshold. Never throws: a failed measurement is logged. */
  async check(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCheck < this.minIntervalMs) return;
    this.lastCheck = now;
    try {
      const lag = await readWatermarkLag(this.pool);
      this.last = lag;
      if (lag.oldestHeldBackMs > this.warnAfterMs) {
        this.logger?.warn(
          { watermarkLag: lag, warnAfterMs: this.warnAfterMs },
          `event store: ${lag.heldBackEvents} committed events held back ${lag.oldestHeldBackMs} ms by an open transaction` +
            (lag.holder ? ` (pid ${lag.holder.pid}, ${lag.holder.state}, open ${lag.holder.openMs} ms)` : '') +
            '; subscribers wait, they do not skip',
        );
      }
    } catch (error) {
      this.logger?.warn({ err: error }, 'event store: could not measure the watermark lag');
    }
  }
}
