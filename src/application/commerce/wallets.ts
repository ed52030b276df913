import type { Money } from '../../domain/shared/index.js';
import { walletDecider, type WalletCreditReason, type WalletEvent } from '../../domain/wallet/index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';
import { walletStream } from './streams.js';

/**
 * Opens a customer's wallet (wallet id = customer id).
 * @throws DomainError `wallet-already-opened`
 */
export function openWallet(handler: CommandHandler, context: CommandContext, input: { customerId: string; currency: string }): Promise<CommandResult<WalletEvent>> {
  return handler.handle(
    walletDecider,
    walletStream(context.tenantId, input.customerId),
    { type: 'OpenWallet', data: { walletId: input.customerId, customerId: input.customerId, currency: input.currency } },
    context,
  );
}

/**
 * Credits a wallet (top-up, voucher, gift or adjustment) with a reason and a reference.
 * @throws DomainError `wallet-not-found`, `invalid-amount`, `currency-mismatch`
 */
export function creditWallet(
  handler: CommandHandler,
  context: CommandContext,
  input: { customerId: string; amount: Money; reason: WalletCreditReason; reference: string },
): Promise<CommandResult<WalletEvent>> {
  const { customerId, ...rest } = input;
  return handler.handle(walletDecider, walletStream(context.tenantId, customerId), { type: 'CreditWallet', data: { walletId: customerId, ...rest } }, context);
}
