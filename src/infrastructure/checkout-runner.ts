import type pg from 'pg';
import type { Logger } from 'pino';
import type { CommandHandler } from '../application/command-handler.js';
import { START, formatPosition, type EventStore, type Position } from '../application/ports/event-store.js';
import { CheckoutProcessManager, CheckoutSubscriber } from '../application/process-managers/checkout/index.js';
import { businessTime } from './http/context.js';

const NAME = 'checkout-process-manager';

async function loadCheckpoint(pool: pg.Pool): Promise<Position> {
  const { rows } = await pool.query<{ commit_id: string; prepare: string }>(
    'select commit_id, prepare from process_manager_checkpoints where name = $1',
    [NAME],
  );
  return rows[0] ? { commit: BigInt(rows[0].commit_id), prepare: BigInt(rows[0].prepare) } : START;
}

async function saveCheckpoint(pool: pg.Pool, p: Position): Promise<void> {
  await pool.query(
    `insert into process_manager_checkpoints (name, commit_id, prepare) values ($1, $2, $3)
     on conflict (name) do update set commit_id = excluded.commit_id, prepare = excluded.prepare, updated_at = now()`,
    [NAME, p.commit.toString(), p.prepare.toString()],
  );
}

/** A running checkout subscriber and its expiry timer; `stop()` ends both. */
export interface CheckoutRunner {
  stop(): Promise<void>;
}

/**
 * Runs the checkout process manager in the service: a `$all` subscriber (resumed from
 * `process_manager_checkpoints`) that finishes processes a crashed request left half-way and
 * reacts to payment results, and a timer that, every `expiryEveryMs` (default 60 s), cancels
 * unpaid orders past their payment deadline at the current business time.
 */
export async function startCheckoutRunner(deps: {
  store: EventStore;
  handler: CommandHandler;
  pool: pg.Pool;
  logger: Logger;
  businessTimeZone: string;
  expiryEveryMs?: number;
}): Promise<CheckoutRunner> {
  const manager = new CheckoutProcessManager(deps.handler);
  const subscriber = new CheckoutSubscriber(deps.store, deps.handler, manager, {
    from: await loadCheckpoint(deps.pool),
    onCheckpoint: (p) => saveCheckpoint(deps.pool, p),
  });
  const loop = subscriber.run().catch((error: unknown) => {
    deps.logger.error({ err: error, checkpoint: formatPosition(subscriber.checkpoint) }, 'checkout process manager stopped');
  });
  const timer = setInterval(() => {
    subscriber.expireDue(businessTime(new Date(), deps.businessTimeZone)).then(
      (cancelled) => {
        if (cancelled.length > 0) deps.logger.info({ orders: cancelled }, 'unpaid orders expired');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'expiring unpaid orders failed'),
    );
  }, deps.expiryEveryMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      subscriber.stop();
      await loop;
    },
  };
}
