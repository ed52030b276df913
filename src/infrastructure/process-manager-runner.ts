import type pg from 'pg';
import type { Logger } from 'pino';
import type { CatchUpLoop } from '../application/process-managers/catch-up.js';
import type { SettlingSubscriberOptions } from '../application/process-managers/settling-subscriber.js';
import { formatPosition } from '../application/ports/event-store.js';
import { loadProcessManagerCheckpoint, saveProcessManagerCheckpoint } from './process-manager-checkpoints.js';

/** A process manager running in the service; `stop()` ends it after the event it is settling. */
export interface ProcessManagerRunner {
  stop(): Promise<void>;
}

/** What `startProcessManagerRunner` needs of the service. */
export interface ProcessManagerRunnerDeps {
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** First backoff after a failed pass, in ms (default 500, doubling up to 30 s). */
  readonly retryMinMs?: number;
}

/**
 * Runs a settling process manager (see `settlingSubscriber`) in the service: its subscriber,
 * made by `subscribe` with the options given, resumes from its row `checkpoint` of
 * `process_manager_checkpoints` (from the start of `$all` the first time, which settles what
 * was left half-way before it existed) and saves it after every page. An event that cannot
 * be settled is logged with its stream, revision and `transferId` as `<what> not settled`; a
 * failed pass is retried with backoff; a subscriber that stops for good is logged as
 * `<checkpoint> stopped`.
 * @param what what one event starts, for the log (e.g. `wallet transfer`)
 */
export async function startProcessManagerRunner(
  deps: ProcessManagerRunnerDeps,
  checkpoint: string,
  what: string,
  subscribe: (options: SettlingSubscriberOptions) => CatchUpLoop,
): Promise<ProcessManagerRunner> {
  const subscriber: CatchUpLoop = subscribe({
    from: await loadProcessManagerCheckpoint(deps.pool, checkpoint),
    onCheckpoint: (p) => saveProcessManagerCheckpoint(deps.pool, checkpoint, p),
    onError: (error, event) =>
      deps.logger.error(
        { err: error, event: event && { streamId: event.streamId, revision: event.revision.toString(), transferId: event.data.transferId }, checkpoint: formatPosition(subscriber.checkpoint) },
        `${what} not settled`,
      ),
    ...(deps.retryMinMs === undefined ? {} : { retryMinMs: deps.retryMinMs }),
  });
  const loop = subscriber.run().catch((error: unknown) => {
    deps.logger.error({ err: error, checkpoint: formatPosition(subscriber.checkpoint) }, `${checkpoint} stopped`);
  });
  return {
    async stop() {
      subscriber.stop();
      await loop;
    },
  };
}
