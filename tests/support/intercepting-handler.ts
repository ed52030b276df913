import type { CommandContext } from '../../src/application/command-context.js';
import { CommandHandler, type HandleOptions } from '../../src/application/command-handler.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { Decider, DomainCommand, DomainEvent } from '../../src/domain/shared/index.js';

/** A command handler that runs `before` ahead of each command (which may throw to make it fail). */
export class InterceptingHandler extends CommandHandler {
  constructor(
    store: EventStore,
    private readonly before: (command: DomainCommand, streamId: string) => void | Promise<void>,
    options: { retries?: number } = {},
  ) {
    super(store, options);
  }

  override async handle<C extends DomainCommand, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext, options?: HandleOptions) {
    await this.before(command, streamId);
    return super.handle(decider, streamId, command, context, options);
  }
}

/** The error pg gives for a connection lost mid-query: not a rejection, worth retrying. */
export const lostConnection = () => new Error('Connection terminated unexpectedly');
