import { createHash } from 'node:crypto';
import pRetry from 'p-retry';
import type { Decider, DomainCommand, DomainEvent } from '../domain/shared/index.js';
import { fold } from '../domain/shared/index.js';
import type { CommandContext } from './command-context.js';
import { DuplicateEventIdError, WrongExpectedRevisionError, type AppendResult, type EventStore, type NewEvent, type Position, type RecordedEvent } from './ports/event-store.js';

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
  /**
   * Most streams kept folded in memory, least recently used dropped first (default 10,000;
   * 0 turns the cache off, `Infinity` never drops one). See `CommandHandler`.
   */
  readonly cachedStreams?: number;
  /**
   * This process is the only writer of the streams it handles (e.g. a bulk import into its
   * own tenant), so a cached state is trusted without reading newer events: `load` and a
   * command on a cached stream cost no read, a command one round trip (its append).
   * Every append still expects the revision its decision was taken on, so a write by
   * anyone else is never overwritten: the append fails with `WrongExpectedRevisionError`,
   * the stream's cache entry is dropped (as after any failed append, whose outcome may be
   * unknown), and the command is retried as usual on the stream read afresh (with
   * `retries: 0` or a pinned `expectedRevision`, the error reaches the caller, and the
   * next command reads afresh).
   * What is still read without trusting the cache: a rejection, a no-op or a reused event
   * id is confirmed on the whole stream (idempotency, see `CommandHandler`), and a pinned
   * `expectedRevision` that differs from the cached revision is checked against the
   * stream read afresh. What is not seen: a `load` returns the cached state even when
   * another writer moved the stream. Default `false`.
   */
  readonly soleWriter?: boolean;
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

/** A folded stream in the cache, with the decider that folded it. */
interface CachedStream {
  readonly decider: unknown;
  readonly loaded: LoadedStream<unknown>;
}

/** A stream as one attempt read it: folded, and the events this read returned. */
interface ReadStream<S> {
  readonly loaded: LoadedStream<S>;
  /** The events read: the whole stream, only those after the cached revision, or none (trusted cache). */
  readonly recorded: readonly RecordedEvent[];
  /** Whether `recorded` is the whole stream. */
  readonly whole: boolean;
}

/**
 * Runs commands against aggregates: load the stream, fold it with the decider's
 * `evolve`, `decide`, then append the new events expecting the revision that was read.
 * If another writer got there first (`WrongExpectedRevisionError`) the whole cycle runs
 * again on fresh state, at most `retries` more times with jittered backoff, so the
 * decision is always taken on the state it is appended after.
 * Domain rejections (`DomainError`) are not retried and propagate to the caller.
 *
 * Stream cache: streams it folded stay in memory (LRU, `cachedStreams`), and the next
 * command on one reads only the events after the cached revision (`readStream` from that
 * revision) instead of the whole stream, so a command costs the same on the thousandth
 * event of a best seller's stock stream as on its first. Every decision is still taken on
 * the stream as the store has it at that moment (the read always reaches the end), and
 * appended with its expected revision. A rejection (whatever `decide` throws), a no-op or a reused
 * event id is confirmed on the whole stream read afresh, which is where an earlier run of
 * the same command is found (idempotency, below). Caveat: a stream soft-deleted or
 * truncated (`truncateBefore`, `maxCount`, `maxAge`) while cached keeps its older events
 * in the cached state; the application never does either to an aggregate's stream.
 *
 * Sole writer (`soleWriter`): a cached state is trusted without reading newer events;
 * see `CommandHandlerOptions.soleWriter` for what is still checked.
 */
export class CommandHandler {
  private readonly retries: number;
  private readonly capacity: number;
  private readonly soleWriter: boolean;
  private readonly cache = new Map<string, CachedStream>();
  private appended = 0;

  /** @param store where streams are read and appended (readable by callers that replay a stream's events, e.g. a resumed import) */
  constructor(readonly store: EventStore, options: CommandHandlerOptions = {}) {
    this.retries = options.retries ?? 5;
    this.capacity = options.cachedStreams ?? 10_000;
    this.soleWriter = options.soleWriter ?? false;
  }

