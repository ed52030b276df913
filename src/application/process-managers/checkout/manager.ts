import { basketDecider, type BasketCheckedOut } from '../../../domain/basket/index.js';
import { orderDecider, type OrderPayment } from '../../../domain/order/index.js';
import { promotionDecider } from '../../../domain/promotion/index.js';
import { DomainError, type Decider, type DomainCommand, type DomainEvent } from '../../../domain/shared/index.js';
import { allocateLines, availableStock, stockDecider, type WarehouseAvailability } from '../../../domain/stock/index.js';
import { paidForOrder, walletDecider } from '../../../domain/wallet/index.js';
import type { CommandContext } from '../../command-context.js';
import type { CommandHandler, CommandResult } from '../../command-handler.js';
import { basketStream, checkoutStream, orderStream, promotionStream, stockStream, walletStream } from '../../commerce/streams.js';
import { WrongExpectedRevisionError, latestPosition, type Position, type RecordedEvent } from '../../ports/event-store.js';
import type { CheckoutFailure, CheckoutStepName, CheckoutTrigger } from './events.js';
import {
  checkoutProcessDecider,
  evolveCheckoutProcess,
  nextCheckoutStep,
  type CheckoutProcessState,
  type CheckoutStep,
  type ObservedOrderEvent,
  type StepOutcome,
} from './process.js';

/** Hooks for tests: each may throw to simulate a crash at that point. */
export interface CheckoutManagerHooks {
  /** Before a step's command is sent. */
  beforeSend?(step: CheckoutStep, orderId: string): void | Promise<void>;
  /** After a step's command was sent (and its events appended), before the outcome is recorded. */
  afterSend?(step: CheckoutStep, orderId: string): void | Promise<void>;
}

/** Options of `CheckoutProcessManager`. */
export interface CheckoutManagerOptions {
  /** How many times a step is retried while its target stream keeps changing under it (default 400). */
  readonly conflictRetries?: number;
  /**
   * Queue the commands this manager sends per target stream (default true): one in flight per
   * stream, so a hot stream (the last units of a SKU) sees one decision at a time from this
   * manager instead of a herd of writers that read the same revision and all but one retry.
   * Other managers (other processes) still race it; the store's expected-revision check decides.
   */
  readonly queuePerStream?: boolean;
  readonly hooks?: CheckoutManagerHooks;
}

/** Options of `drive`. */
export interface DriveOptions {
  /** Stop driving after this many milliseconds (the process stays resumable). Default: no limit. */
  readonly maxMs?: number;
}

