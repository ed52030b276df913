import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type { Decider, DomainCommand, DomainEvent } from '../domain/shared/index.js';
import { fold } from '../domain/shared/index.js';
import type { CommandContext } from './command-context.js';
import { WrongExpectedRevisionError, type EventStore, type Position, type RecordedEvent } from './ports/event-store.js';

/** What handling a command did to its stream. */
export interface CommandResult<E> {
  readonly streamId: string;
  /** The stream's last revision after the command (−1n: the stream still does not exist). */
  readonly revision: bigint;
  /** Position of the last event appended, or of the stream's last event when the command was a no-op. */
  readonly position: Position | undefined;
  /** The events appended (empty for an idempotent no-op). */
  readonly events: readonly E[];
}

/** A stream folded to its current state, with the revision the state reflects. */
export interface LoadedStream<S> {
  readonly state: S;
  /** Last revision, or −1n when the stream does not exist. */
  readonly revision: bigint;
  readonly lastPosition: Position | undefined;
}

/** Options of `CommandHandler`. */
export interface CommandHandlerOptions {
  /** Extra attempts after a concurrency conflict (default 5). */
  readonly retries?: number;
}

/** Per-call options of `CommandHandler.handle`. */
export interface HandleOptions {
  /**
   * Decide on exactly this revision of the stream (−1n: it must not exist) and do not
   * retry: the caller already acted on that state (e.g. checkout read the basket's lines).
   * A newer stream fails with `WrongExpectedRevisionError`.
   */
  readonly expectedRevision?: bigint;
}

/**
 * Runs commands against aggregates: load the stream, fold it with the decider's
 * `evolve`, `decide`, then append the new events expecting the revision that was read.
 * If another writer got there first (`WrongExpectedRevisionError`) the whole cycle runs
 * again on fresh state, at most `retries` more times with jittered backoff, so the
 * decision is always taken on the state it is appended after.
 * Domain rejections (`DomainError`) are not retried and propagate to the caller.
 */
export class CommandHandler {
  private readonly retries: number;
  constructor(private readonly store: EventStore, options: CommandHandlerOptions = {}) {
    this.retries = options.retries ?? 5;
  }

  /** Reads and folds a stream. */
  async load<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<LoadedStream<S>> {
    const recorded = await this.store.readStream(streamId);
    return {
      state: fold(decider, recorded.map(toDomainEvent<E>)),
      revision: recorded.at(-1)?.revision ?? -1n,
      lastPosition: recorded.at(-1)?.position,
    };
  }

  /**
   * Handles one command on one stream.
   * @throws DomainError when the decider rejects the command (nothing appended)
   * @throws WrongExpectedRevisionError when conflicts persist past the retries
   */
  async handle<C extends DomainCommand, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
    options: HandleOptions = {},
  ): Promise<CommandResult<E>> {
    const pinned = options.expectedRevision;
    return pRetry(
      async () => {
        const loaded = await this.load(decider, streamId);
        if (pinned !== undefined && loaded.revision !== pinned) {
          throw new WrongExpectedRevisionError(streamId, pinned < 0n ? 'no-stream' : pinned, loaded.revision < 0n ? 'no-stream' : loaded.revision);
        }
        const events = decider.decide(command, loaded.state);
        if (events.length === 0) {
          return { streamId, revision: loaded.revision, position: loaded.lastPosition, events };
        }
        const result = await this.store.appendToStream(
          streamId,
          events.map((event) => ({
            eventId: randomUUID(),
            type: event.type,
            data: event.data,
            metadata: {
              tenantId: context.tenantId,
              actor: context.actor,
              correlationId: context.correlationId,
              causationId: context.commandId,
              occurredAt: context.occurredAt,
            },
          })),
          { expectedRevision: loaded.revision < 0n ? 'no-stream' : loaded.revision },
        );
        return { streamId, revision: result.nextExpectedRevision, position: result.position, events };
      },
      {
        retries: pinned === undefined ? this.retries : 0,
        minTimeout: 2,
        maxTimeout: 50,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof WrongExpectedRevisionError,
      },
    );
  }
}

/** A recorded event as the decider sees it. The store only returns what deciders wrote. */
function toDomainEvent<E extends DomainEvent>(recorded: RecordedEvent): E {
  return { type: recorded.type, data: recorded.data } as unknown as E;
}
