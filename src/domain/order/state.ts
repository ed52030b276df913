import type { Money } from '../shared/index.js';
import type { ExternalPaymentMethod, OrderAllocation, OrderPayment } from './commands.js';
import type { OrderEvent, OrderLine, OrderPaymentPlan, OrderStatus } from './events.js';

/**
 * A placed order: its lines and amounts (minor units) as placed, the payments that settled it
 * (empty until confirmed), and what happened after: an external payment `captured` while
 * pending (or before placement, from the plan's `capturedReference`), units returned per SKU,
 * refunds. Orders placed before discounts and KDV were recorded read as zero discount and tax,
 * prices including KDV, each line allocated whole to its warehouse.
 */
export interface PlacedOrderState {
  readonly status: Exclude<OrderStatus, 'none'>;
  readonly orderId: string;
  readonly customerId: string;
  readonly basketId: string;
  readonly lines: readonly OrderLine[];
  readonly subtotal: Money;
  readonly shipping: Money;
  readonly total: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly includedTax: Money;
  readonly pricesIncludeTax: boolean;
  readonly couponCode: string | undefined;
  readonly allocations: readonly OrderAllocation[];
  readonly paymentDueBy: string | undefined;
  readonly paymentPlan: OrderPaymentPlan | undefined;
  readonly payments: readonly OrderPayment[];
  readonly captured: { readonly method: ExternalPaymentMethod; readonly reference: string; readonly amount: Money } | undefined;
  readonly returnedBySku: Readonly<Record<string, number>>;
  /** Each return by its `returnId`, with its content (a repeat is compared with it). */
  readonly returnIds: Readonly<Record<string, OrderReturnRecord>>;
  /** Each refund by its `refundId`, with its content (a repeat is compared with it). */
  readonly refundIds: Readonly<Record<string, OrderRefundRecord>>;
  /** Σ refunds, minor units. */
  readonly refundedTotal: number;
  /** Σ of the refunds' wallet parts, minor units. */
  readonly refundedToWallet: number;
}

/**
 * A return as recorded: units per SKU, reason (trimmed), `restock` (whether its units go back
 * on hand), `amount` due back (minor units) and `refunded`, what its refund gave back in the same
 * append (minor units). `restock` and `refunded` are `undefined` for a return recorded before
 * they were (its restock choice was not kept; its refund was a later command).
 */
export interface OrderReturnRecord {
  readonly units: Readonly<Record<string, number>>;
  readonly reason: string;
  readonly restock: boolean | undefined;
  readonly amount: number;
  readonly refunded: number | undefined;
}

/** A refund as recorded: `amount`, `reason` (trimmed) and `toWallet`, its wallet part in minor units. */
export interface OrderRefundRecord {
  readonly amount: Money;
  readonly reason: string;
  readonly toWallet: number;
}

/** An order stream: not placed yet, or a placed order in some status. */
export type OrderState = { readonly status: 'none' } | PlacedOrderState;

/** The state of an order stream with no events. */
export const initialOrderState: OrderState = { status: 'none' };

/** The return `returnId` as recorded, if any (own keys only). */
export function recordedReturn(state: PlacedOrderState, returnId: string): OrderReturnRecord | undefined {
  return Object.hasOwn(state.returnIds, returnId) ? state.returnIds[returnId] : undefined;
}

/** The refund `refundId` as recorded, if any (own keys only). */
export function recordedRefund(state: PlacedOrderState, refundId: string): OrderRefundRecord | undefined {
  return Object.hasOwn(state.refundIds, refundId) ? state.refundIds[refundId] : undefined;
}

/** The refund id of return `returnId`'s refund. */
export function returnRefundId(returnId: string): string {
  return `return:${returnId}`;
}

/** Units of `sku` returned so far (own keys only). */
export function returnedUnits(state: PlacedOrderState, sku: string): number {
  return Object.hasOwn(state.returnedBySku, sku) ? (state.returnedBySku[sku] ?? 0) : 0;
}

/** Minor units the order's confirmed payments took from the wallet. */
export function walletPaid(state: PlacedOrderState): number {
  return state.payments.filter((p) => p.method === 'wallet').reduce((s, p) => s + p.amount.minor, 0);
}

/** Minor units the order's confirmed payments add up to. */
export function totalPaid(state: PlacedOrderState): number {
  return state.payments.reduce((s, p) => s + p.amount.minor, 0);
}

