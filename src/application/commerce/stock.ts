import { productDecider, productErrors } from '../../domain/product/index.js';
import { DomainError } from '../../domain/shared/index.js';
import { stockDecider, stockErrors, transferOf, type StockEvent } from '../../domain/stock/index.js';
import { followUp, type CommandContext } from '../command-context.js';
import { retryTransient, type TransientRetryOptions } from './retry-transient.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { latestPosition } from '../ports/event-store.js';
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

/**
 * Moves `quantity` available units of `sku` from one warehouse to another as one business
 * operation, both halves or neither:
 * 1. the SKU must be registered; a warehouse cannot transfer to itself;
 * 2. unless the source already sent this very transfer (a retry), the destination is checked
 *    first: holding `transferId` for another transfer → `transfer-exists`, nothing appended;
 * 3. the out half (`StockTransferredOut` on the source, which checks availability);
 * 4. the in half (`StockTransferredIn` on the destination), retried `options.retries` times
 *    (default 3) on errors other than a rejection;
 * 5. if the in half is refused (a `DomainError`, e.g. another transfer took the id at the
 *    destination meanwhile), the out half is reversed (`StockTransferReversed` on the source:
 *    the units are back, reason `transfer-refused:<code>`) and the refusal is thrown.
 * Both halves are idempotent per `transferId`, with command ids derived from this command's
 * (`<commandId>:out`, `:in`, `:reverse`): re-running the same transfer (same id, same
 * warehouses and quantity; same command or another) after a crash or a transient failure
 * between the halves completes it, or finishes its reversal, exactly once. A reversed
 * transfer id never moves stock again (`transfer-reversed`).
 * Transient failures: when the in half (or the reversal) still fails with something other
 * than a `DomainError` after the retries, that error is thrown and the units stay out of the
 * source and not yet in the destination: the transfer is pending until the same request is
 * sent again (nothing completes it on its own; there is no stock-transfer process manager).
 * @throws DomainError `product-not-found`, `invalid-quantity`, `invalid-transfer` (422),
 *   `insufficient-stock`, `transfer-exists`, `transfer-reversed` (409), or the in half's
 *   refusal after the out half was reversed
 * @throws the store's errors other than rejections (see above: retry the same request)
 */
export async function transferStock(
  handler: CommandHandler,
  context: CommandContext,
  input: TransferStockInput,
  options: TransientRetryOptions = {},
): Promise<CommandResult<StockEvent>> {
  const { sku, fromWarehouseId: from, toWarehouseId: to, quantity, transferId } = input;
  await assertRegistered(handler, context, sku);
  if (from === to) throw stockErrors.invalidTransfer(from);
  const source = stockStream(context.tenantId, sku, from);
  const destination = stockStream(context.tenantId, sku, to);
  const sent = transferOf((await handler.load(stockDecider, source)).state, transferId);
  const resuming = sent?.direction === 'out' && sent.counterpart === to && sent.quantity === quantity;
  if (!resuming) {
    const held = transferOf((await handler.load(stockDecider, destination)).state, transferId);
    if (held && !(held.direction === 'in' && held.counterpart === from && held.quantity === quantity)) throw stockErrors.transferExists(transferId);
  }
  const out = await handler.handle(
    stockDecider,
    source,
    { type: 'TransferStockOut', data: { sku, warehouseId: from, transferId, toWarehouseId: to, quantity } },
    followUp(context, `${context.commandId}:out`),
  );
  let refusal: DomainError;
  try {
    const into = await retryTransient(
      () =>
        handler.handle(
          stockDecider,
          destination,
          { type: 'TransferStockIn', data: { sku, warehouseId: to, transferId, fromWarehouseId: from, quantity } },
          followUp(context, `${context.commandId}:in`),
        ),
      options,
    );
    return { ...into, position: latestPosition(out.position, into.position), events: [...out.events, ...into.events] };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refusal = error;
  }
  await retryTransient(
    () =>
      handler.handle(
        stockDecider,
        source,
        { type: 'ReverseStockTransfer', data: { sku, warehouseId: from, transferId, reason: `transfer-refused:${refusal.code}` } },
        followUp(context, `${context.commandId}:reverse`),
      ),
    options,
  );
  throw refusal;
}