/** Where a drive left the process, and the last `$all` position any of its steps wrote. */
export interface DriveResult {
  readonly state: CheckoutProcessState;
  readonly revision: bigint;
  readonly position: Position | undefined;
  /** True when the process has no step to take now (waiting for payment, completed or compensated). */
  readonly settled: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `run` after every earlier run queued on the same key has settled (an in-memory queue
 * per key; keys are removed when their queue drains).
 */
async function queued<T>(queues: Map<string, Promise<unknown>>, key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const mine = previous.then(run, run);
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/** The id of an event as the process knows it: `<stream>@<revision>` (unique and stable in an append-only store). */
export function eventRef(streamId: string, revision: bigint): string {
  return `${streamId}@${revision}`;
}

/**
 * The checkout process manager: runs each order's checkout process (`checkoutProcessDecider`,
 * stream `checkout-<tenant>:<orderId>`) by sending commands to the order, stock, promotion,
 * wallet and basket aggregates and recording each outcome in the process stream.
 *
 * Crash safety and idempotency:
 * - A step's command id is derived from the process event that made the step due:
 *   `<process stream>@<revision>/<step>[:<index>]`. A run that crashed after sending a command
 *   and before recording it recomputes the same step and the same id on resume, and the command
 *   handler returns the original result instead of appending again (deterministic event ids);
 *   the commands are also idempotent in the deciders (same reservation, payment id, refund id,
 *   redemption per order, release of nothing…), so a resumed run ends in the same streams as an
 *   uninterrupted one.
 * - Outcomes are recorded with the process stream's revision pinned: two runners (the HTTP
 *   request and the subscriber) never record a step twice; the loser reloads and goes on.
 * - Every command carries the trigger's actor, correlation id and business time as recorded in
 *   the process stream, never the clock's.
 * - Events it reacts to (order payment captured/declined/confirmed, order cancelled) are
 *   recorded once per event id, so delivering one twice (at least once) changes nothing.
 */
export class CheckoutProcessManager {
  private readonly conflictRetries: number;
  private readonly hooks: CheckoutManagerHooks;
  private readonly queues: Map<string, Promise<unknown>> | undefined;

  constructor(
    private readonly handler: CommandHandler,
    options: CheckoutManagerOptions = {},
  ) {
    this.conflictRetries = options.conflictRetries ?? 400;
    this.hooks = options.hooks ?? {};
    this.queues = options.queuePerStream === false ? undefined : new Map();
  }

  /** The process state of an order. */
  async load(tenantId: string, orderId: string): Promise<{ state: CheckoutProcessState; revision: bigint }> {
    const { state, revision } = await this.handler.load(checkoutProcessDecider, checkoutStream(tenantId, orderId));
    return { state, revision };
  }

  /**
   * Starts the process for a basket checked out with terms (a no-op when it has started).
   * @param source the `BasketCheckedOut` event's id (`<stream>@<revision>`)
   * @throws Error when the event carries no checkout terms (checked out by something else)
   */
  async start(tenantId: string, checkedOut: BasketCheckedOut['data'], source: string, trigger: CheckoutTrigger): Promise<CommandResult<unknown>> {
    const { terms } = checkedOut;
    if (!terms) throw new Error(`basket ${checkedOut.basketId} was checked out without checkout terms`);
    return this.handler.handle(
      checkoutProcessDecider,
      checkoutStream(tenantId, checkedOut.orderId),
      {
        type: 'StartCheckoutProcess',
        data: {
          orderId: checkedOut.orderId,
          basketId: checkedOut.basketId,
          customerId: checkedOut.customerId,
          currency: checkedOut.subtotal.currency,
          lines: checkedOut.lines,
          subtotal: checkedOut.subtotal,
          ...(checkedOut.couponCode === undefined ? {} : { couponCode: checkedOut.couponCode }),
          terms,
          source,
          trigger,
        },
      },
      this.context(tenantId, trigger, `${checkoutStream(tenantId, checkedOut.orderId)}/start`),
    );
  }

  /**
   * Records an order event the process reacts to (once per `source`); a no-op for an order
   * without a checkout process.
   * @returns whether the order has a process
   */
  async observe(tenantId: string, orderId: string, source: string, trigger: CheckoutTrigger, event: ObservedOrderEvent): Promise<boolean> {
    const stream = checkoutStream(tenantId, orderId);
    const { state } = await this.handler.load(checkoutProcessDecider, stream);
    if (state.status === 'none') return false;
    await this.handler.handle(checkoutProcessDecider, stream, { type: 'ObserveOrderEvent', data: { source, trigger, event } }, this.context(tenantId, trigger, `${stream}/observe/${source}`));
    return true;
  }

  /**
   * Reacts to one recorded event (the subscriber's entry point; at least once): a basket checked
   * out with terms starts its process; an order payment or cancellation event is observed; any
   * checkout process event resumes its process. Then drives the process.
   */
  async handle(event: RecordedEvent, options: DriveOptions = {}): Promise<DriveResult | undefined> {
    const tenantId = event.metadata.tenantId;
    const trigger: CheckoutTrigger = { actor: event.metadata.actor, correlationId: event.metadata.correlationId, at: event.metadata.occurredAt };
    const source = eventRef(event.streamId, event.revision);
    const data = event.data;
    const orderId = typeof data.orderId === 'string' ? data.orderId : undefined;
    if (orderId === undefined) return undefined;
    if (event.type === 'BasketCheckedOut') {
      const checkedOut = data as unknown as BasketCheckedOut['data'];
      if (!checkedOut.terms) return undefined;
      await this.start(tenantId, checkedOut, source, trigger);
    } else if (event.streamId.startsWith('order-')) {
      const observed = toObserved(event.type, data);
      if (!observed || !(await this.observe(tenantId, orderId, source, trigger, observed))) return undefined;
    } else if (!event.streamId.startsWith('checkout-')) {
      return undefined;
    }
    return this.drive(tenantId, orderId, options);
  }

  /**
   * Runs the process's next steps until it waits for the payment, is over, or `maxMs` passed.
   * Each step: load the process, compute the next step, send its command (retrying while the
   * target stream keeps changing), record the outcome with the revision pinned.
   * @throws Error for infrastructure failures (the process resumes from its stream later)
   */
  async drive(tenantId: string, orderId: string, options: DriveOptions = {}): Promise<DriveResult> {
    const stream = checkoutStream(tenantId, orderId);
    const deadline = options.maxMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.maxMs;
    let position: Position | undefined;
    let loaded = await this.handler.load(checkoutProcessDecider, stream);
    for (;;) {
      const step = nextCheckoutStep(loaded.state);
      if (!step || Date.now() > deadline) {
        return { state: loaded.state, revision: loaded.revision, position: latestPosition(position, loaded.lastPosition), settled: !step };
      }
      const trigger = loaded.state.trigger!;
      const base = `${stream}@${loaded.revision}/${step.name}${step.index === undefined ? '' : `:${step.index}`}`;
      await this.hooks.beforeSend?.(step, orderId);
      const { outcome, position: sent } = await this.perform(step, loaded.state, tenantId, this.context(tenantId, trigger, base));
      position = latestPosition(position, sent);
      await this.hooks.afterSend?.(step, orderId);
      try {
        const recorded = await this.handler.handle(
          checkoutProcessDecider,
          stream,
          { type: 'RecordCheckoutStep', data: { step, outcome } },
          this.context(tenantId, trigger, `${base}/record`),
          { expectedRevision: loaded.revision },
        );
        position = latestPosition(position, recorded.position);
        // Go on from what was recorded without reading the stream again.
        loaded = {
          state: recorded.events.reduce(evolveCheckoutProcess, loaded.state),
          revision: recorded.revision,
          lastPosition: recorded.position ?? loaded.lastPosition,
        };
        if (recorded.events.length === 0) loaded = await this.handler.load(checkoutProcessDecider, stream);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        loaded = await this.handler.load(checkoutProcessDecider, stream);
      }
    }
  }

  private context(tenantId: string, trigger: CheckoutTrigger, commandId: string): CommandContext {
    return { tenantId, actor: trigger.actor, correlationId: trigger.correlationId, commandId, occurredAt: trigger.at };
  }

  /** Sends a command, retrying while its stream keeps changing (WrongExpectedRevisionError). */
  private async send<C extends DomainCommand, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult<E>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const run = () => this.handler.handle(decider, streamId, command, context);
        return await (this.queues ? queued(this.queues, streamId, run) : run());
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= this.conflictRetries) throw error;
        await sleep(1 + Math.random() * Math.min(50, 2 * (attempt + 1)));
      }
    }
  }

  /** Carries out one step and says what happened. Forward steps turn a `DomainError` into a failure. */
  private async perform(
    step: CheckoutStep,
    state: CheckoutProcessState,
    tenantId: string,
    context: CommandContext,
  ): Promise<{ outcome: StepOutcome; position: Position | undefined }> {
    const done = (position?: Position): { outcome: StepOutcome; position: Position | undefined } => ({ outcome: { kind: 'done' }, position });
    const { orderId } = state;
    const terms = state.terms!;
    const allocations = state.allocations ?? [];
    const forward = async (run: () => Promise<{ outcome: StepOutcome; position: Position | undefined }>) => {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { outcome: { kind: 'failed' as const, failure: failureOf(step.name, error) }, position: undefined };
      }
    };
    switch (step.name) {
      case 'place-order':
        return forward(async () => {
          let position: Position | undefined;
          const allocations = await this.allocate(tenantId, state);
          const command = {
            type: 'PlaceOrder' as const,
            data: {
              orderId,
              customerId: state.customerId,
              basketId: state.basketId,
              lines: state.lines,
              shipping: terms.shipping,
              ...(terms.discount === undefined ? {} : { discount: terms.discount }),
              ...(state.couponCode === undefined ? {} : { couponCode: state.couponCode }),
              allocations,
              ...(terms.paymentDueBy === undefined ? {} : { paymentDueBy: terms.paymentDueBy }),
              payment: {
                ...(terms.payment.wallet === undefined ? {} : { wallet: terms.payment.wallet }),
                ...(terms.payment.external === undefined ? {} : { method: terms.payment.external.method }),
                // Captured at checkout: the order knows it from the start, so cancelling it refunds the card.
                ...(terms.payment.external?.captured === true ? { capturedReference: terms.payment.external.reference } : {}),
              },
            },
          };
          try {
            position = (await this.send(orderDecider, orderStream(tenantId, orderId), command, context)).position;
          } catch (error) {
            if (!(error instanceof DomainError) || error.code !== 'order-already-placed') throw error;
          }
          const order = (await this.handler.load(orderDecider, orderStream(tenantId, orderId))).state;
          if (order.status === 'none' || order.basketId !== state.basketId) {
            throw new DomainError('order-already-placed', `order ${orderId} is another basket's`, 'conflict', { orderId });
          }
          const zero = { minor: 0, currency: order.total.currency };
          const placed = { total: order.total, wallet: order.paymentPlan?.wallet ?? zero, external: order.paymentPlan?.external ?? order.total };
          return { outcome: { kind: 'done', placed, allocations: order.allocations }, position };
        });
      case 'reserve-stock':
        return forward(async () => {
          const a = allocations[step.index ?? 0]!;
          const command = {
            type: 'ReserveStock' as const,
            data: { sku: a.sku, warehouseId: a.warehouseId, orderId, quantity: a.quantity, ...(terms.paymentDueBy === undefined ? {} : { expiresAt: terms.paymentDueBy }) },
          };
          return done((await this.send(stockDecider, stockStream(tenantId, a.sku, a.warehouseId), command, context)).position);
        });
      case 'redeem-coupon':
        return forward(async () => {
          const code = state.couponCode!;
          const command = { type: 'RedeemCoupon' as const, data: { code, orderId, customerId: state.customerId, subtotal: state.subtotal!, at: checkoutTime(state) } };
          return done((await this.send(promotionDecider, promotionStream(tenantId, code), command, context)).position);
        });
      case 'debit-wallet':
        return forward(async () => {
          const command = {
            type: 'DebitWalletForOrder' as const,
            data: { walletId: state.customerId, orderId, amount: state.placed!.wallet, at: checkoutTime(state), paymentId: `checkout:${orderId}` },
          };
          return done((await this.send(walletDecider, walletStream(tenantId, state.customerId), command, context)).position);
        });
      case 'await-payment':
        return done();
      case 'confirm-order':
        return forward(async () => {
          const placed = state.placed!;
          const payments: OrderPayment[] = [];
          if (placed.wallet.minor > 0) payments.push({ method: 'wallet', amount: placed.wallet, reference: `wallet:${state.customerId}` });
          if (placed.external.minor > 0) {
            const external = state.captured ?? { method: terms.payment.external!.method, reference: terms.payment.external!.reference, amount: placed.external };
            payments.push({ method: external.method, amount: external.amount, reference: external.reference });
          }
          try {
            return done((await this.send(orderDecider, orderStream(tenantId, orderId), { type: 'ConfirmOrderPayment', data: { orderId, payments } }, context)).position);
          } catch (error) {
            if (!(error instanceof DomainError) || error.code !== 'order-not-payable') throw error;
            const order = (await this.handler.load(orderDecider, orderStream(tenantId, orderId))).state;
            if (order.status === 'none' || order.status === 'pending' || order.status === 'cancelled') throw error;
            return done();
          }
        });
      case 'cancel-order':
        try {
          const command = { type: 'CancelOrder' as const, data: { orderId, reason: state.failure!.reason } };
          return done((await this.send(orderDecider, orderStream(tenantId, orderId), command, context)).position);
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'order-not-cancellable') throw error;
          const order = (await this.handler.load(orderDecider, orderStream(tenantId, orderId))).state;
          if (order.status !== 'cancelled') throw error;
          return done();
        }
      case 'release-stock': {
        const a = allocations[step.index ?? 0]!;
        try {
          const command = { type: 'ReleaseStock' as const, data: { sku: a.sku, warehouseId: a.warehouseId, orderId, reason: state.failure!.reason } };
          return done((await this.send(stockDecider, stockStream(tenantId, a.sku, a.warehouseId), command, context)).position);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'reservation-not-found') return done();
          throw error;
        }
      }
      case 'release-coupon': {
        const command = { type: 'ReleaseCouponRedemption' as const, data: { code: state.couponCode!, orderId, reason: state.failure!.reason } };
        return done((await this.send(promotionDecider, promotionStream(tenantId, state.couponCode!), command, context)).position);
      }
      case 'refund-wallet': {
        const stream = walletStream(tenantId, state.customerId);
        const wallet = (await this.handler.load(walletDecider, stream)).state;
        const paid = paidForOrder(wallet, orderId);
        if (paid <= 0) return done();
        const command = {
          type: 'RefundToWallet' as const,
          data: { walletId: state.customerId, orderId, amount: { minor: paid, currency: wallet.currency }, refundId: `checkout:${orderId}`, reason: state.failure!.reason },
        };
        return done((await this.send(walletDecider, stream, command, context)).position);
      }
      case 'reopen-basket':
        try {
          const command = { type: 'ReopenBasket' as const, data: { basketId: state.basketId, orderId, reason: state.failure!.reason } };
          return done((await this.send(basketDecider, basketStream(tenantId, state.basketId), command, context)).position);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'basket-not-open') return done();
          throw error;
        }
      case 'finish-compensation':
        return done();
    }
  }

  /**
   * Allocates the lines across warehouses (pure `allocateLines`) from the availability of each
   * line's SKU in its own warehouse and the checkout's candidates. Without candidates every line
   * stays whole in its own warehouse and nothing needs reading.
   */
  private async allocate(tenantId: string, state: CheckoutProcessState) {
    const candidates = state.terms?.warehouses ?? [];
    if (candidates.length === 0) {
      return state.lines.map((l, lineIndex) => ({ lineIndex, sku: l.sku, warehouseId: l.warehouseId, quantity: l.quantity }));
    }
    const availability: Record<string, WarehouseAvailability[]> = {};
    for (const line of state.lines) {
      if (Object.hasOwn(availability, line.sku)) continue;
      const warehouses = [...new Set([line.warehouseId, ...candidates])];
      availability[line.sku] = await Promise.all(
        warehouses.map(async (warehouseId) => ({
          warehouseId,
          available: availableStock((await this.handler.load(stockDecider, stockStream(tenantId, line.sku, warehouseId))).state),
        })),
      );
    }
    return allocateLines(
      state.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, preferredWarehouseId: l.warehouseId })),
      availability,
    );
  }
}

