import type { BasketItem, CheckoutTerms } from '../../../domain/basket/index.js';
import type { ExternalPaymentMethod, OrderAllocation } from '../../../domain/order/index.js';
import type { Decider, DomainCommand, Money } from '../../../domain/shared/index.js';
import type { CheckoutFailure, CheckoutProcessEvent, CheckoutStarted, CheckoutStepName, CheckoutTrigger } from './events.js';

/**
 * Where a checkout process is: running its forward steps, waiting for the external payment,
 * completed (order confirmed), compensating after a failure or cancellation, or compensated (over).
 */
export type CheckoutProcessStatus = 'none' | 'running' | 'awaiting-payment' | 'completed' | 'compensating' | 'compensated';

/** The folded state of a checkout process stream. Amounts in minor units of `currency`. */
export interface CheckoutProcessState {
  readonly status: CheckoutProcessStatus;
  readonly orderId: string;
  readonly basketId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly lines: readonly BasketItem[];
  readonly subtotal: Money | undefined;
  readonly couponCode: string | undefined;
  readonly terms: CheckoutTerms | undefined;
  /** The latest trigger: whose and when the next commands are. */
  readonly trigger: CheckoutTrigger | undefined;
  /** Business time of the checkout (ISO 8601): coupons and bonus lots are judged at this time. */
  readonly startedAt: string;
  readonly allocations: readonly OrderAllocation[] | undefined;
  readonly placed: { readonly total: Money; readonly wallet: Money; readonly external: Money } | undefined;
  readonly reserved: Readonly<Record<number, true>>;
  readonly couponHeld: boolean;
  readonly walletDebited: boolean;
  readonly awaiting: boolean;
  readonly captured: { readonly method: ExternalPaymentMethod; readonly reference: string; readonly amount: Money } | undefined;
  readonly completed: boolean;
  readonly failure: CheckoutFailure | undefined;
  readonly orderCancelled: boolean;
  /** Compensation steps done: `cancel-order`, `release-stock:<i>`, `release-coupon`, `refund-wallet`, `reopen-basket`. */
  readonly undone: Readonly<Record<string, true>>;
  /** Ids (`<stream>@<revision>`) of the events already reacted to. */
  readonly sources: Readonly<Record<string, true>>;
}

/** The state of a checkout process stream with no events. */
export const initialCheckoutProcessState: CheckoutProcessState = {
  status: 'none',
  orderId: '',
  basketId: '',
  customerId: '',
  currency: '',
  lines: [],
  subtotal: undefined,
  couponCode: undefined,
  terms: undefined,
  trigger: undefined,
  startedAt: '',
  allocations: undefined,
  placed: undefined,
  reserved: {},
  couponHeld: false,
  walletDebited: false,
  awaiting: false,
  captured: undefined,
  completed: false,
  failure: undefined,
  orderCancelled: false,
  undone: {},
  sources: {},
};

/** The step the process takes next, or undefined when it waits (payment) or is over. */
export interface CheckoutStep {
  readonly name: CheckoutStepName;
  /** Allocation index, for `reserve-stock` and `release-stock`. */
  readonly index?: number;
}

function withSource(state: CheckoutProcessState, source: string | undefined): Readonly<Record<string, true>> {
  return source === undefined ? state.sources : { ...state.sources, [source]: true };
}

/** The process state after one event. Total: never throws. */
export function evolveCheckoutProcess(state: CheckoutProcessState, event: CheckoutProcessEvent): CheckoutProcessState {
  switch (event.type) {
    case 'CheckoutStarted': {
      const d = event.data;
      return {
        ...initialCheckoutProcessState,
        status: 'running',
        orderId: d.orderId,
        basketId: d.basketId,
        customerId: d.customerId,
        currency: d.currency,
        lines: d.lines,
        subtotal: d.subtotal,
        couponCode: d.couponCode,
        terms: d.terms,
        trigger: d.trigger,
        startedAt: d.trigger.at,
        sources: { [d.source]: true },
      };
    }
    case 'CheckoutOrderPlaced': {
      const { total, wallet, external, allocations } = event.data;
      return { ...state, placed: { total, wallet, external }, allocations };
    }
    case 'CheckoutStockReserved':
      return { ...state, reserved: { ...state.reserved, [event.data.index]: true } };
    case 'CheckoutCouponRedeemed':
      return { ...state, couponHeld: true };
    case 'CheckoutWalletDebited':
      return { ...state, walletDebited: true };
    case 'CheckoutAwaitingPayment':
      return { ...state, awaiting: true, status: 'awaiting-payment' };
    case 'CheckoutPaymentCaptured': {
      const { method, reference, amount, source, trigger } = event.data;
      return { ...state, status: 'running', captured: { method, reference, amount }, trigger, sources: withSource(state, source) };
    }
    case 'CheckoutCompleted':
      return { ...state, status: 'completed', completed: true, sources: withSource(state, event.data.source) };
    case 'CheckoutFailed':
      return {
        ...state,
        status: 'compensating',
        failure: event.data.failure,
        orderCancelled: event.data.orderCancelled,
        trigger: event.data.trigger ?? state.trigger,
        sources: withSource(state, event.data.source),
      };
    case 'CheckoutCompensationStepDone': {
      const key = event.data.index === undefined ? event.data.step : `${event.data.step}:${event.data.index}`;
      return {
        ...state,
        undone: { ...state.undone, [key]: true },
        orderCancelled: state.orderCancelled || event.data.step === 'cancel-order',
      };
    }
    case 'CheckoutCompensated':
      return { ...state, status: 'compensated' };
  }
}

