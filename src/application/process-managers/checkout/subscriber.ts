import { orderDecider } from '../../../domain/order/index.js';
import { DomainError, instantOf } from '../../../domain/shared/index.js';
import type { CommandHandler } from '../../command-handler.js';
import { orderStream } from '../../commerce/streams.js';
import type { EventStore, Position, RecordedEvent } from '../../ports/event-store.js';
import { CatchUpLoop, type CatchUpOptions } from '../catch-up.js';
import { observedIn, type CheckoutProcessManager } from './manager.js';

/** Options of `CheckoutSubscriber`: those of its `CatchUpLoop` (every event: no filter), and how long a drive may run. */
export interface CheckoutSubscriberOptions extends Omit<CatchUpOptions, 'filter'> {
  /** Longest a triggered drive may run before the next event is taken (default 30 s). */
  readonly driveMaxMs?: number;
}

/** An unpaid order the subscriber knows is waiting for its payment until `paymentDueBy`. */
export interface AwaitingCheckout {
  readonly tenantId: string;
  readonly orderId: string;
  readonly paymentDueBy: string | null;
}

const TRIGGERS = new Set(['BasketCheckedOut', 'OrderPaymentCaptured', 'OrderPaymentDeclined', 'OrderPaymentConfirmed', 'OrderCancelled']);

/**
 * Feeds the checkout process manager from `$all`, at least once: every `BasketCheckedOut` with
 * terms starts (or resumes) a process, order payment and cancellation events are observed,
 * and every checkout process event resumes its process (so a process whose runner crashed is
 * finished by the next subscriber pass). Reading is a `CatchUpLoop` (gap-safe pages from a
 * checkpoint): `catchUp()` reads to the end, `run()` catches up whenever the store signals new
 * events until `stop()`, and tries a failed pass again after a backoff (reported to `onError`)
 * rather than stopping the process manager for good.
 *
 * It also keeps the processes waiting for payment (from `CheckoutAwaitingPayment` and the
 * events that end the wait) so a scheduler at the edge can call `expireDue(now)`: each unpaid
 * order past its `paymentDueBy` gets `ExpireUnpaidOrder { now }` and its process compensates.
 */
export class CheckoutSubscriber {
  private readonly loop: CatchUpLoop;
  private readonly awaiting = new Map<string, AwaitingCheckout>();

  constructor(
    store: EventStore,
    private readonly handler: CommandHandler,
    private readonly manager: CheckoutProcessManager,
    private readonly options: CheckoutSubscriberOptions = {},
  ) {
    this.loop = new CatchUpLoop(store, (page) => this.handlePage(page), options);
  }

  /** The position after the last page handled. */
  get checkpoint(): Position {
    return this.loop.checkpoint;
  }

  /** The unpaid orders known to be waiting for payment. */
  get waiting(): readonly AwaitingCheckout[] {
    return [...this.awaiting.values()];
  }

  /**
   * Handles every event after the checkpoint up to the end of `$all`.
   * @returns the number of events read
   * @throws what reading or the manager throws (the checkpoint stays before that page)
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

  /**
   * Expires every waiting order whose `paymentDueBy` is at or before `now` (ISO 8601, from the
   * scheduler's clock): `ExpireUnpaidOrder` cancels it (reason `reservation-expired`) unless it
   * was paid meanwhile, and its process releases the reservations, the coupon and the wallet part.
   * @returns the ids of the orders cancelled
   */
  async expireDue(now: string): Promise<string[]> {
    const at = instantOf(now);
    if (at === undefined) throw new Error(`now must be an ISO 8601 time with an offset, got ${now}`);
    const cancelled: string[] = [];
    for (const waiting of [...this.awaiting.values()]) {
      const due = waiting.paymentDueBy === null ? undefined : instantOf(waiting.paymentDueBy);
      if (due === undefined || due > at) continue;
      if (await expireOrder(this.handler, this.manager, waiting.tenantId, waiting.orderId, now, this.options.driveMaxMs)) cancelled.push(waiting.orderId);
      this.awaiting.delete(`${waiting.tenantId}:${waiting.orderId}`);
    }
    return cancelled;
  }

  private async handlePage(page: readonly RecordedEvent[]): Promise<void> {
    const resume = new Map<string, RecordedEvent>();
    for (const event of page) {
      if (event.streamId.startsWith('checkout-')) {
        this.track(event);
        resume.set(event.streamId, event);
      } else if (TRIGGERS.has(event.type)) {
        await this.manager.handle(event, this.driveOptions());
      }
    }
    for (const event of resume.values()) await this.manager.handle(event, this.driveOptions());
  }

  private driveOptions() {
    return { maxMs: this.options.driveMaxMs ?? 30_000 };
  }

  private track(event: RecordedEvent): void {
    const orderId = String(event.data.orderId);
    const key = `${event.metadata.tenantId}:${orderId}`;
    if (event.type === 'CheckoutAwaitingPayment') {
      const paymentDueBy = typeof event.data.paymentDueBy === 'string' ? event.data.paymentDueBy : null;
      this.awaiting.set(key, { tenantId: event.metadata.tenantId, orderId, paymentDueBy });
    } else if (['CheckoutPaymentCaptured', 'CheckoutCompleted', 'CheckoutFailed', 'CheckoutCompensated'].includes(event.type)) {
      this.awaiting.delete(key);
    }
  }
}

/**
 * Sends `ExpireUnpaidOrder { now }` to an order and lets its checkout process react.
 * @returns whether the order was cancelled by it (false: paid meanwhile, already over, or not due)
 */
export async function expireOrder(
  handler: CommandHandler,
  manager: CheckoutProcessManager,
  tenantId: string,
  orderId: string,
  now: string,
  driveMaxMs?: number,
): Promise<boolean> {
  const context = { tenantId, actor: 'system:reservation-expiry', correlationId: `expire:${orderId}`, commandId: `expire:${orderId}:${now}`, occurredAt: now };
  let result;
  try {
    result = await handler.handle(orderDecider, orderStream(tenantId, orderId), { type: 'ExpireUnpaidOrder', data: { orderId, now } }, context);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'order-not-expired') return false;
    throw error;
  }
  const observed = observedIn(result.streamId, result.revision, result.events);
  if (observed?.event.type !== 'OrderCancelled') return false;
  const trigger = { actor: context.actor, correlationId: context.correlationId, at: now };
  if (await manager.observe(tenantId, orderId, observed.source, trigger, observed.event)) {
    await manager.drive(tenantId, orderId, driveMaxMs === undefined ? {} : { maxMs: driveMaxMs });
  }
  return true;
}
