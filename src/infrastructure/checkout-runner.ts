import type pg from 'pg';
import type { Logger } from 'pino';
import type { CommandHandler } from '../application/command-handler.js';
import { formatPosition, type EventStore } from '../application/ports/event-store.js';
import { CheckoutProcessManager, CheckoutSubscriber } from '../application/process-managers/checkout/index.js';
import { businessTime } from './http/context.js';
import { loadProcessManagerCheckpoint, saveProcessManagerCheckpoint } from './process-manager-checkpoints.js';

/** The checkout process manager's row in `process_manager_checkpoints`. */
const NAME = 'checkout-process-manager';

/** A running checkout subscriber and its expiry timer; `stop()` ends both. */
export interface CheckoutRunner {
  stop(): Promise<void>;
}

/**
 * Runs the checkout process manager in the service: a `$all` subscriber (resumed from
 * `process_manager_checkpoints`) that finishes processes a crashed request left half-way and
 * reacts to payment results (a failed pass is logged and tried again after a backoff), and a
 * timer that, every `expiryEveryMs` (default 60 s), cancels unpaid orders past their payment
 * deadline at the current business time (the clock is read here, at the edge). The orders
 * waiting for payment are rebuilt from the log on start (see `CheckoutSubscriber`), so those
 * placed before a restart expire too; every instance runs the timer, and an order is
 * cancelled once whichever instances expire it. A tick is skipped while the last one runs;
 * `stop()` waits for it.
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
    from: await loadProcessManagerCheckpoint(deps.pool, NAME),
    onCheckpoint: (p) => saveProcessManagerCheckpoint(deps.pool, NAME, p),
    onError: (error) => deps.logger.error({ err: error, checkpoint: formatPosition(subscriber.checkpoint) }, 'checkout process manager pass failed; retrying'),
  });
  const loop = subscriber.run().catch((error: unknown) => {
    deps.logger.error({ err: error, checkpoint: formatPosition(subscriber.checkpoint) }, 'checkout process manager stopped');
  });
  let expiring: Promise<void> | undefined;
  const timer = setInterval(() => {
    expiring ??= subscriber
      .expireDue(businessTime(new Date(), deps.businessTimeZone))
      .then(
        (cancelled) => {
          if (cancelled.length > 0) deps.logger.info({ orders: cancelled }, 'unpaid orders expired');
        },
        (error: unknown) => deps.logger.error({ err: error }, 'expiring unpaid orders failed'),
      )
      .finally(() => (expiring = undefined));
  }, deps.expiryEveryMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      subscriber.stop();
      await Promise.all([loop, expiring]);
    },
  };
}
