import { formatPosition, StreamDeletedError, type EventStore, type Position, type RecordedEvent, type StreamMetadata } from '../../../application/ports/event-store.js';
import { withRuntime } from '../session.js';

/** Options of `stream show`. */
export interface ShowStreamOptions {
  /** First revision to print, inclusive (default: the first forwards, the last backwards). */
  readonly from?: bigint;
  /** At most this many events. */
  readonly limit?: number;
  /** Newest first. */
  readonly backwards?: boolean;
  /** Every event `$all` holds of the stream, including those its metadata or a delete hides. */
  readonly allRecorded?: boolean;
  /** One JSON object `{ streamId, events, hidden }` instead of one line per event. */
  readonly json?: boolean;
}

/**
 * What a normal read of a stream (`readStream`, honouring its metadata) hides of the events
 * `$all` holds of it. `reason`: `tombstoned` (hard-deleted: nothing is readable), `deleted`
 * (soft-deleted: nothing readable, no metadata limit), `metadata` (`maxCount`, `maxAge` or
 * `truncateBefore`, shown in `metadata`; `truncateBefore` as a decimal string).
 */
export interface HiddenEvents {
  readonly reason: 'tombstoned' | 'deleted' | 'metadata';
  /** Events of the stream in `$all`. */
  readonly recorded: number;
  /** Events a normal read returns. */
  readonly readable: number;
  readonly hidden: number;
  readonly metadata: Record<string, unknown>;
}

/** Every event of `streamId` recorded in `$all`, in `$all` order (= revision order), read through the port. */
async function recordedEvents(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const pageSize = 1000;
  const out: RecordedEvent[] = [];
  let after: Position | undefined;
  for (;;) {
    // The filter is by prefix: `order-acme:1` also matches `order-acme:10`.
    const page = await store.readAll({ ...(after ? { after } : {}), maxCount: pageSize, filter: { streamPrefixes: [streamId] } });
    out.push(...page.filter((e) => e.streamId === streamId));
    if (page.length < pageSize) return out;
    after = page.at(-1)!.position;
  }
}

/** `events` (in revision order) paged as `readStream` pages: from a revision, either way, at most `limit`. */
function paged(events: readonly RecordedEvent[], options: ShowStreamOptions): RecordedEvent[] {
  const { from, limit, backwards } = options;
  const ordered = backwards ? [...events].reverse() : [...events];
  const inRange = from === undefined ? ordered : ordered.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
  return inRange.slice(0, limit);
}

function eventJson(e: RecordedEvent): object {
  return { streamId: e.streamId, revision: e.revision.toString(), position: formatPosition(e.position), eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata };
}

/**
 * `stream show STREAM_ID [--from REVISION] [--limit N] [--backwards] [--all-recorded] [--json]`:
 * the events of one stream in revision order (or newest first), one JSON object per line
 * with revision, position, type, data and every metadata field (for auditors); read-only.
 * By default it prints what a normal read returns; when the stream's metadata or a delete
 * hides events that `$all` still holds, it says so on stderr (`note: stream … is soft-deleted:
 * a normal read shows 0 of the 3 events $all holds of it …`; see `HiddenEvents`), and
 * `allRecorded` prints every recorded event instead. `$all` is read (a scan of the log) only
 * when something may be hidden: the stream has metadata limits, is deleted, or the page is empty.
 * Exits 1 with "stream … has no events" when `$all` holds no event of it.
 */
export async function showStream(streamId: string, options: ShowStreamOptions = {}): Promise<void> {
  await withRuntime(
    async (runtime) => {
      const store = runtime.store;
      let metadata: StreamMetadata = {};
      let tombstoned = false;
      try {
        metadata = (await store.getStreamMetadata(streamId)).metadata;
      } catch (error) {
        if (!(error instanceof StreamDeletedError)) throw error;
        tombstoned = true;
      }
      const limited = metadata.maxAge !== undefined || metadata.maxCount !== undefined || metadata.truncateBefore !== undefined;
      const readOptions = {
        ...(options.from !== undefined ? { fromRevision: options.from } : {}),
        ...(options.limit !== undefined ? { maxCount: options.limit } : {}),
        direction: options.backwards ? ('backwards' as const) : ('forwards' as const),
      };
      let events = tombstoned || options.allRecorded ? [] : await store.readStream(streamId, readOptions);
      let hidden: HiddenEvents | null = null;
      if (tombstoned || limited || options.allRecorded || events.length === 0) {
        const recorded = await recordedEvents(store, streamId);
        if (recorded.length === 0) {
          console.error(`stream ${streamId} has no events`);
          process.exitCode = 1;
          return;
        }
        const readable = tombstoned ? 0 : (await store.readStream(streamId)).length;
        if (options.allRecorded) events = paged(recorded, options);
        if (readable < recorded.length) {
          const reason = tombstoned ? 'tombstoned' : readable === 0 && !limited ? 'deleted' : 'metadata';
          const shown = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
          hidden = { reason, recorded: recorded.length, readable, hidden: recorded.length - readable, metadata: shown };
          const why = { tombstoned: 'is tombstoned (hard-deleted)', deleted: 'is soft-deleted', metadata: `is truncated by its metadata ${JSON.stringify(shown)}` }[reason];
          const then = options.allRecorded ? 'printing every recorded event (--all-recorded)' : '--all-recorded prints them';
          console.error(`note: stream ${streamId} ${why}: a normal read shows ${readable} of the ${recorded.length} events $all holds of it (${hidden.hidden} hidden); ${then}`);
        }
      }
      if (options.json) console.log(JSON.stringify({ streamId, events: events.map(eventJson), hidden }));
      else for (const e of events) console.log(JSON.stringify(eventJson(e)));
    },
    { migrate: false },
  );
}
