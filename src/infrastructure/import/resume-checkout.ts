import type { CommandHandler } from '../../application/command-handler.js';
import { orderStream } from '../../application/commerce/index.js';
import type { CheckoutProcessManager } from '../../application/process-managers/checkout/index.js';

/**
 * Finishes the checkout process of an order an interrupted import placed: a crash may have
 * fallen between an order event (e.g. the approval's `OrderPaymentConfirmed`) and the process
 * observing it, so the process observes the order's events again (each once, by its id), as
 * the service's checkout subscriber would; then it is driven to its end (a no-op when it is
 * finished already).
 * @throws the store's errors; DomainError of a step the process cannot take
 */
export async function resumeCheckout(handler: CommandHandler, manager: CheckoutProcessManager, tenantId: string, orderId: string): Promise<void> {
  for (const event of await handler.store.readStream(orderStream(tenantId, orderId))) await manager.handle(event);
  await manager.drive(tenantId, orderId);
}
