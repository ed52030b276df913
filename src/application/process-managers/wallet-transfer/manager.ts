import type { Money } from '../../../domain/shared/index.js';
import type { CommandContext } from '../../command-context.js';
import type { CommandHandler } from '../../command-handler.js';
import { reverseRefusedTransfer, settleTransfer, type TransferStep, type WalletTransfer } from '../../commerce/wallets.js';
import type { RecordedEvent } from '../../ports/event-store.js';

/** The actor of every command the wallet-transfer process manager sends. */
export const WALLET_TRANSFER_ACTOR = 'system:wallet-transfer';

/** The event type the manager reacts to (the sending wallet's side of a transfer). */
export const WALLET_TRANSFER_SENT = 'WalletTransferSent';

/** What the manager found or did for one sent transfer: `received`, `reversed` now, or `already-reversed` before. */
export type WalletTransferOutcome = 'received' | 'reversed' | 'already-reversed';

/** Options of `WalletTransferProcessManager`. */
export interface WalletTransferManagerOptions {
  /** Extra attempts of each step on errors other than a `DomainError` before `handle` throws (default 5). */
  readonly retries?: number;
}

/**
 * The wallet-transfer process manager: makes every sent transfer (`WalletTransferSent`) end
 * received by the other wallet or reversed to the sender, exactly once, whatever happened to
 * the request that sent it (the receive step kept conflicting, the connection was lost, the
 * process crashed between the two steps). It keeps no state of its own: both wallets' streams
 * say where a transfer is, and `settleTransfer` decides on the receiving wallet's stream
 * (received, or refused for good) before anything is reversed.
 *
 * Idempotent: its command ids are derived from the sent event (`<stream>@<revision>/<step>`),
 * every step is idempotent per transfer id in the wallet decider, and a transfer already
 * received or reversed is left as it is. So delivering an event again (at least once), or
 * racing the HTTP request that sent it, changes nothing more. Every command carries the
 * sent event's correlation id and business time (`occurredAt`), never the clock's, and the
 * actor `system:wallet-transfer`.
 */
export class WalletTransferProcessManager {
  private readonly retries: number;

  constructor(
    private readonly handler: CommandHandler,
    options: WalletTransferManagerOptions = {},
  ) {
    this.retries = options.retries ?? 5;
  }

  /**
   * Reacts to one recorded event (the subscriber's entry point; at least once): a
   * `WalletTransferSent` of a wallet stream is settled; any other event is ignored.
   * @returns the outcome, or undefined for an event it does not react to
   * @throws DomainError when the transfer cannot be settled for good (e.g. the sender's
   *   balance would overflow on reversal; `transfer-not-found` for an event its stream contradicts)
   * @throws other errors (store unreachable, conflicts past the retries): deliver it again later
   */
  async handle(event: RecordedEvent): Promise<WalletTransferOutcome | undefined> {
    if (event.type !== WALLET_TRANSFER_SENT || !event.streamId.startsWith('wallet-')) return undefined;
    const data = event.data as { walletId: string; toWalletId: string; transferId: string; amount: Money };
    const transfer: WalletTransfer = {
      tenantId: event.metadata.tenantId,
      fromWalletId: data.walletId,
      toWalletId: data.toWalletId,
      transferId: data.transferId,
      amount: data.amount,
    };
    const source = `${event.streamId}@${event.revision}`;
    const contextOf = (step: TransferStep): CommandContext => ({
      tenantId: event.metadata.tenantId,
      actor: WALLET_TRANSFER_ACTOR,
      correlationId: event.metadata.correlationId,
      commandId: `${source}/${step}`,
      occurredAt: event.metadata.occurredAt,
    });
    const options = { retries: this.retries };
    const settled = await settleTransfer(this.handler, transfer, contextOf, options);
    if (settled.outcome === 'received') return 'received';
    if (settled.outcome === 'reversed') return 'already-reversed';
    await reverseRefusedTransfer(this.handler, transfer, settled.reason, contextOf('reverse'), options);
    return 'reversed';
  }
}
