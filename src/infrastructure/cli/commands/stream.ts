import { formatPosition } from '../../../application/ports/event-store.js';
import { withRuntime } from '../session.js';

/**
 * `stream show STREAM_ID`: the events of one stream in revision order, one JSON object per
 * line, with revision, position, type, data and every metadata field (for auditors).
 * Exits 1 with a message when the stream has no events.
 */
export async function showStream(streamId: string): Promise<void> {
  await withRuntime(async (runtime) => {
    const events = await runtime.store.readStream(streamId);
    if (events.length === 0) {
      console.error(`stream ${streamId} has no events`);
      process.exitCode = 1;
      return;
    }
    for (const e of events) {
      console.log(
        JSON.stringify({
          streamId: e.streamId,
          revision: e.revision.toString(),
          position: formatPosition(e.position),
          eventId: e.eventId,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
        }),
      );
    }
  });
}
