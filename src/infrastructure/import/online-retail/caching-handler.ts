import { randomUUID } from 'node:crypto';
import { CommandHandler, toNewEvents, type CommandResult, type HandleOptions, type LoadedStream } from '../../../application/command-handler.js';
import type { CommandContext } from '../../../application/command-context.js';
import { WrongExpectedRevisionError, type EventStore } from '../../../application/ports/event-store.js';
import type { Decider, DomainCommand, DomainEvent } from '../../../domain/shared/index.js';

/** Attempts of one command when the stream moved under the cache (another writer). */
const ATTEMPTS = 4;

/**
 * A command handler for bulk imports that trusts every stream it touched, folded in memory,
 * so a command costs one round trip (the append), where `CommandHandler` (whose stream
 * cache still reads the events after the cached revision) costs two.
 *
 * The importer is the only writer of its tenant, and every append still carries the
 * revision the decision was taken on: if another writer did move a stream, the append
 * fails, the entry is dropped, and the command runs again on the stream read afresh.
 * Event ids are derived from the command id (`eventIdOf`, the same derivation the
 * command handler uses when it provides one), so the store's idempotent appends
 * recognise a repeated command. The use cases see an ordinary `CommandHandler`.
 */
export class CachingCommandHandler extends CommandHandler {
  private readonly streams = new Map<string, LoadedStream<unknown>>();
  /** Events appended through this handler. */
  eventsWritten = 0;

  constructor(
    private readonly eventStore: EventStore,
    private readonly eventIdOf: (commandId: string, streamId: string, index: number) => string = () => randomUUID(),
  ) {
    super(eventStore, { cachedStreams: 0 }); // its own cache below
  }

  /** The cached state of a stream, read (and cached) on first use. */
  override async load<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<LoadedStream<S>> {
    const hit = this.streams.get(streamId);
    if (hit) return hit as LoadedStream<S>;
    const loaded = await super.load(decider, streamId);
    this.streams.set(streamId, loaded);
    return loaded;
  }

  /**
   * Decides on the cached state and appends expecting its revision; folds the new events
   * into the cache.
   * @throws DomainError when the decider rejects the command (nothing appended)
   * @throws WrongExpectedRevisionError when `options.expectedRevision` does not hold, or
   *   the stream keeps moving under it
   */
  override async handle<C extends DomainCommand, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
    options: HandleOptions = {},
  ): Promise<CommandResult<E>> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(decider, streamId);
      const pinned = options.expectedRevision;
      if (pinned !== undefined && loaded.revision !== pinned) {
        this.streams.delete(streamId);
        throw new WrongExpectedRevisionError(streamId, pinned < 0n ? 'no-stream' : pinned, loaded.revision < 0n ? 'no-stream' : loaded.revision);
      }
      const events = decider.decide(command, loaded.state);
      if (events.length === 0) return { streamId, revision: loaded.revision, position: loaded.lastPosition, events };
      try {
        const result = await this.eventStore.appendToStream(streamId, toNewEvents(events, context, streamId, this.eventIdOf), {
          expectedRevision: loaded.revision < 0n ? 'no-stream' : loaded.revision,
        });
        this.eventsWritten += events.length;
        this.streams.set(streamId, {
          state: events.reduce((s, e) => decider.evolve(s, e), loaded.state),
          revision: result.nextExpectedRevision,
          lastPosition: result.position,
        });
        return { streamId, revision: result.nextExpectedRevision, position: result.position, events };
      } catch (error) {
        this.streams.delete(streamId);
        if (!(error instanceof WrongExpectedRevisionError) || pinned !== undefined || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  /** Drops a stream from the cache (done with it: baskets and orders of finished invoices). */
  forget(streamId: string): void {
    this.streams.delete(streamId);
  }
}
