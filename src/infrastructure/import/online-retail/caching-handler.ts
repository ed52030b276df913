import { CommandHandler } from '../../../application/command-handler.js';
import type { EventStore } from '../../../application/ports/event-store.js';

/** More attempts of one command when the stream moved under the cache (another writer). */
const RETRIES = 3;

/**
 * The command handler of bulk imports: a `CommandHandler` that is the sole writer of the
 * streams it handles (`soleWriter`) and keeps every stream it touched folded in memory
 * (no LRU bound: the importer drops what it is done with, `forget`). A `load` or a command
 * on a cached stream reads nothing, so a command costs one round trip (its append).
 *
 * The importer is the only writer of its tenant, and every append still carries the
 * revision the decision was taken on: if another writer did move a stream, the append
 * fails, the entry is dropped, and the command runs again on the stream read afresh (at
 * most 3 more times). Event ids are derived from the command id (`commandEventId`), so a
 * repeated command is recognised (`CommandHandler.handle`). The use cases see an
 * ordinary `CommandHandler`.
 */
export class CachingCommandHandler extends CommandHandler {
  /** @param store the store the import writes to (the handler is the only writer of the import's tenant) */
  constructor(store: EventStore) {
    super(store, { soleWriter: true, cachedStreams: Number.POSITIVE_INFINITY, retries: RETRIES });
  }

  /** Events appended through this handler (`eventsAppended`). */
  get eventsWritten(): number {
    return this.eventsAppended;
  }
}
