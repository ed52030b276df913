import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../application/ports/event-store.js';
import type { ReadModelSchema } from '../infrastructure/database/schema.js';

/**
 * A projection: turns events into read-model rows. `apply` runs inside the projector's
 * transaction, which also moves the projection's checkpoint, so rows and checkpoint
 * commit together (each event is applied exactly once to committed rows).
 */
export interface Projection {
  /** Stable name; the checkpoint's key. */
  readonly name: string;
  /** Event types it reads; others only move the checkpoint. */
  readonly eventTypes: ReadonlySet<string>;
  /** The tables it owns, emptied by a rebuild. */
  readonly tables: readonly (keyof ReadModelSchema)[];
  /** Applies a batch of events (in `$all` order) to the read model. */
  apply(trx: Transaction<ReadModelSchema>, events: readonly RecordedEvent[]): Promise<void>;
}

/** The local calendar day of a business time `YYYY-MM-DDTHH:mm:ss(.sss)±hh:mm`: its first ten characters. */
export function localDay(occurredAt: string): string {
  const day = occurredAt.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`business time is not ISO 8601: ${occurredAt}`);
  return day;
}
