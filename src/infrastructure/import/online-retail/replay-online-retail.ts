import type { CommandContext } from '../../../application/command-context.js';
import type { CommandHandler } from '../../../application/command-handler.js';
import * as commerce from '../../../application/commerce/index.js';
import { basketDecider, basketItem } from '../../../domain/basket/index.js';
import { orderDecider } from '../../../domain/order/index.js';
import { productDecider } from '../../../domain/product/index.js';
import { DomainError, type Money } from '../../../domain/shared/index.js';
import { availableStock, stockDecider } from '../../../domain/stock/index.js';
import { CheckoutProcessManager } from '../../../application/process-managers/checkout/index.js';
import { KeyedScheduler } from '../keyed-scheduler.js';
import { resumeCheckout } from '../resume-checkout.js';
import { ONLINE_RETAIL_CURRENCY, type RetailDataset, type RetailInvoice, type RetailProblem } from './read-online-retail.js';

/** The one warehouse of the retailer. */
export const ONLINE_RETAIL_WAREHOUSE = 'uk';
/** Category of every product (the data set has none): the retailer sells all-occasion gift-ware. */
export const ONLINE_RETAIL_CATEGORY = 'giftware';

/** Options of `replayOnlineRetail`. */
export interface RetailReplayOptions {
  readonly tenantId: string;
  /** Steps in flight at once (default 16); the result does not depend on it. */
  readonly concurrency?: number;
  /** Called after each invoice with (goods lines done, goods lines in all). */
  readonly onProgress?: (linesDone: number, linesTotal: number) => void;
}

/** What `replayOnlineRetail` did. */
export interface RetailReplayResult {
  readonly invoicesImported: number;
  readonly invoicesAlreadyImported: number;
  readonly guestInvoices: number;
  readonly linesImported: number;
  readonly priceChanges: number;
  readonly stockReceipts: number;
  /**
   * Cancellation invoices: returns with refunds. `lines` goods lines read, `returnedLines`
   * matched to earlier orders, `returns` recorded (one per cancellation and order),
   * `carriageRefunds` carriage refunds recorded and `carriageRefundedMinor` their sum in
   * pence (GBP), by this run.
   */
  readonly cancellations: {
    readonly invoices: number;
    readonly lines: number;
    readonly returnedLines: number;
    readonly returns: number;
    readonly carriageRefunds: number;
    readonly carriageRefundedMinor: number;
  };
  /** Lines imported differently from the file, each with the reason (e.g. a second line of an SKU at another price). */
  readonly notes: RetailProblem[];
  /** Lines or invoices the domain rejected (expected: none), returns that match no sale, and carriage not refunded. */
  readonly failed: RetailProblem[];
}

const gbp = (minor: number): Money => ({ minor, currency: ONLINE_RETAIL_CURRENCY });
const month = (at: string) => at.slice(0, 7);

