import { DomainError, type Decider, type DomainCommand, type DomainEvent } from '../../domain/shared/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { retryTransient, type TransientRetryOptions } from './retry-transient.js';

/**
 * Where a sent transfer's receiving side stands (see `settleSentTransfer`):
 * - `received`: the receiving stream holds it (`result`: that command's result; no events
 *   when it was received before);
 * - `refused`: the receiving stream refused it (`refusal`, the receive step's error), recorded
 *   that and can never receive it: reverse the sending side now with `reason`;
 * - `reversed`: the sending side was reversed already (`refusal`: its `transfer-reversed`).
 */
export type TransferSettlement<E> =
  | { readonly outcome: 'received'; readonly result: CommandResult<E> }
  | { readonly outcome: 'refused'; readonly refusal: DomainError; readonly reason: string }
  | { readonly outcome: 'reversed'; readonly refusal: DomainError };

/**
 * One sent transfer between two streams of one aggregate (two wallets; two warehouses of one
 * SKU), as `settleSentTransfer` needs it: both streams, the receiving side's two commands and
 * how to read this very transfer in either state.
 */
export interface SentTransfer<C extends DomainCommand, E extends DomainEvent, S> {
  readonly decider: Decider<C, E, S>;
  /** The sending stream. */
  readonly source: string;
  /** The receiving stream. */
  readonly destination: string;
  /** The source's record of this very transfer (same counterpart and amount), undefined when it sent none: reversed or not, with the reversal's reason. */
  sentRecord(source: S): { readonly reversed: boolean; readonly reason: string } | undefined;
  /** The aggregate's `transfer-not-found` (409). */
  notFound(): DomainError;
  /** The aggregate's `transfer-reversed` (409) with the reversal's reason. */
  reversed(reason: string): DomainError;
  /** The receiving command (idempotent per transfer id). */
  readonly receive: C;
  /** The command recording at the destination that it will never receive the transfer, for `reason`. */
  refuse(reason: string): C;
  /** Whether the destination received this very transfer. */
  received(destination: S): boolean;
  /** The reason of the refusal the destination recorded for this very transfer, if any. */
  refusalReason(destination: S): string | undefined;
  /** A rejection of `refuse` itself to pass over: nothing can record it (e.g. a wallet never opened); default none. */
  readonly refuseMayFail?: (error: DomainError) => boolean;
}

/**
 * Settles the receiving side of a sent transfer, exactly once whoever runs it and however
 * often (the HTTP request, the transfer's process manager, both at once, again after a crash):
 * 1. the sending side already reversed → `reversed`;
 * 2. `receive` on the destination → `received`;
 * 3. refused with a `DomainError` → `refuse` records on the destination that it will never
 *    receive the transfer (so no later `receive` can succeed once the source is reversed), with
 *    reason `transfer-refused:<code>`; then → `refused` with the reason recorded, or `received`
 *    if the destination received it meanwhile (another runner got there first).
 * Both decisions are taken on the destination's stream, so it is received or refused, never
 * both. Each step is retried `options.retries` times on errors other than `DomainError`.
 * @param contextOf the command context of each step (distinct command ids per step)
 * @throws DomainError `transfer-not-found` (`notFound`) when the source sent no such transfer
 * @throws the last error of a step that kept failing with something else than a `DomainError`
 *   (store unreachable, concurrency conflicts past the retries): the transfer stays pending
 */
export async function settleSentTransfer<C extends DomainCommand, E extends DomainEvent, S>(
  handler: CommandHandler,
  transfer: SentTransfer<C, E, S>,
  contextOf: (step: 'receive' | 'refuse') => CommandContext,
  options: TransientRetryOptions = {},
): Promise<TransferSettlement<E>> {
  const { decider, destination } = transfer;
  const sent = transfer.sentRecord((await retryTransient(() => handler.load(decider, transfer.source), options)).state);
  if (!sent) throw transfer.notFound();
  if (sent.reversed) return { outcome: 'reversed', refusal: transfer.reversed(sent.reason) };
  let refusal: DomainError;
  try {
    const result = await retryTransient(() => handler.handle(decider, destination, transfer.receive, contextOf('receive')), options);
    return { outcome: 'received', result };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refusal = error;
  }
  const reason = `transfer-refused:${refusal.code}`;
  try {
    await retryTransient(() => handler.handle(decider, destination, transfer.refuse(reason), contextOf('refuse')), options);
  } catch (error) {
    if (!(error instanceof DomainError) || !transfer.refuseMayFail?.(error)) throw error;
  }
  const now = await retryTransient(() => handler.load(decider, destination), options);
  if (transfer.received(now.state)) {
    return { outcome: 'received', result: { streamId: destination, revision: now.revision, position: now.lastPosition, events: [] } };
  }
  return { outcome: 'refused', refusal, reason: transfer.refusalReason(now.state) ?? reason };
}
