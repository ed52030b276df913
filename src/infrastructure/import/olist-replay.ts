import type { CommandContext } from '../../application/command-context.js';
import type { CommandHandler } from '../../application/command-handler.js';
import * as commerce from '../../application/commerce/index.js';
import { orderDecider, type OrderPayment } from '../../domain/order/index.js';
import { productDecider } from '../../domain/product/index.js';
import { DomainError, type Money } from '../../domain/shared/index.js';
import { walletDecider } from '../../domain/wallet/index.js';
import type { OlistDataset, OlistOrder, RowProblem } from './olist/index.js';
import { OLIST_CURRENCY } from './olist/index.js';
import { KeyedScheduler } from './keyed-scheduler.js';
import { resumeCheckout } from './resume-checkout.js';
import { CheckoutProcessManager } from '../../application/process-managers/checkout/index.js';

/** One business step of an Olist order, replayed at Olist's own time. */
type StepKind = 'purchase' | 'approve' | 'ship' | 'deliver' | 'cancel';
interface Step {
  readonly kind: StepKind;
  readonly order: OlistOrder;
  /** ISO 8601 with the São Paulo offset. */
  readonly at: string;
  readonly epochMillis: number;
  /** Tie-breaker keeping one order's steps in their business order. */
  readonly rank: number;
}

/** What `replayOlist` did. */
export interface OlistReplayResult {
  readonly ordersImported: number;
  /** Orders skipped because their stream already existed (a resumed import). */
  readonly ordersAlreadyImported: number;
  readonly commands: number;
  /** Orders the domain rejected although the reader accepted them (expected: none). */
  readonly failed: RowProblem[];
  /** Steps left out on purpose (e.g. a cancelled order that had been handed to the carrier). */
  readonly notes: RowProblem[];
}

/** Options of `replayOlist`. */
export interface OlistReplayOptions {
  readonly tenantId: string;
  /** Called after each order's purchase step with (orders done, orders in all). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Steps in flight at once (default 8); the result does not depend on it. */
  readonly concurrency?: number;
}

const RANK: Record<StepKind, number> = { purchase: 0, approve: 1, ship: 2, deliver: 3, cancel: 4 };
const epoch = (iso: string) => Date.parse(iso);

/**
 * The steps an Olist order goes through, from its status and timestamps:
 * - every order: `purchase` (catalogue, stock, wallet, basket, checkout) at purchase time;
 * - `delivered`: approve, ship (carrier hand-over), deliver;
 * - `shipped`: approve, ship (at the latest known time when Olist has no carrier date);
 * - `invoiced`, `processing`, `approved`: approve (at purchase time when Olist has none);
 * - `created`: nothing more (stays pending);
 * - `canceled`, `unavailable`: approve if Olist approved it, then cancel at the latest of
 *   purchase and approval. A carrier date on such an order is not replayed (our orders
 *   cannot be cancelled once shipped); a note records it.
 */
export function stepsOf(order: OlistOrder, notes: RowProblem[]): Step[] {
  const step = (kind: StepKind, at: string): Step => ({ kind, order, at, epochMillis: epoch(at), rank: RANK[kind] });
  const steps = [step('purchase', order.purchasedAt)];
  const approvedAt = order.approvedAt ?? order.purchasedAt;
  switch (order.status) {
    case 'delivered':
      steps.push(step('approve', approvedAt), step('ship', order.shippedAt ?? approvedAt), step('deliver', order.deliveredAt ?? order.shippedAt ?? approvedAt));
      break;
    case 'shipped':
      steps.push(step('approve', approvedAt), step('ship', order.shippedAt ?? approvedAt));
      break;
    case 'invoiced':
    case 'processing':
    case 'approved':
      steps.push(step('approve', approvedAt));
      break;
    case 'created':
      break;
    case 'canceled':
    case 'unavailable':
      if (order.approvedAt) steps.push(step('approve', order.approvedAt));
      if (order.shippedAt) {
        notes.push({ ...order.source, orderId: order.orderId, message: `${order.status} order had a carrier date; shipment not replayed` });
      }
      steps.push(step('cancel', order.approvedAt ?? order.purchasedAt));
      break;
  }
  return steps;
}

const brl = (minor: number): Money => ({ minor, currency: OLIST_CURRENCY });

