import { orderDecider } from '../../../domain/order/index.js';
import { DomainError, instantOf } from '../../../domain/shared/index.js';
import type { CommandHandler } from '../../command-handler.js';
import { orderStream } from '../../commerce/streams.js';
import { START, comparePositions, type EventStore, type Position, type RecordedEvent } from '../../ports/event-store.js';
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
/** The checkout process events that end a wait for payment. */
const WAIT_ENDS = new Set(['CheckoutPaymentCaptured', 'CheckoutCompleted', 'CheckoutFailed', 'CheckoutCompensated']);
/** The only events the waits are rebuilt from (a filter of `$all`, applied by the store). */
const WAIT_EVENTS = ['CheckoutAwaitingPayment', ...WAIT_ENDS];
/** Events per page of that rebuild (the filter keeps about one event in eight of an Olist log). */
const REBUILD_PAGE_SIZE = 5_000;

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
 * The waits are memory only, derived from the log: a subscriber resumed from a checkpoint
 * (`options.from`) first rebuilds those begun before it, from the start of `$all` filtered to
 * the five wait event types, then follows its pages; so a crash or restart at any point loses
 * none. Trade-off: each start reads every such event of the log (measured on the Olist 10k
 * log: 19,715 of 167,651 events in 0.8–1.2 s; the filtered index walk grows with the log,
 * some 5–7 s per million events), against a table of deadlines that would have to be kept
 * in the checkpoint's transaction and back-filled. Several subscribers (service instances)
 * may expire the same order: the order stream's expected revision lets one `OrderCancelled`
 * through, and `ExpireUnpaidOrder` is a no-op on an order already paid, cancelled or over.
 */
export class CheckoutSubscriber {
  private readonly loop: CatchUpLoop;
  private readonly awaiting = new Map<string, AwaitingCheckout>();
  /** The rebuild of the waits begun before `options.from`, once it started (reset when it failed). */
  private rebuilt: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
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

  /** The unpaid orders known to be waiting for payment (those begun before `options.from` once a page or `expireDue` rebuilt them). */
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
   * The first call rebuilds the waits begun before the checkpoint the subscriber resumed from.
   * @returns the ids of the orders cancelled
   * @throws Error when `now` is not an ISO 8601 time with an offset; what reading or a command throws
   */
  async expireDue(now: string): Promise<string[]> {
    const at = instantOf(now);
    if (at === undefined) throw new Error(`now must be an ISO 8601 time with an offset, got ${now}`);
    await this.rebuildWaits();
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
    await this.rebuildWaits();
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
    } else if (WAIT_ENDS.has(event.type)) {
      this.awaiting.delete(key);
    }
  }

  /** Tracks the wait events up to `options.from` (once; again after a failure), before any page is tracked. */
  private rebuildWaits(): Promise<void> {
    this.rebuilt ??= this.readWaitsUntil(this.options.from ?? START).catch((error: unknown) => {
      this.rebuilt = undefined;
      throw error;
    });
    return this.rebuilt;
  }

  private async readWaitsUntil(until: Position): Promise<void> {
    let after = START;
    while (comparePositions(after, until) < 0) {
      const page = await this.store.readAll({ after, maxCount: REBUILD_PAGE_SIZE, filter: { eventTypes: WAIT_EVENTS } });
      if (page.length === 0) return;
      for (const event of page) {
        if (comparePositions(event.position, until) > 0) return;
        this.track(event);
      }
      after = page.at(-1)!.position;
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
