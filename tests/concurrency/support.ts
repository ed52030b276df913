import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { CommandContext } from '../../src/application/command-context.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A database with a bigger pool (≤ 50) for the concurrency tests, a store and a handler. */
export interface ConcurrencyFixture {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  readonly handler: CommandHandler;
  context(): CommandContext;
  /** Runs `tasks` with at most `n` in flight (for setting up many customers quickly). */
  limited<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Builds the fixture. `retries`: the handler's retries on a concurrency conflict — high, so a
 * command fails only when a rule refuses it, never because 200 writers hit one stream.
 */
export async function createConcurrencyFixture(options: { poolSize?: number; retries?: number } = {}): Promise<ConcurrencyFixture> {
  const database = await createTestDatabase(options.poolSize ?? 40);
  const store = new PostgresEventStore(database.pool);
  const handler = new CommandHandler(store, { retries: options.retries ?? 1_000 });
  return {
    database,
    store,
    handler,
    context: () => ({ tenantId: 'acme', actor: 'user:load', correlationId: randomUUID(), commandId: randomUUID(), occurredAt: '2026-11-21T10:00:00.000+03:00' }),
    limited: (n, tasks) => {
      const limit = pLimit(n);
      return Promise.all(tasks.map((task) => limit(task)));
    },
    close: async () => {
      await store.close?.();
      await database.drop();
    },
  };
}

/** Settled promises split into fulfilled values and rejection reasons. */
export function outcomes<T>(settled: readonly PromiseSettledResult<T>[]): { ok: T[]; errors: unknown[] } {
  return {
    ok: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}