/** Olist payment type → our external payment method (vouchers are paid from the wallet). */
function externalMethod(order: OlistOrder): 'card' | 'boleto' {
  const main = [...order.payments].filter((p) => p.type !== 'voucher').sort((a, b) => b.valueMinor - a.valueMinor)[0];
  return main?.type === 'boleto' ? 'boleto' : 'card';
}

/**
 * Replays Olist orders through the command handlers, step by step in Olist's time order
 * (all orders' steps sorted by timestamp), so events carry Olist's timestamps as business
 * time. Per order's purchase:
 * 1. products: registered on first sight at the item's price (name from category and id);
 *    a later order at another price changes the catalogue price first;
 * 2. stock: the sold units are received into the seller's warehouse (warehouse = seller id);
 * 3. wallet: opened on the customer's first order; voucher payments credit it;
 * 4. basket opened (basket id = order id), items added at catalogue price, checked out
 *    through the checkout process manager with shipping = Σ freight, wallet part =
 *    min(vouchers, total), the rest an external card/boleto payment confirmed at Olist's
 *    approval time (the process waits for it; approval and cancellation are observed by it).
 * Products are registered with KDV rate 0: Brazilian sales are outside Turkish KDV.
 * Command ids are `olist:<order>:<step>`. Re-running skips orders whose stream exists and
 * transitions already made, and completes what a crash left half-way (the checkout process,
 * the stock shipments of a shipped order), so an interrupted import can be resumed.
 * Steps run concurrently through a `KeyedScheduler`: steps touching the same order,
 * customer or product keep Olist's time order, so the events each stream receives, and
 * every figure derived from them, are the same as in a sequential run.
 */
