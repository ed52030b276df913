import type { BasketItem, CheckoutTerms } from '../../../domain/basket/index.js';
import type { ExternalPaymentMethod, OrderAllocation } from '../../../domain/order/index.js';
import type { DomainEvent, Money } from '../../../domain/shared/index.js';

/**
 * Who and when a step acts for: the trigger's actor, correlation id and business time
 * (ISO 8601). Recorded in the process stream so a resumed run sends exactly the same commands.
 */
export interface CheckoutTrigger {
  readonly actor: string;
  readonly correlationId: string;
  readonly at: string;
}

/**
 * A compensation or forward step of the checkout process; `index` numbers allocations for
 * `reserve-stock` and `release-stock`.
 */
export type CheckoutStepName =
  | 'place-order'
  | 'reserve-stock'
  | 'redeem-coupon'
  | 'debit-wallet'
  | 'await-payment'
  | 'confirm-order'
  | 'cancel-order'
  | 'release-stock'
  | 'release-coupon'
  | 'refund-wallet'
  | 'reopen-basket'
  | 'finish-compensation';

/** Why a checkout failed: the rule's code, message, HTTP class and figures (a `DomainError`'s), and where. */
export interface CheckoutFailure {
  readonly step: CheckoutStepName | 'payment' | 'order';
  readonly code: string;
  readonly message: string;
  readonly kind: 'conflict' | 'unprocessable';
  readonly details: Readonly<Record<string, unknown>>;
  /** The reason written on the cancelled order (`checkout-failed:<code>`, or the order's own reason). */
  readonly reason: string;
  /** Whether the basket is reopened for the customer (failures during checkout and declined payments). */
  readonly reopenBasket: boolean;
}

/**
 * The process started from basket `basketId` checked out into order `orderId` (`source`: the
 * triggering event's id, `<stream>@<revision>`). Everything the run needs is here.
 */
export type CheckoutStarted = DomainEvent<
  'CheckoutStarted',
  {
    readonly orderId: string;
    readonly basketId: string;
    readonly customerId: string;
    readonly currency: string;
    readonly lines: readonly BasketItem[];
    readonly subtotal: Money;
    readonly couponCode?: string;
    readonly terms: CheckoutTerms;
    readonly source: string;
    readonly trigger: CheckoutTrigger;
  }
>;

/**
 * The order was placed with its lines allocated across warehouses (`allocations`, each to be
 * reserved): its `total`, split into the `wallet` part and the `external` part.
 */
export type CheckoutOrderPlaced = DomainEvent<
  'CheckoutOrderPlaced',
  {
    readonly orderId: string;
    readonly allocations: readonly OrderAllocation[];
    readonly total: Money;
    readonly wallet: Money;
    readonly external: Money;
  }
>;

/** Allocation `index` was reserved. */
export type CheckoutStockReserved = DomainEvent<'CheckoutStockReserved', { readonly orderId: string; readonly index: number }>;

/** The coupon redemption is held. */
export type CheckoutCouponRedeemed = DomainEvent<'CheckoutCouponRedeemed', { readonly orderId: string; readonly code: string }>;

/** The wallet part was taken. */
export type CheckoutWalletDebited = DomainEvent<'CheckoutWalletDebited', { readonly orderId: string; readonly amount: Money }>;

/** Waiting for the external payment's result (card provider or admin) until `paymentDueBy`. */
export type CheckoutAwaitingPayment = DomainEvent<
  'CheckoutAwaitingPayment',
  { readonly orderId: string; readonly method: ExternalPaymentMethod | null; readonly amount: Money; readonly paymentDueBy: string | null }
>;

/** The external payment was captured (observed on the order, `source`). */
export type CheckoutPaymentCaptured = DomainEvent<
  'CheckoutPaymentCaptured',
  {
    readonly orderId: string;
    readonly method: ExternalPaymentMethod;
    readonly reference: string;
    readonly amount: Money;
    readonly source: string;
    readonly trigger: CheckoutTrigger;
  }
>;

/** The order is confirmed: the checkout succeeded (`source` when the confirmation was observed rather than sent). */
export type CheckoutCompleted = DomainEvent<'CheckoutCompleted', { readonly orderId: string; readonly source?: string }>;

/** A step failed, the payment was declined or the order was cancelled (`source` when observed): compensation follows. */
export type CheckoutFailed = DomainEvent<
  'CheckoutFailed',
  { readonly orderId: string; readonly failure: CheckoutFailure; readonly orderCancelled: boolean; readonly source?: string; readonly trigger?: CheckoutTrigger }
>;

/** One compensation step is done (`index` for `release-stock`). */
export type CheckoutCompensationStepDone = DomainEvent<
  'CheckoutCompensationStepDone',
  { readonly orderId: string; readonly step: CheckoutStepName; readonly index?: number }
>;

/** Every compensation is done; the process is over. */
export type CheckoutCompensated = DomainEvent<'CheckoutCompensated', { readonly orderId: string; readonly reason: string }>;

/** Every event of a checkout process stream (`checkout-<tenant>:<orderId>`). */
export type CheckoutProcessEvent =
  | CheckoutStarted
  | CheckoutOrderPlaced
  | CheckoutStockReserved
  | CheckoutCouponRedeemed
  | CheckoutWalletDebited
  | CheckoutAwaitingPayment
  | CheckoutPaymentCaptured
  | CheckoutCompleted
  | CheckoutFailed
  | CheckoutCompensationStepDone
  | CheckoutCompensated;

const names: { readonly [K in CheckoutProcessEvent['type']]: K } = {
  CheckoutStarted: 'CheckoutStarted',
  CheckoutOrderPlaced: 'CheckoutOrderPlaced',
  CheckoutStockReserved: 'CheckoutStockReserved',
  CheckoutCouponRedeemed: 'CheckoutCouponRedeemed',
  CheckoutWalletDebited: 'CheckoutWalletDebited',
  CheckoutAwaitingPayment: 'CheckoutAwaitingPayment',
  CheckoutPaymentCaptured: 'CheckoutPaymentCaptured',
  CheckoutCompleted: 'CheckoutCompleted',
  CheckoutFailed: 'CheckoutFailed',
  CheckoutCompensationStepDone: 'CheckoutCompensationStepDone',
  CheckoutCompensated: 'CheckoutCompensated',
};

/** The type names of every checkout process event. */
export const checkoutProcessEventTypes: readonly CheckoutProcessEvent['type'][] = Object.freeze(Object.values(names));
