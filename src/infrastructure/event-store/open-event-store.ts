import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore } from '../../application/ports/event-store.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';
import type { Upcasters } from './upcasters.js';

/** Which store a process uses: EventStoreDB when `eventStoreUrl` is set, else PostgreSQL. */
export interface EventStoreChoice {
  /** `esdb://…` (config `EVENTSTORE_URL`); undefined selects the PostgreSQL store. */
  readonly eventStoreUrl: string | undefined;
}

/**
 * Opens the configured event store: EventStoreDB at `eventStoreUrl` when set, otherwise
 * the PostgreSQL store on `pool` (which also holds the read models either way).
 * Close it with `store.close()` before the pool.
 */
export function openEventStore(choice: EventStoreChoice, pool: pg.Pool, logger: Logger, upcasters?: Upcasters): EventStore {
  const options = { logger, ...(upcasters ? { upcasters } : {}) };
  if (choice.eventStoreUrl) {
    logger.info({ eventStore: 'eventstoredb', url: choice.eventStoreUrl.replace(/\/\/[^@/]*@/, '//***@') }, 'event store: EventStoreDB');
    return EventStoreDbEventStore.connect(choice.eventStoreUrl, options);
  }
  return new PostgresEventStore(pool, options);
}