export async function replayOlist(handler: CommandHandler, dataset: OlistDataset, options: OlistReplayOptions): Promise<OlistReplayResult> {
  const notes: RowProblem[] = [];
  const failed: RowProblem[] = [];
  const steps = dataset.orders.flatMap((o) => stepsOf(o, notes));
  steps.sort((a, b) => a.epochMillis - b.epochMillis || a.rank - b.rank);
  const skippedOrders = new Set<string>();
  const manager = new CheckoutProcessManager(handler);
  const state = { commands: 0, imported: 0, already: 0, done: 0 };

  const context = (order: OlistOrder, step: string, at: string): CommandContext => ({
    tenantId: options.tenantId,
    actor: 'import:olist',
    correlationId: `olist:${order.orderId}`,
    commandId: `olist:${order.orderId}:${step}`,
    occurredAt: at,
  });
  const run = async <T>(promise: Promise<T>): Promise<T> => {
    state.commands++;
    return promise;
  };

  async function purchase(order: OlistOrder, at: string): Promise<void> {
    const existing = await handler.load(orderDecider, commerce.orderStream(options.tenantId, order.orderId));
    if (existing.state.status !== 'none') {
      await resumeCheckout(handler, manager, options.tenantId, order.orderId); // a resumed import
      state.already++;
      return;
    }
    for (const [i, item] of order.items.entries()) {
      const ctx = context(order, `product:${i}`, at);
      const product = await handler.load(productDecider, commerce.productStream(options.tenantId, item.productId));
      if (product.state.status === 'none') {
        const name = `${item.category.replaceAll('_', ' ')} ${item.productId.slice(0, 8)}`;
        // Brazilian sales are outside Turkish KDV: rate 0 (prices are Olist's, tax included in them as sold).
        await run(commerce.registerProduct(handler, ctx, { sku: item.productId, name, category: item.category, price: brl(item.unitPriceMinor), taxRate: 0 }));
      } else if (product.state.price.minor !== item.unitPriceMinor) {
        await run(commerce.changeProductPrice(handler, ctx, { sku: item.productId, price: brl(item.unitPriceMinor) }));
      }
      await run(commerce.receiveStock(handler, context(order, `receive:${i}`, at), {
        sku: item.productId, warehouseId: item.sellerId, quantity: item.quantity, reference: `olist:${order.orderId}`,
      }));
    }
    const wallet = await handler.load(walletDecider, commerce.walletStream(options.tenantId, order.customerId));
    if (wallet.state.status === 'none') {
      await run(commerce.openWallet(handler, context(order, 'open-wallet', at), { customerId: order.customerId, currency: OLIST_CURRENCY }));
    }
    const vouchers = voucherTotal(order);
    if (vouchers > 0) {
      await run(commerce.creditWallet(handler, context(order, 'credit-voucher', at), {
        customerId: order.customerId, amount: brl(vouchers), reason: 'voucher', reference: `olist:${order.orderId}`,
      }));
    }
    await run(commerce.openBasket(handler, context(order, 'open-basket', at), { basketId: order.orderId, customerId: order.customerId, currency: OLIST_CURRENCY }));
    for (const [i, item] of order.items.entries()) {
      await run(commerce.addItem(handler, context(order, `add-item:${i}`, at), {
        basketId: order.orderId, sku: item.productId, quantity: item.quantity, warehouseId: item.sellerId,
      }));
    }
    const subtotal = order.items.reduce((s, i) => s + i.unitPriceMinor * i.quantity, 0);
    const shipping = order.items.reduce((s, i) => s + i.freightMinor, 0);
    const walletPart = Math.min(vouchers, subtotal + shipping);
    await run(commerce.checkout(handler, context(order, 'checkout', at), {
      basketId: order.orderId,
      orderId: order.orderId,
      shipping: brl(shipping),
      payment: {
        ...(walletPart > 0 ? { wallet: brl(walletPart) } : {}),
        external: { method: externalMethod(order), reference: `olist:${order.orderId}`, captured: false },
      },
    }, { manager }));
    state.imported++;
  }

  async function transition(step: Step): Promise<void> {
    const { order, at } = step;
    const ctx = context(order, step.kind, at);
    const current = await handler.load(orderDecider, commerce.orderStream(options.tenantId, order.orderId));
    if (current.state.status === 'none') return;
    const status = current.state.status;
    switch (step.kind) {
      case 'approve': {
        if (status !== 'pending') return;
        const total = current.state.total.minor;
        const walletPart = Math.min(voucherTotal(order), total);
        const payments: OrderPayment[] = [];
        if (walletPart > 0) payments.push({ method: 'wallet', amount: brl(walletPart), reference: 'wallet' });
        if (total - walletPart > 0) payments.push({ method: externalMethod(order), amount: brl(total - walletPart), reference: `olist:${order.orderId}` });
        await run(commerce.confirmOrderPayment(handler, ctx, { orderId: order.orderId, payments }, { manager }));
        return;
      }
      case 'ship':
        // Shipped already (a resumed import): completes the stock shipments a crash left undone.
        if (status === 'confirmed' || commerce.SHIPPED_STATUSES.includes(status)) await run(commerce.shipOrder(handler, ctx, { orderId: order.orderId }));
        return;
      case 'deliver':
        if (status === 'shipped') await run(commerce.deliverOrder(handler, ctx, { orderId: order.orderId }));
        return;
      case 'cancel':
        if (status === 'pending' || status === 'confirmed') {
          await run(commerce.cancelOrder(handler, ctx, { orderId: order.orderId, reason: `olist:${order.status}` }, { manager }));
        }
        return;
      case 'purchase':
        return;
    }
  }

  const scheduler = new KeyedScheduler(options.concurrency ?? 8);
  for (const step of steps) {
    await scheduler.submit(keysOf(step), async () => {
      if (skippedOrders.has(step.order.orderId)) return;
      try {
        if (step.kind === 'purchase') {
          await purchase(step.order, step.at);
          options.onProgress?.(++state.done, dataset.orders.length);
        } else {
          await transition(step);
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        skippedOrders.add(step.order.orderId);
        failed.push({ ...step.order.source, orderId: step.order.orderId, message: `${step.kind} rejected: ${error.code}: ${error.message}` });
      }
    });
  }
  await scheduler.drain();
  return { ordersImported: state.imported, ordersAlreadyImported: state.already, commands: state.commands, failed, notes };
}

/**
 * The entities a step touches, which must see their steps in Olist time order: the order;
 * on purchase and cancellation the customer (wallet); on purchase, shipment and
 * cancellation the products (catalogue price, and stock in the seller's warehouse).
 */
export function keysOf(step: Pick<Step, 'kind' | 'order'>): string[] {
  const { order } = step;
  const keys = [`order:${order.orderId}`];
  if (step.kind === 'purchase' || step.kind === 'cancel') keys.push(`customer:${order.customerId}`);
  if (step.kind === 'purchase' || step.kind === 'ship' || step.kind === 'cancel') {
    for (const item of order.items) keys.push(`product:${item.productId}`);
  }
  return keys;
}

/** Σ of an order's voucher payments, BRL minor units: what its customer's wallet is credited and pays. */
function voucherTotal(order: OlistOrder): number {
  return order.payments.filter((p) => p.type === 'voucher').reduce((s, p) => s + p.valueMinor, 0);
}
