import type { DomainEvent } from '../../domain/shared/index.js';
import type { CommandHandler, CommandResult } from '../command-handler.js';

/**
 * The event that records an idempotent movement on its stream: its `type` and the `data` fields
 * (string values, e.g. `{ orderId, refundId }`) that name it.
 */
export interface RecordedEventRef {
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * An idempotent movement (a transfer's side, a return, a refund) as it was first written, so
 * that sending it again answers as the first time (the store's repeat rule, as
 * `CommandHandler.handle` answers a repeated command id).
 *
 * `result` is what the command did now. When it appended events it is returned as is. When it
 * was a no-op because the stream holds the movement already (sent again under another command
 * id, or written meanwhile by another runner), its revision and position are the stream's
 * current ones, which may belong to later events; so the original append is read instead: the
 * one whose first event matching `ref` (its type, and every field of `ref.data` equal) begins
 * the events of that command id (consecutive), with the last one's revision and `$all`
 * position. One read of the whole stream, only on that no-op path.
 * @returns the original append's result, or `result` when it appended events or the stream
 *   holds no such event
 * @throws the store's read errors
 */
export async function originalResult<E extends DomainEvent>(handler: CommandHandler, result: CommandResult<E>, ref: RecordedEventRef): Promise<CommandResult<E>> {
  if (result.events.length > 0) return result;
  const recorded = await handler.store.readStream(result.streamId);
  const fields = Object.entries(ref.data);
  const start = recorded.findIndex((e) => e.type === ref.type && fields.every(([key, value]) => e.data[key] === value));
  if (start < 0) return result;
  const commandId = recorded[start]!.metadata.causationId;
  let end = start + 1;
  while (end < recorded.length && recorded[end]!.metadata.causationId === commandId) end++;
  const original = recorded.slice(start, end);
  const last = original.at(-1)!;
  return {
    streamId: result.streamId,
    revision: last.revision,
    position: last.position,
    // The store only returns what deciders wrote (as CommandHandler reads them back).
    events: original.map((e) => ({ type: e.type, data: e.data }) as unknown as E),
  };
}
