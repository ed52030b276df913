import { productDecider, productErrors } from '../../domain/product/index.js';
import { DomainError } from '../../domain/shared/index.js';
import { hasReceived, refusalOf, stockDecider, stockErrors, transferOf, type StockEvent } from '../../domain/stock/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import { retryTransient, type TransientRetryOptions } from './retry-transient.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
import { originalResult } from './original-result.js';
import { settleSentTransfer, type TransferSettlement } from './sent-transfer.js';
import { productStream, stockStream } from './streams.js';

/*
 * Stock use cases. One stream per SKU per warehouse: `stock-<tenant>:<sku>@<warehouseId>`.
 * Quantities are whole units. Every command here names a SKU that must be registered in the
 * catalogue first (`product-not-found`, 409, nothing appended).
 */

/** @throws DomainError `product-not-found` when `sku` is not registered in the tenant's catalogue */
async function assertRegistered(handler: CommandHandler, context: CommandContext, sku: string): Promise<void> {
  const product = (await handler.load(productDecider, productStream(context.tenantId, sku))).state;
  if (product.status !== 'registered') throw productErrors.productNotFound(sku);
}

/** Input of `receiveStock`: `quantity` units of `sku` arrive at `warehouseId`; `reference` names the delivery. */
export interface ReceiveStockInput {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
  readonly reference: string;
}

/**
 * Records goods received into a warehouse.
 * @throws DomainError `product-not-found`, `invalid-quantity`
 */
export async function receiveStock(handler: CommandHandler, context: CommandContext, input: ReceiveStockInput): Promise<CommandResult<StockEvent>> {
  await assertRegistered(handler, context, input.sku);
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'ReceiveStock', data: input }, context);
}

/**
 * Corrects on-hand stock by a signed `quantity` with a reason (stock count, damage…).
 * @throws DomainError `product-not-found`, `invalid-adjustment`, `invalid-reason`, `insufficient-stock` (cannot take reserved units)
 */
export async function adjustStock(
  handler: CommandHandler,
  context: CommandContext,
  input: { sku: string; warehouseId: string; quantity: number; reason: string; reference: string },
): Promise<CommandResult<StockEvent>> {
  await assertRegistered(handler, context, input.sku);
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'AdjustStock', data: input }, context);
}

/**
 * Sets the low-stock threshold of a SKU in a warehouse (alerts on from then).
 * @throws DomainError `product-not-found`, `invalid-threshold`
 */
export async function setStockThreshold(
  handler: CommandHandler,
  context: CommandContext,
  input: { sku: string; warehouseId: string; lowStock: number },
): Promise<CommandResult<StockEvent>> {
  await assertRegistered(handler, context, input.sku);
  return handler.handle(stockDecider, stockStream(context.tenantId, input.sku, input.warehouseId), { type: 'SetStockThreshold', data: input }, context);
}

/** Input of `transferStock`: `quantity` units of `sku` from `fromWarehouseId` to `toWarehouseId`, as transfer `transferId`. */
export interface TransferStockInput {
  readonly sku: string;
  readonly fromWarehouseId: string;
  readonly toWarehouseId: string;
  readonly quantity: number;
  readonly transferId: string;
}

/** One stock transfer of tenant `tenantId` (whole units of one SKU between two of its warehouses). */
export interface StockTransfer extends TransferStockInput {
  readonly tenantId: string;
}

/** The steps that settle a sent stock transfer, each sent with its own command context (its own command id). */
export type StockTransferStep = 'in' | 'refuse' | 'reverse';

/**
 * Settles the in half of a transfer the source has sent (`StockTransferredOut`), exactly once
 * whoever runs it and however often (`settleSentTransfer`: `TransferStockIn` on the
 * destination, or, refused there, `RefuseStockTransfer`; steps `in` and `refuse`).
 * @param contextOf the command context of each step (distinct command ids per step)
 * @throws DomainError `transfer-not-found` when the source sent no such transfer
 * @throws the last error of a step that kept failing with something else than a `DomainError`
 *   (store unreachable, concurrency conflicts past the retries): the transfer stays pending
 */
export function settleStockTransfer(
  handler: CommandHandler,
  transfer: StockTransfer,
  contextOf: (step: StockTransferStep) => CommandContext,
  options: TransientRetryOptions = {},
): Promise<TransferSettlement<StockEvent>> {
  const { tenantId, sku, fromWarehouseId: from, toWarehouseId: to, quantity, transferId } = transfer;
  const data = { sku, warehouseId: to, transferId, fromWarehouseId: from, quantity };
  return settleSentTransfer(
    handler,
    {
      decider: stockDecider,
      source: stockStream(tenantId, sku, from),
      destination: stockStream(tenantId, sku, to),
      sentRecord: (state) => {
        const sent = transferOf(state, transferId);
        if (sent?.direction !== 'out' || sent.counterpart !== to || sent.quantity !== quantity) return undefined;
        return { reversed: sent.reversed === true, reason: sent.reason ?? '' };
      },
      notFound: () => stockErrors.transferNotFound(transferId),
      reversed: (reason) => stockErrors.transferReversed(transferId, reason),
      receive: { type: 'TransferStockIn' as const, data },
      refuse: (reason) => ({ type: 'RefuseStockTransfer' as const, data: { ...data, reason } }),
      received: (state) => hasReceived(state, data),
      refusalReason: (state) => refusalOf(state, transferId, from)?.reason,
    },
    (step) => contextOf(step === 'receive' ? 'in' : step),
    options,
  );
}

/**
 * Reverses the source of a transfer `settleStockTransfer` found `refused`: `ReverseStockTransfer`
 * (idempotent) puts the units back on hand at the source with `reason`. Retried
 * `options.retries` times on errors other than `DomainError`.
 * @throws DomainError `transfer-not-found`, `invalid-quantity` (the source's on-hand count would overflow)
 * @throws the last error of a reversal that kept failing otherwise (the process manager finishes it)
 */