  /** Events appended through this handler so far (a repeated command answered with its original result adds none). */
  get eventsAppended(): number {
    return this.appended;
  }

  /**
   * Reads and folds a stream (from the cached state when there is one: only newer events
   * are read; none with `soleWriter`).
   */
  async load<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<LoadedStream<S>> {
    return (await this.read(decider, streamId, false)).loaded;
  }

  /**
   * Drops a stream's folded state from the cache (no-op when it is not cached): the next
   * command or `load` on it reads it whole. For a caller done with a stream (it frees the
   * memory at once instead of when the LRU gets to it), or that knows another writer moved it.
   */
  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  /**
   * Reads a stream, from its cached revision unless `whole` or not cached, and caches the
   * result. With `soleWriter` a cached state is returned as is, without reading.
   */
  private async read<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, whole: boolean): Promise<ReadStream<S>> {
    const cached = whole ? undefined : this.cache.get(streamId);
    if (cached?.decider === decider) {
      const base = cached.loaded as LoadedStream<S>;
      if (this.soleWriter) {
        this.remember(decider, streamId, base); // most recently used
        return { loaded: base, recorded: [], whole: false };
      }
      const recorded = await this.store.readStream(streamId, { fromRevision: base.revision + 1n });
      const loaded = recorded.length === 0 ? base : {
        state: recorded.reduce((state, e) => decider.evolve(state, toDomainEvent<E>(e)), base.state),
        revision: recorded.at(-1)!.revision,
        lastPosition: recorded.at(-1)!.position,
      };
      this.remember(decider, streamId, loaded);
      return { loaded, recorded, whole: false };
    }
    const recorded = await this.store.readStream(streamId);
    const loaded: LoadedStream<S> = {
      state: fold(decider, recorded.map(toDomainEvent<E>)),
      revision: recorded.at(-1)?.revision ?? -1n,
      lastPosition: recorded.at(-1)?.position,
    };
    this.remember(decider, streamId, loaded);
    return { loaded, recorded, whole: true };
  }

  /** Caches a folded stream unless a newer one is cached already; drops the least recently used beyond capacity. */
  private remember(decider: unknown, streamId: string, loaded: LoadedStream<unknown>): void {
    if (this.capacity === 0) return;
    const current = this.cache.get(streamId);
    this.cache.delete(streamId);
    this.cache.set(streamId, current && current.decider === decider && current.loaded.revision > loaded.revision ? current : { decider, loaded });
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }

  /**
   * Handles one command on one stream.
   *
   * Idempotent per command id: the events' ids are derived from `context.commandId`, the
   * stream and their index (`commandEventId`), so handling the same command again (a
   * retried HTTP request with the same `Idempotency-Key`, a resumed import) finds its
   * events already in the stream and returns the original result without deciding or
   * appending again. The store enforces the same at append time (EventStoreDB's
   * idempotent appends), which covers concurrent repeats. Consequently one command id
   * appends at most once to a given stream: use `followUp` for further steps.
   * @throws DomainError when the decider rejects the command (nothing appended)
   * @throws WrongExpectedRevisionError when conflicts persist past the retries, or at once
   *   when `options.expectedRevision` does not hold
   * @throws DuplicateEventIdError when an event id stays reused past the retries
   */
  async handle<C extends DomainCommand, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
    options: HandleOptions = {},
  ): Promise<CommandResult<E>> {
    const pinned = options.expectedRevision;
    const firstId = commandEventId(context.commandId, streamId, 0);
    const attempt = async (whole: boolean): Promise<CommandResult<E>> => {
      const { loaded, recorded, whole: wholeRead } = await this.read(decider, streamId, whole);
      const earlier = originalResult<E>(recorded, firstId, context.commandId, streamId);
      if (earlier) return earlier;
      if (pinned !== undefined && loaded.revision !== pinned) {
        // Before refusing, look at the whole stream: the command may be a repeat whose original
        // a concurrent call cached (only later events were read), and a trusted (sole-writer)
        // cache may be behind the revision the caller saw.
        if (!wholeRead) return attempt(true);
        throw new WrongExpectedRevisionError(streamId, pinned < 0n ? 'no-stream' : pinned, loaded.revision < 0n ? 'no-stream' : loaded.revision);
      }
      let events: readonly E[];
      try {
        events = decider.decide(command, loaded.state);
      } catch (error) {
        // A rejection may be a repeat of a command that succeeded before the cached revision.
        if (!wholeRead) return attempt(true);
        throw error;
      }
      if (events.length === 0) {
        if (!wholeRead) return attempt(true);
        return { streamId, revision: loaded.revision, position: loaded.lastPosition, events };
      }
      let result: AppendResult;
      try {
        result = await this.store.appendToStream(streamId, toNewEvents(events, context, streamId), {
          expectedRevision: loaded.revision < 0n ? 'no-stream' : loaded.revision,
        });
      } catch (error) {
        // Sole writer: the cached state is wrong (another writer) or its outcome unknown.
        if (this.soleWriter) this.forget(streamId);
        throw error;
      }
      this.appended += events.length;
      this.remember(decider, streamId, {
        state: events.reduce((state, e) => decider.evolve(state, e), loaded.state),
        revision: result.nextExpectedRevision,
        lastPosition: result.position,
      });
      return { streamId, revision: result.nextExpectedRevision, position: result.position, events };
    };
    let whole = false;
    return pRetry(
      async () => {
        try {
          return await attempt(whole);
        } catch (error) {
          // A reused id: this command ran before the cached revision; the next attempt reads the whole stream.
          if (error instanceof DuplicateEventIdError) whole = true;
          throw error;
        }
      },
      {
        retries: pinned === undefined ? this.retries : 0,
        minTimeout: 2,
        maxTimeout: 50,
        randomize: true,
        // A duplicate id means a concurrent repeat of this command got there first: the
        // next attempt reads its events and returns its result.
        shouldRetry: ({ error }) => error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError,
      },
    );
  }
}