/**
 * The external (non-wallet) payments the order took, in order: its confirmed ones, then the
 * captured one (reported by the provider or captured before the order was placed) unless a
 * confirmed payment carries its reference. Declined payments took nothing.
 */
export function externalPayments(state: PlacedOrderState): readonly OrderPayment[] {
  const confirmed = state.payments.filter((p) => p.method !== 'wallet');
  const captured = state.captured;
  if (!captured || confirmed.some((p) => p.reference === captured.reference)) return confirmed;
  return [...confirmed, { method: captured.method, reference: captured.reference, amount: captured.amount }];
}

/** Minor units refunded to external methods so far (Σ refunds less their wallet parts). */
export function refundedToExternal(state: PlacedOrderState): number {
  return state.refundedTotal - state.refundedToWallet;
}

/** Minor units of the external payments not refunded yet (≥ 0). */
export function externalRefundable(state: PlacedOrderState): number {
  const taken = externalPayments(state).reduce((s, p) => s + p.amount.minor, 0);
  return Math.max(0, taken - refundedToExternal(state));
}

/** The allocations of an order: as placed, or each line whole from its warehouse for older orders. */
export function allocationsOf(lines: readonly OrderLine[], allocations: readonly OrderAllocation[] | undefined): readonly OrderAllocation[] {
  return allocations ?? lines.map((l, lineIndex) => ({ lineIndex, sku: l.sku, warehouseId: l.warehouseId, quantity: l.quantity }));
}

/** The capture a plan records as made before the order was placed, if any. */
function capturedAtPlacement(plan: OrderPaymentPlan | undefined): PlacedOrderState['captured'] {
  if (!plan?.method || plan.capturedReference === undefined || plan.external.minor <= 0) return undefined;
  return { method: plan.method, reference: plan.capturedReference, amount: plan.external };
}

/** The order state after one event. Total: events other than OrderPlaced on an unplaced order are ignored. */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    const zero = { minor: 0, currency: d.total.currency };
    return {
      status: 'pending',
      orderId: d.orderId,
      customerId: d.customerId,
      basketId: d.basketId,
      lines: d.lines,
      subtotal: d.subtotal,
      shipping: d.shipping,
      total: d.total,
      discount: d.discount ?? zero,
      tax: d.tax ?? zero,
      includedTax: d.includedTax ?? zero,
      pricesIncludeTax: d.pricesIncludeTax ?? true,
      couponCode: d.couponCode,
      allocations: allocationsOf(d.lines, d.allocations),
      paymentDueBy: d.paymentDueBy,
      paymentPlan: d.payment,
      payments: [],
      captured: capturedAtPlacement(d.payment),
      returnedBySku: {},
      returnIds: {},
      refundIds: {},
      refundedTotal: 0,
      refundedToWallet: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderPaymentConfirmed':
      return { ...state, status: 'confirmed', payments: event.data.payments };
    case 'OrderPaymentCaptured': {
      const { method, reference, amount } = event.data;
      return { ...state, captured: { method, reference, amount } };
    }
    case 'OrderPaymentDeclined':
      return state;
    case 'OrderProcessingStarted':
      return { ...state, status: 'processing' };
    case 'OrderShipped':
      return { ...state, status: 'shipped' };
    case 'OrderDelivered':
      return { ...state, status: 'delivered' };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled' };
    case 'OrderItemsReturned': {
      const returnedBySku = { ...state.returnedBySku };
      for (const item of event.data.items) returnedBySku[item.sku] = returnedUnits(state, item.sku) + item.quantity;
      return {
        ...state,
        status: event.data.fullyReturned ? 'returned' : state.status,
        returnedBySku,
        returnIds: {
          ...state.returnIds,
          [event.data.returnId]: {
            units: Object.fromEntries(event.data.items.map((i) => [i.sku, i.quantity])),
            reason: event.data.reason,
            restock: event.data.restock,
            amount: event.data.amount.minor,
            refunded: event.data.refunded?.minor,
          },
        },
      };
    }
    case 'OrderRefunded':
      return {
        ...state,
        refundIds: {
          ...state.refundIds,
          [event.data.refundId]: { amount: event.data.amount, reason: event.data.reason, toWallet: event.data.toWallet.minor },
        },
        refundedTotal: state.refundedTotal + event.data.amount.minor,
        refundedToWallet: state.refundedToWallet + event.data.toWallet.minor,
      };
  }
}