/** Whether the external part was captured at checkout already (a card the provider captured up front). */
function capturedUpFront(state: CheckoutProcessState): boolean {
  return state.terms?.payment.external?.captured === true;
}

/**
 * The next step, from the state alone (pure), in this order:
 * forward — place the order (its lines allocated across warehouses), reserve each allocation, redeem the coupon,
 * debit the wallet part, wait for the external payment (unless captured up front), confirm;
 * after a failure — cancel the order (unless it was already cancelled), release each
 * reservation made, release the coupon, refund the wallet, reopen the basket (failures during
 * checkout and declined payments only), then finish. There is no step for the external payment:
 * the order records the refund of what it captured (at checkout or later) with its cancellation.
 */
export function nextCheckoutStep(state: CheckoutProcessState): CheckoutStep | undefined {
  if (state.status === 'none' || state.status === 'compensated') return undefined;
  const allocations = state.allocations ?? [];
  if (state.failure) {
    const done = (key: string) => Object.hasOwn(state.undone, key);
    if (state.placed && !state.orderCancelled && !done('cancel-order')) return { name: 'cancel-order' };
    const release = allocations.findIndex((_, i) => Object.hasOwn(state.reserved, i) && !done(`release-stock:${i}`));
    if (release >= 0) return { name: 'release-stock', index: release };
    if (state.couponHeld && !done('release-coupon')) return { name: 'release-coupon' };
    if (state.walletDebited && !done('refund-wallet')) return { name: 'refund-wallet' };
    if (state.failure.reopenBasket && !done('reopen-basket')) return { name: 'reopen-basket' };
    return { name: 'finish-compensation' };
  }
  if (state.completed) return undefined;
  if (!state.placed) return { name: 'place-order' };
  const reserve = allocations.findIndex((_, i) => !Object.hasOwn(state.reserved, i));
  if (reserve >= 0) return { name: 'reserve-stock', index: reserve };
  if (state.couponCode !== undefined && !state.couponHeld) return { name: 'redeem-coupon' };
  if (state.placed.wallet.minor > 0 && !state.walletDebited) return { name: 'debit-wallet' };
  if (state.placed.external.minor > 0 && !capturedUpFront(state) && !state.captured) {
    return state.awaiting ? undefined : { name: 'await-payment' };
  }
  return { name: 'confirm-order' };
}

/** What a step's command did: done (with what the next steps need), or failed with the rule that refused it. */
export type StepOutcome =
  | { readonly kind: 'done'; readonly allocations?: readonly OrderAllocation[]; readonly placed?: CheckoutProcessState['placed'] }
  | { readonly kind: 'failed'; readonly failure: CheckoutFailure };

/** Starts the process (a no-op when it has started). */
export type StartCheckoutProcess = DomainCommand<'StartCheckoutProcess', CheckoutStarted['data']>;

/** Records the outcome of `step` (a no-op when it is not the next step any more: a concurrent runner recorded it). */
export type RecordCheckoutStep = DomainCommand<'RecordCheckoutStep', { readonly step: CheckoutStep; readonly outcome: StepOutcome }>;

/** An order event the process reacts to, with its id (`<stream>@<revision>`) and trigger. */
export type ObservedOrderEvent =
  | { readonly type: 'OrderPaymentCaptured'; readonly method: ExternalPaymentMethod; readonly reference: string; readonly amount: Money }
  | { readonly type: 'OrderPaymentDeclined'; readonly reason: string }
  | { readonly type: 'OrderPaymentConfirmed' }
  | { readonly type: 'OrderCancelled'; readonly reason: string };

/** Reacts to an order event once (a no-op for an event id already seen or irrelevant now). */
export type ObserveOrderEvent = DomainCommand<
  'ObserveOrderEvent',
  { readonly source: string; readonly trigger: CheckoutTrigger; readonly event: ObservedOrderEvent }
>;

/** Every command of the checkout process decider. */
export type CheckoutProcessCommand = StartCheckoutProcess | RecordCheckoutStep | ObserveOrderEvent;

const sameStep = (a: CheckoutStep | undefined, b: CheckoutStep) => a !== undefined && a.name === b.name && a.index === b.index;

