import type { CommandContext } from '../../command-context.js';
import type { CommandHandler } from '../../command-handler.js';
import { reverseRefusedStockTransfer, settleStockTransfer, type StockTransfer, type StockTransferStep } from '../../commerce/stock.js';
import type { RecordedEvent } from '../../ports/event-store.js';

/** The actor of every command the stock-transfer process manager sends. */
export const STOCK_TRANSFER_ACTOR = 'system:stock-transfer';

/** The event type the manager reacts to (the source warehouse's half of a transfer). */
export const STOCK_TRANSFERRED_OUT = 'StockTransferredOut';

/** What the manager found or did for one sent transfer: `received`, `reversed` now, or `already-reversed` before. */
export type StockTransferOutcome = 'received' | 'reversed' | 'already-reversed';

/** Options of `StockTransferProcessManager`. */
export interface StockTransferManagerOptions {
  /** Extra attempts of each step on errors other than a `DomainError` before `handle` throws (default 5). */
  readonly retries?: number;
}

/**
 * The stock-transfer process manager: makes every sent transfer (`StockTransferredOut`) end
 * received by the destination warehouse (`StockTransferredIn`) or refused there
 * (`StockTransferRefused`) and reversed to the source (`StockTransferReversed`), exactly once,
 * whatever happened to the request that sent it (the in half kept conflicting, the connection
 * was lost, the process crashed between the halves). It keeps no state of its own: both
 * warehouses' stock streams say where a transfer is, and `settleStockTransfer` decides on the
 * destination's stream (received, or refused for good) before anything is reversed.
 *
 * Idempotent: its command ids are derived from the sent event (`<stream>@<revision>/<step>`),
 * every step is idempotent per transfer id in the stock decider, and a transfer already
 * received or reversed is left as it is. So delivering an event again (at least once), running
 * two managers at once, or racing the HTTP request that sent it, changes nothing more. Every
 * command carries the sent event's correlation id and business time (`occurredAt`), never the
 * clock's, and the actor `system:stock-transfer`.
 */
export class StockTransferProcessManager {
  private readonly retries: number;

  constructor(
    private readonly handler: CommandHandler,
    options: StockTransferManagerOptions = {},
  ) {
    this.retries = options.retries ?? 5;
  }

  /**
   * Reacts to one recorded event (the subscriber's entry point; at least once): a
   * `StockTransferredOut` of a stock stream is settled; any other event is ignored.
   * @returns the outcome, or undefined for an event it does not react to
   * @throws DomainError when the transfer cannot be settled for good (e.g. the source's on-hand
   *   count would overflow on reversal; `transfer-not-found` for an event its stream contradicts)
   * @throws other errors (store unreachable, conflicts past the retries): deliver it again later
   */
  async handle(event: RecordedEvent): Promise<StockTransferOutcome | undefined> {
    if (event.type !== STOCK_TRANSFERRED_OUT || !event.streamId.startsWith('stock-')) return undefined;
    const data = event.data as { sku: string; warehouseId: string; toWarehouseId: string; transferId: string; quantity: number };
    const transfer: StockTransfer = {
      tenantId: event.metadata.tenantId,
      sku: data.sku,
      fromWarehouseId: data.warehouseId,
      toWarehouseId: data.toWarehouseId,
      transferId: data.transferId,
      quantity: data.quantity,
    };
    const source = `${event.streamId}@${event.revision}`;
    const contextOf = (step: StockTransferStep): CommandContext => ({
      tenantId: event.metadata.tenantId,
      actor: STOCK_TRANSFER_ACTOR,
      correlationId: event.metadata.correlationId,
      commandId: `${source}/${step}`,
      occurredAt: event.metadata.occurredAt,
    });
    const options = { retries: this.retries };
    const settled = await settleStockTransfer(this.handler, transfer, contextOf, options);
    if (settled.outcome === 'received') return 'received';
    if (settled.outcome === 'reversed') return 'already-reversed';
    await reverseRefusedStockTransfer(this.handler, transfer, settled.reason, contextOf('reverse'), options);
    return 'reversed';
  }
}