/**
 * The events a command decided, as appended to `streamId`: ids derived from the command
 * id (`eventIdOf`, default `commandEventId`), metadata from the command context (tenant,
 * actor, correlation, causation = the command id, business time).
 */
export function toNewEvents(
  events: readonly DomainEvent[],
  context: CommandContext,
  streamId: string,
  eventIdOf: (commandId: string, streamId: string, index: number) => string = commandEventId,
): NewEvent[] {
  return events.map((event, index) => ({
    eventId: eventIdOf(context.commandId, streamId, index),
    type: event.type,
    data: event.data,
    metadata: {
      tenantId: context.tenantId,
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.commandId,
      occurredAt: context.occurredAt,
    },
  }));
}

/**
 * The id of the `index`-th event a command appends to a stream: a name-based UUID
 * (version 5, RFC 9562 §5.5: SHA-1 of a namespace and a name) of
 * `${commandId}:${streamId}:${index}`. Same inputs, same id, on every machine.
 */
export function commandEventId(commandId: string, streamId: string, index: number): string {
  return uuidV5(`${commandId}:${streamId}:${index}`, EVENT_ID_NAMESPACE);
}

/** This project's UUID namespace for event ids (a fixed random UUID). */
const EVENT_ID_NAMESPACE = '3f0c5a8e-6a3b-4c1e-9a57-2d6f1b7e4c90';

/** RFC 9562 UUID version 5 of `name` (UTF-8) in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * When the stream already holds this command's events (its first event id), the result
 * the command had: its events (consecutive, ids 0..n−1), the last one's revision and position.
 */
function originalResult<E extends DomainEvent>(recorded: readonly RecordedEvent[], firstId: string, commandId: string, streamId: string): CommandResult<E> | undefined {
  const start = recorded.findIndex((e) => e.eventId === firstId);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < recorded.length && recorded[end]!.eventId === commandEventId(commandId, streamId, end - start)) end++;
  const mine = recorded.slice(start, end);
  const last = mine.at(-1)!;
  return { streamId, revision: last.revision, position: last.position, events: mine.map(toDomainEvent<E>) };
}

/** A recorded event as the decider sees it. The store only returns what deciders wrote. */
function toDomainEvent<E extends DomainEvent>(recorded: RecordedEvent): E {
  return { type: recorded.type, data: recorded.data } as unknown as E;
}