/** The business time of the checkout itself: the coupon and the wallet's bonus lots are judged at it. */
function checkoutTime(state: CheckoutProcessState): string {
  return state.startedAt;
}

/** A forward step's rejection as the process's failure: the order is cancelled with `checkout-failed:<code>`. */
export function failureOf(step: CheckoutStepName, error: DomainError): CheckoutFailure {
  return {
    step,
    code: error.code,
    message: error.message,
    kind: error.kind,
    details: error.details,
    reason: `checkout-failed:${error.code}`,
    reopenBasket: true,
  };
}

/**
 * The event of a command's result the checkout process reacts to (the first one it observes:
 * `OrderCancelled` before the `OrderRefunded` of a cancellation, `OrderPaymentCaptured` before
 * that of a late capture), with its id `<stream>@<revision>`; undefined when there is none.
 * `revision` is the result's (its last event's) revision.
 */
export function observedIn(
  streamId: string,
  revision: bigint,
  events: readonly { readonly type: string; readonly data: object }[],
): { source: string; event: ObservedOrderEvent } | undefined {
  for (const [i, e] of events.entries()) {
    const event = toObserved(e.type, e.data as Record<string, unknown>);
    if (event) return { source: eventRef(streamId, revision - BigInt(events.length - 1 - i)), event };
  }
  return undefined;
}

/** The order events the process reacts to, from a recorded event's type and data; undefined for others. */
export function toObserved(type: string, data: Record<string, unknown>): ObservedOrderEvent | undefined {
  switch (type) {
    case 'OrderPaymentCaptured':
      return { type, method: data.method as never, reference: String(data.reference), amount: data.amount as never };
    case 'OrderPaymentDeclined':
      return { type, reason: String(data.reason) };
    case 'OrderPaymentConfirmed':
      return { type };
    case 'OrderCancelled':
      return { type, reason: String(data.reason) };
    default:
      return undefined;
  }
}