/**
 * Replays Online Retail invoices through the command handlers and use cases, in the
 * file's time order, with Online Retail's timestamps as business time:
 * - a sale invoice becomes a basket (id = invoice number) of its customer, or, without a
 *   customer, a guest basket (guest `guest-<invoice>`, assigned to that guest id at
 *   checkout: segmentation leaves such ids out) whose goods lines are
 *   added at the invoice's unit price — registering the product on first sight (name = its
 *   first description, category `giftware`) or changing its catalogue price first when it
 *   differs — then checkout with carriage (POST, DOT, C2) as shipping and a captured card
 *   payment, then shipment and delivery at the invoice time. Stock is received into
 *   warehouse `uk` when short: the SKU's units sold in that calendar month;
 * - a second line of an SKU already in the invoice adds to its quantity at the first
 *   line's price (a basket holds one price per SKU): noted with its line number;
 * - a cancellation invoice (`C…`) is a return with its refund (`returnOrderItems`: the
 *   units go back into stock and the order refunds their paid price): each line is matched
 *   to the customer's latest earlier purchases of the SKU with units not yet returned, one
 *   return per order; lines without a customer or without such a purchase in the data
 *   are listed in `failed` with their line number;
 * - carriage on a cancellation (its POST, DOT, C2 lines, Σ in pence) is refunded with
 *   `refundOrder` (refund id `carriage:<cancellation>`, command id
 *   `online-retail:<cancellation>:refund-carriage:<order>`, so a re-run refunds nothing
 *   twice) on the latest (in time order) of the orders its goods were matched to: goods
 *   are matched latest purchase first, so that is the order the cancellation undoes
 *   first, and when the goods span several orders only that one gets the carriage. A
 *   return refunds goods only (each unit's paid price, never shipping; a full return
 *   leaves the order's shipping paid and unrefunded), so the carriage refund does not
 *   double-refund. It refunds carriage the order charged: the order's shipping less the
 *   carriage earlier cancellations refunded on it (from the data, so the same on every
 *   run) must cover it whole; otherwise, as without a customer or without any goods
 *   matched, nothing is refunded and the first carriage line is listed in `failed`.
 *   (Refunding carriage an order never charged would use up what its goods can still be
 *   refunded, so a later return of them would be rejected.) The order decider's
 *   `RefundOrder` rule still applies (order delivered or returned; Σ refunds ≤ Σ paid,
 *   else `refund-exceeds-paid`, e.g. after a refund made outside the import): its
 *   rejection is listed in `failed` at that line. A carriage refund does not depend on the
 *   cancellation's other steps; a cancellation with carriage and no goods is left out by
 *   `readOnlineRetail` (`skippedInvoices`).
 * Steps run through a `KeyedScheduler`: a line step is keyed by its product and basket,
 * an invoice's checkout and a return by the invoice and each SKU's stock, so every stream receives its
 * events in the order of a sequential run. Re-running skips what is done (state checks) and
 * completes what a crash left half-way (an order's checkout process, shipment or delivery, a
 * return's restock), so an interrupted import resumes.
 * @param handler best a sole writer of the tenant (`CachingCommandHandler`): the replay
 *   loads streams as often as it commands them, and `forget`s those of finished invoices
 */