/**
 * The checkout process as a decider over its own stream: it never decides business rules of
 * the aggregates; it records what happened to them and derives the next step.
 * Idempotent throughout: starting twice, recording a step that is no longer next, observing an
 * event id already seen all append nothing.
 */
export function decideCheckoutProcess(command: CheckoutProcessCommand, state: CheckoutProcessState): readonly CheckoutProcessEvent[] {
  switch (command.type) {
    case 'StartCheckoutProcess':
      return state.status === 'none' ? [{ type: 'CheckoutStarted', data: command.data }] : [];
    case 'RecordCheckoutStep':
      return record(command.data.step, command.data.outcome, state);
    case 'ObserveOrderEvent':
      return observe(command.data, state);
  }
}

function record(step: CheckoutStep, outcome: StepOutcome, state: CheckoutProcessState): readonly CheckoutProcessEvent[] {
  if (!sameStep(nextCheckoutStep(state), step)) return [];
  const { orderId } = state;
  if (outcome.kind === 'failed') {
    if (state.failure) return [];
    return [{ type: 'CheckoutFailed', data: { orderId, failure: outcome.failure, orderCancelled: false } }];
  }
  switch (step.name) {
    case 'place-order': {
      const placed = outcome.placed;
      if (!placed) return [];
      return [{ type: 'CheckoutOrderPlaced', data: { orderId, allocations: outcome.allocations ?? [], ...placed } }];
    }
    case 'reserve-stock':
      return [{ type: 'CheckoutStockReserved', data: { orderId, index: step.index ?? 0 } }];
    case 'redeem-coupon':
      return [{ type: 'CheckoutCouponRedeemed', data: { orderId, code: state.couponCode ?? '' } }];
    case 'debit-wallet':
      return [{ type: 'CheckoutWalletDebited', data: { orderId, amount: state.placed!.wallet } }];
    case 'await-payment':
      return [
        {
          type: 'CheckoutAwaitingPayment',
          data: {
            orderId,
            method: state.terms?.payment.external?.method ?? null,
            amount: state.placed!.external,
            paymentDueBy: state.terms?.paymentDueBy ?? null,
          },
        },
      ];
    case 'confirm-order':
      return [{ type: 'CheckoutCompleted', data: { orderId } }];
    case 'finish-compensation':
      return [{ type: 'CheckoutCompensated', data: { orderId, reason: state.failure?.reason ?? '' } }];
    case 'cancel-order':
    case 'release-stock':
    case 'release-coupon':
    case 'refund-wallet':
    case 'reopen-basket':
      return [{ type: 'CheckoutCompensationStepDone', data: { orderId, step: step.name, ...(step.index === undefined ? {} : { index: step.index }) } }];
  }
}

function observe({ source, trigger, event }: ObserveOrderEvent['data'], state: CheckoutProcessState): readonly CheckoutProcessEvent[] {
  if (state.status === 'none' || state.status === 'compensated' || Object.hasOwn(state.sources, source)) return [];
  const { orderId } = state;
  switch (event.type) {
    case 'OrderPaymentCaptured':
      if (state.failure || state.completed || state.captured) return [];
      return [{ type: 'CheckoutPaymentCaptured', data: { orderId, method: event.method, reference: event.reference, amount: event.amount, source, trigger } }];
    case 'OrderPaymentConfirmed':
      if (state.failure || state.completed || state.status !== 'awaiting-payment') return [];
      return [{ type: 'CheckoutCompleted', data: { orderId, source } }];
    case 'OrderPaymentDeclined': {
      if (state.failure || state.completed) return [];
      const failure: CheckoutFailure = {
        step: 'payment',
        code: 'payment-declined',
        message: `the payment was declined: ${event.reason}`,
        kind: 'conflict',
        details: { orderId, reason: event.reason },
        reason: `payment-declined: ${event.reason}`,
        reopenBasket: true,
      };
      return [{ type: 'CheckoutFailed', data: { orderId, failure, orderCancelled: false, source, trigger } }];
    }
    case 'OrderCancelled': {
      if (state.failure) {
        return state.orderCancelled ? [] : [{ type: 'CheckoutCompensationStepDone', data: { orderId, step: 'cancel-order' } }];
      }
      const code = event.reason === 'reservation-expired' ? 'reservation-expired' : 'order-cancelled';
      const failure: CheckoutFailure = {
        step: 'order',
        code,
        message: `the order was cancelled: ${event.reason}`,
        kind: 'conflict',
        details: { orderId, reason: event.reason },
        reason: event.reason,
        reopenBasket: false,
      };
      return [{ type: 'CheckoutFailed', data: { orderId, failure, orderCancelled: true, source, trigger } }];
    }
  }
}

/** The checkout process (one stream per order: `checkout-<tenant>:<orderId>`) as a decider. */
export const checkoutProcessDecider: Decider<CheckoutProcessCommand, CheckoutProcessEvent, CheckoutProcessState> = {
  initialState: initialCheckoutProcessState,
  evolve: evolveCheckoutProcess,
  decide: decideCheckoutProcess,
};
