import { pruneIdempotencyKeys } from '../../http/idempotency.js';
import { withRuntime } from '../session.js';

/**
 * `idempotency prune [--older-than-hours N] [--json]`: deletes every tenant's idempotency
 * keys first used more than N hours ago (default `IDEMPOTENCY_KEY_TTL_HOURS`, 24), which the
 * service already treats as unused. Prints `pruned <count> idempotency key(s) first used before
 * <ISO time> (older than N h)`, or with `--json` `{"pruned":count,"olderThanHours":N,"before":ISO time}`.
 */
export async function pruneIdempotency(options: { olderThanHours?: number; json?: boolean }): Promise<void> {
  await withRuntime(async (runtime) => {
    const olderThanHours = options.olderThanHours ?? runtime.config.idempotencyKeyTtlHours;
    const { pruned, before } = await pruneIdempotencyKeys(runtime.database.db, olderThanHours);
    if (options.json) console.log(JSON.stringify({ pruned, olderThanHours, before: before.toISOString() }));
    else console.log(`pruned ${pruned} idempotency ${pruned === 1 ? 'key' : 'keys'} first used before ${before.toISOString()} (older than ${olderThanHours} h)`);
  });
}