export async function replayOnlineRetail(handler: CommandHandler, dataset: RetailDataset, options: RetailReplayOptions): Promise<RetailReplayResult> {
  const tenantId = options.tenantId;
  const notes: RetailProblem[] = [];
  const failed: RetailProblem[] = [];
  const state = { imported: 0, already: 0, guests: 0, lines: 0, priceChanges: 0, receipts: 0, linesDone: 0, returnedLines: 0, returns: 0, carriageRefunds: 0, carriageRefundedMinor: 0 };
  const sales = dataset.invoices.filter((i) => i.kind === 'sale');
  const cancellations = dataset.invoices.filter((i) => i.kind === 'cancellation');
  const linesTotal = sales.reduce((n, i) => n + i.lines.length, 0);

  // Units sold per SKU and month: what a stock receipt brings in when the SKU runs short.
  const demand = new Map<string, number>();
  for (const inv of sales) for (const l of inv.lines) demand.set(`${l.sku}@${month(inv.at)}`, (demand.get(`${l.sku}@${month(inv.at)}`) ?? 0) + l.quantity);

  const context = (inv: RetailInvoice, step: string): CommandContext => ({
    tenantId,
    actor: 'import:online-retail',
    correlationId: `online-retail:${inv.invoice}`,
    commandId: `online-retail:${inv.invoice}:${step}`,
    occurredAt: inv.at,
  });
  const customerOf = (inv: RetailInvoice) => inv.customerId ?? `guest-${inv.invoice}`;
  const skipped = new Set<string>();
  const manager = new CheckoutProcessManager(handler);
  const done = new Set<string>();

  async function openBasket(inv: RetailInvoice): Promise<void> {
    const order = await handler.load(orderDecider, commerce.orderStream(tenantId, inv.invoice));
    if (order.state.status !== 'none') {
      done.add(inv.invoice);
      state.already++;
      return;
    }
    const basket = await handler.load(basketDecider, commerce.basketStream(tenantId, inv.invoice));
    if (basket.state.status === 'none') {
      if (inv.customerId) {
        await commerce.openBasket(handler, context(inv, 'open-basket'), { basketId: inv.invoice, customerId: inv.customerId, currency: ONLINE_RETAIL_CURRENCY });
      } else {
        await commerce.openGuestBasket(handler, context(inv, 'open-basket'), { basketId: inv.invoice, guestId: customerOf(inv), currency: ONLINE_RETAIL_CURRENCY });
      }
    }
    if (!inv.customerId) state.guests++;
  }

  async function addLine(inv: RetailInvoice, index: number, expectedQuantity: number): Promise<void> {
    const line = inv.lines[index]!;
    const basket = await handler.load(basketDecider, commerce.basketStream(tenantId, inv.invoice));
    const inBasket = basketItem(basket.state, line.sku);
    if (inBasket && inBasket.quantity >= expectedQuantity) return; // done by an earlier run
    if (inBasket) {
      if (inBasket.unitPrice.minor !== line.unitPriceMinor) {
        notes.push({ line: line.line, invoice: inv.invoice, message: `second line of ${line.sku} at ${line.unitPriceMinor} pence; added to the first at ${inBasket.unitPrice.minor}` });
      }
    } else {
      const ctx = context(inv, `product:${index}`);
      const product = await handler.load(productDecider, commerce.productStream(tenantId, line.sku));
      if (product.state.status === 'none') {
        const name = dataset.names.get(line.sku) ?? line.sku;
        await commerce.registerProduct(handler, ctx, { sku: line.sku, name, category: ONLINE_RETAIL_CATEGORY, price: gbp(line.unitPriceMinor) });
      } else if (product.state.price.minor !== line.unitPriceMinor) {
        await commerce.changeProductPrice(handler, ctx, { sku: line.sku, price: gbp(line.unitPriceMinor) });
        state.priceChanges++;
      }
    }
    await commerce.addItem(handler, context(inv, `add-item:${index}`), { basketId: inv.invoice, sku: line.sku, quantity: line.quantity, warehouseId: ONLINE_RETAIL_WAREHOUSE });
  }

  /**
   * Checks the invoice's basket out, ships and delivers its order; for an order an earlier run
   * placed (`resumed`), does what that run left undone: its checkout process, its shipment
   * (the stock shipments a crash left after `OrderShipped` included) and its delivery.
   */
  async function checkOut(inv: RetailInvoice, resumed: boolean): Promise<void> {
    const orderStream = commerce.orderStream(tenantId, inv.invoice);
    let order = await handler.load(orderDecider, orderStream);
    if (!resumed) {
      const wanted = new Map<string, number>();
      for (const l of inv.lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
      for (const [sku, quantity] of wanted) {
        const stock = await handler.load(stockDecider, commerce.stockStream(tenantId, sku, ONLINE_RETAIL_WAREHOUSE));
        const available = availableStock(stock.state);
        if (available >= quantity) continue;
        const receive = Math.max(quantity - available, demand.get(`${sku}@${month(inv.at)}`) ?? 0);
        await commerce.receiveStock(handler, context(inv, `receive:${sku}`), { sku, warehouseId: ONLINE_RETAIL_WAREHOUSE, quantity: receive, reference: `online-retail:${month(inv.at)}` });
        state.receipts++;
      }
      if (!inv.customerId) {
        const basket = await handler.load(basketDecider, commerce.basketStream(tenantId, inv.invoice));
        if (basket.state.customerId === '') await commerce.assignGuestBasket(handler, context(inv, 'assign-guest'), { basketId: inv.invoice, customerId: customerOf(inv) });
      }
    }
    if (resumed) await resumeCheckout(handler, manager, tenantId, inv.invoice);
    else {
      await commerce.checkout(handler, context(inv, 'checkout'), {
        basketId: inv.invoice,
        orderId: inv.invoice,
        shipping: gbp(inv.shippingMinor),
        payment: { external: { method: 'card', reference: `online-retail:${inv.invoice}`, captured: true } },
      }, { manager });
    }
    order = await handler.load(orderDecider, orderStream);
    if (order.state.status === 'confirmed' || commerce.SHIPPED_STATUSES.includes(order.state.status)) {
      await commerce.shipOrder(handler, context(inv, 'ship'), { orderId: inv.invoice });
      order = await handler.load(orderDecider, orderStream);
    }
    if (order.state.status === 'shipped') await commerce.deliverOrder(handler, context(inv, 'deliver'), { orderId: inv.invoice });
    if (!resumed) {
      state.imported++;
      state.lines += inv.lines.length;
    }
    handler.forget(commerce.basketStream(tenantId, inv.invoice));
    handler.forget(orderStream);
    handler.forget(`checkout-${tenantId}:${inv.invoice}`);
  }

  async function returnItems(inv: RetailInvoice, orderId: string, items: { sku: string; quantity: number }[], lines: number): Promise<void> {
    const returnId = `${inv.invoice}:${orderId}`;
    const order = await handler.load(orderDecider, commerce.orderStream(tenantId, orderId));
    const recorded = order.state.status !== 'none' && Object.hasOwn(order.state.returnIds, returnId); // by an earlier run
    // Sent again, a recorded return appends nothing to the order and completes its restock and wallet refund.
    await commerce.returnOrderItems(handler, context(inv, `return:${orderId}`), { orderId, returnId, items, reason: `online-retail cancellation ${inv.invoice}` });
    if (!recorded) {
      state.returns++;
      state.returnedLines += lines;
    }
    handler.forget(commerce.orderStream(tenantId, orderId));
  }

  async function refundCarriage(inv: RetailInvoice, orderId: string): Promise<void> {
    const refundId = `carriage:${inv.invoice}`;
    const order = await handler.load(orderDecider, commerce.orderStream(tenantId, orderId));
    if (order.state.status !== 'none' && Object.hasOwn(order.state.refundIds, refundId)) return; // done by an earlier run
    await commerce.refundOrder(handler, context(inv, `refund-carriage:${orderId}`), {
      orderId,
      refundId,
      amount: gbp(inv.shippingMinor),
      reason: `online-retail cancellation ${inv.invoice}: carriage`,
    });
    state.carriageRefunds++;
    state.carriageRefundedMinor += inv.shippingMinor;
    handler.forget(commerce.orderStream(tenantId, orderId));
  }

  /** Runs a step; a `DomainError` is listed in `failed` at `line` instead of thrown. @returns whether the step succeeded */
  const attempt = async (inv: RetailInvoice, line: number, task: () => Promise<void>): Promise<boolean> => {
    try {
      await task();
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      failed.push({ line, invoice: inv.invoice, message: `rejected: ${error.code}: ${error.message}` });
      return false;
    }
  };
  /** A step of an invoice: skipped once an earlier step of the invoice was rejected. */
  const guard = (inv: RetailInvoice, line: number, task: () => Promise<void>) => async () => {
    if (skipped.has(inv.invoice)) return;
    if (!(await attempt(inv, line, task))) skipped.add(inv.invoice);
  };

  const scheduler = new KeyedScheduler(options.concurrency ?? 16);
  // Units each customer bought per SKU, per invoice, in time order: what their returns are matched against.
  const bought = new Map<string, Map<string, { invoice: string; remaining: number }[]>>();
  // Per order of a customer: its place in time order, and the pence of its shipping no cancellation has refunded yet.
  const orders = new Map<string, { orderId: string; step: number; carriageLeftMinor: number }>();
  const steps = [...sales, ...cancellations].sort((a, b) => a.at.localeCompare(b.at) || a.line - b.line);
  for (const [step, inv] of steps.entries()) {
    if (inv.kind === 'cancellation') {
      await submitReturn(inv);
      continue;
    }
    const basketKey = `invoice:${inv.invoice}`;
    await scheduler.submit([basketKey], guard(inv, inv.line, () => openBasket(inv)));
    const cumulative = new Map<string, number>();
    for (const [index, line] of inv.lines.entries()) {
      const expected = (cumulative.get(line.sku) ?? 0) + line.quantity;
      cumulative.set(line.sku, expected);
      await scheduler.submit(
        [basketKey, `product:${line.sku}`],
        guard(inv, line.line, async () => {
          if (!done.has(inv.invoice)) await addLine(inv, index, expected);
        }),
      );
    }
    const skus = [...cumulative.keys()];
    await scheduler.submit(
      [basketKey, ...skus.map((s) => `stock:${s}`)],
      guard(inv, inv.line, async () => {
        await checkOut(inv, done.has(inv.invoice));
        state.linesDone += inv.lines.length;
        options.onProgress?.(state.linesDone, linesTotal);
      }),
    );
    if (inv.customerId) {
      const mine = bought.get(inv.customerId) ?? new Map<string, { invoice: string; remaining: number }[]>();
      for (const [sku, quantity] of cumulative) mine.set(sku, [...(mine.get(sku) ?? []), { invoice: inv.invoice, remaining: quantity }]);
      bought.set(inv.customerId, mine);
      orders.set(inv.invoice, { orderId: inv.invoice, step, carriageLeftMinor: inv.shippingMinor });
    }
  }

  /**
   * A cancellation invoice: each line is matched to the customer's latest earlier
   * purchases of that SKU with units not yet returned; one return (with its refund) per
   * order, then its carriage refunded on the latest of those orders (`submitCarriageRefund`).
   * A line without a customer, or with no such purchase in the data (bought before
   * December 2010), is reported and left out.
   */
  async function submitReturn(inv: RetailInvoice): Promise<void> {
    if (!inv.customerId) {
      for (const l of inv.lines) failed.push({ line: l.line, invoice: inv.invoice, message: 'return without a customer: no sale to match it to' });
      reportCarriage(inv, 'a cancellation without a customer, no order to refund it on');
      return;
    }
    const perOrder = new Map<string, { items: Map<string, number>; lines: Set<number> }>();
    for (const l of inv.lines) {
      let left = l.quantity;
      const purchases = bought.get(inv.customerId)?.get(l.sku) ?? [];
      for (let i = purchases.length - 1; i >= 0 && left > 0; i--) {
        const p = purchases[i]!;
        const take = Math.min(left, p.remaining);
        if (take <= 0) continue;
        p.remaining -= take;
        left -= take;
        const o = perOrder.get(p.invoice) ?? { items: new Map<string, number>(), lines: new Set<number>() };
        o.items.set(l.sku, (o.items.get(l.sku) ?? 0) + take);
        o.lines.add(l.line);
        perOrder.set(p.invoice, o);
      }
      if (left > 0) {
        const what = left === l.quantity ? 'return' : `${left} of ${l.quantity} units returned`;
        failed.push({ line: l.line, invoice: inv.invoice, message: `${what} of ${l.sku} by customer ${inv.customerId}: no earlier purchase in the data to match it to` });
      }
    }
    for (const [orderId, o] of perOrder) {
      const items = [...o.items].map(([sku, quantity]) => ({ sku, quantity }));
      await scheduler.submit(
        [`invoice:${orderId}`, ...items.map((i) => `stock:${i.sku}`)],
        guard(inv, [...o.lines][0]!, () => returnItems(inv, orderId, items, o.lines.size)),
      );
    }
    await submitCarriageRefund(inv, [...perOrder.keys()]);
  }

  /** Lists a cancellation's carriage, not refunded, in `failed` at its first carriage line (none: nothing to list). */
  function reportCarriage(inv: RetailInvoice, why: string): void {
    const line = inv.carriageLines[0];
    if (line !== undefined) failed.push({ line, invoice: inv.invoice, message: `carriage refund of ${inv.shippingMinor} pence not made: ${why}` });
  }

  /**
   * Refunds a cancellation's carriage on the latest of `matched` (the orders its goods were
   * matched to), after that order's return, when the order's unrefunded shipping covers it;
   * otherwise reports it (see `replayOnlineRetail`).
   */
  async function submitCarriageRefund(inv: RetailInvoice, matched: readonly string[]): Promise<void> {
    if (inv.shippingMinor === 0) return;
    const latest = matched.map((orderId) => orders.get(orderId)!).sort((a, b) => b.step - a.step)[0];
    if (!latest) {
      reportCarriage(inv, "none of the cancellation's goods matched an earlier order");
      return;
    }
    if (latest.carriageLeftMinor < inv.shippingMinor) {
      reportCarriage(inv, `order ${latest.orderId} (latest matched) has ${latest.carriageLeftMinor} pence of carriage charged and not yet refunded`);
      return;
    }
    latest.carriageLeftMinor -= inv.shippingMinor;
    await scheduler.submit([`invoice:${latest.orderId}`], async () => {
      await attempt(inv, inv.carriageLines[0]!, () => refundCarriage(inv, latest.orderId));
    });
  }
  await scheduler.drain();

  return {
    invoicesImported: state.imported,
    invoicesAlreadyImported: state.already,
    guestInvoices: state.guests,
    linesImported: state.lines,
    priceChanges: state.priceChanges,
    stockReceipts: state.receipts,
    cancellations: {
      invoices: cancellations.length,
      lines: cancellations.reduce((n, i) => n + i.lines.length, 0),
      returnedLines: state.returnedLines,
      returns: state.returns,
      carriageRefunds: state.carriageRefunds,
      carriageRefundedMinor: state.carriageRefundedMinor,
    },
    notes,
    failed,
  };
}