export function reverseRefusedStockTransfer(
  handler: CommandHandler,
  transfer: StockTransfer,
  reason: string,
  context: CommandContext,
  options: TransientRetryOptions = {},
): Promise<CommandResult<StockEvent>> {
  const { tenantId, sku, fromWarehouseId: from, transferId } = transfer;
  return retryTransient(
    () => handler.handle(stockDecider, stockStream(tenantId, sku, from), { type: 'ReverseStockTransfer', data: { sku, warehouseId: from, transferId, reason } }, context),
    options,
  );
}

/**
 * What `transferStock` did, and `status`:
 * - `completed`: the destination holds the units; the result is the in half's (destination
 *   stream and revision) with the latest position either half wrote, and both halves' events
 *   (for the same transfer sent again: those the halves first wrote, never later events);
 * - `pending`: the source sent the units (the result is the out half's) but the in half could
 *   not be settled now (store errors or concurrency conflicts past the retries). The
 *   stock-transfer process manager settles it: received, or refused and reversed to the
 *   source, exactly once. Sending the same transfer again (same `transferId`, warehouses and
 *   quantity) is safe: it answers `completed` once received, or `transfer-reversed` once reversed.
 */
export interface TransferStockResult extends CommandResult<StockEvent> {
  readonly status: 'completed' | 'pending';
}

/**
 * Moves `quantity` available units of `sku` from one warehouse to another as one business
 * operation, both halves or neither:
 * 1. the SKU must be registered; a warehouse cannot transfer to itself;
 * 2. unless the source already sent this very transfer (a retry), the destination is checked
 *    first: holding or having refused `transferId` for another transfer → `transfer-exists`,
 *    nothing appended;
 * 3. the out half (`StockTransferredOut` on the source, which checks availability);
 * 4. the in half is settled (`settleStockTransfer`: `StockTransferredIn` on the destination,
 *    or, refused there, `StockTransferRefused`), each step retried `options.retries` times
 *    (default 3) on errors other than a rejection;
 * 5. if the in half was refused (a `DomainError`, e.g. another transfer took the id at the
 *    destination meanwhile), the out half is reversed (`StockTransferReversed` on the source:
 *    the units are back, reason `transfer-refused:<code>`) and the refusal is thrown.
 * Both halves are idempotent per `transferId`, with command ids derived from this command's
 * (`<commandId>:out`, `:in`, `:refuse`, `:reverse`): re-running the same transfer (same id,
 * same warehouses and quantity; same command or another) completes it, or finishes its
 * reversal, exactly once. A reversed transfer id never moves stock again (`transfer-reversed`).
 * When the in half cannot be settled now the result is `pending` (see `TransferStockResult`);
 * the stock-transfer process manager completes it, as it does a transfer whose request died
 * after the out half. A reversal that cannot be written now is left to it too (the refusal is
 * still thrown).
 * @throws DomainError `product-not-found`, `invalid-quantity`, `invalid-transfer` (422),
 *   `insufficient-stock`, `transfer-exists`, `transfer-reversed` (409), or the in half's
 *   refusal, after which the out half is reversed
 * @throws the out half's own errors other than rejections (nothing or the out half only was
 *   written; in the latter case the process manager settles it)
 */
export async function transferStock(
  handler: CommandHandler,
  context: CommandContext,
  input: TransferStockInput,
  options: TransientRetryOptions = {},
): Promise<TransferStockResult> {
  const { sku, fromWarehouseId: from, toWarehouseId: to, quantity, transferId } = input;
  await assertRegistered(handler, context, sku);
  if (from === to) throw stockErrors.invalidTransfer(from);
  const source = stockStream(context.tenantId, sku, from);
  const sent = transferOf((await handler.load(stockDecider, source)).state, transferId);
  const resuming = sent?.direction === 'out' && sent.counterpart === to && sent.quantity === quantity;
  if (!resuming) {
    const destination = (await handler.load(stockDecider, stockStream(context.tenantId, sku, to))).state;
    const spent = transferOf(destination, transferId) !== undefined || refusalOf(destination, transferId) !== undefined;
    if (spent && !hasReceived(destination, { transferId, fromWarehouseId: from, quantity })) throw stockErrors.transferExists(transferId);
  }
  const sending = await handler.handle(
    stockDecider,
    source,
    { type: 'TransferStockOut', data: { sku, warehouseId: from, transferId, toWarehouseId: to, quantity } },
    followUp(context, `${context.commandId}:out`),
  );
  // Sent before (the same transfer again): answer with the original halves, not the streams' latest events.
  const out = await originalResult(handler, sending, { type: 'StockTransferredOut', data: { transferId } });
  const transfer: StockTransfer = { tenantId: context.tenantId, ...input };
  const step = (name: StockTransferStep) => followUp(context, `${context.commandId}:${name}`);
  let settled: TransferSettlement<StockEvent>;
  try {
    settled = await settleStockTransfer(handler, transfer, step, options);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    return { ...out, status: 'pending' };
  }
  if (settled.outcome === 'received') {
    const into = await originalResult(handler, settled.result, { type: 'StockTransferredIn', data: { transferId } });
    return { ...into, position: latestPosition(out.position, into.position), events: [...out.events, ...into.events], status: 'completed' };
  }
  if (settled.outcome === 'refused') {
    try {
      await reverseRefusedStockTransfer(handler, transfer, settled.reason, step('reverse'), options);
    } catch (error) {
      // Refused for good: the process manager finishes the reversal; the answer is the refusal.
      if (error instanceof DomainError) throw error;
    }
  }
  throw settled.refusal;
}
