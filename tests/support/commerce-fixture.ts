import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../src/application/command-context.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import * as commerce from '../../src/application/commerce/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { Projector, projections } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A test database with the event store, command handler and projectors wired. */
export interface CommerceFixture {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  readonly handler: CommandHandler;
  /** Context for tenant `tenantId` (default `acme`) at business time `occurredAt`. */
  context(occurredAt?: string, tenantId?: string): CommandContext;
  /** Runs every projector until caught up. */
  project(): Promise<void>;
  /** Registers SKU at a price (TRY minor units) and receives `onHand` units into `main`. */
  stockedProduct(sku: string, priceMinor: number, onHand: number, category?: string): Promise<void>;
  /** Opens customer's wallet with `balance` TRY minor units and a basket holding `lines`. */
  basketFor(customerId: string, basketId: string, balance: number, lines: { sku: string; quantity: number }[]): Promise<void>;
}

/** Builds a `CommerceFixture` on a fresh database. Drop it with `fixture.database.drop()`. */
export async function createCommerceFixture(): Promise<CommerceFixture> {
  const database = await createTestDatabase();
  const store = new PostgresEventStore(database.pool);
  const handler = new CommandHandler(store);
  const projectors = projections.map((p) => new Projector(store, database.db, p));
  const context = (occurredAt = '2026-11-21T10:00:00.000+03:00', tenantId = 'acme'): CommandContext => ({
    tenantId,
    actor: 'user:test',
    correlationId: randomUUID(),
    commandId: randomUUID(),
    occurredAt,
  });
  return {
    database,
    store,
    handler,
    context,
    async project() {
      for (const p of projectors) await p.catchUp();
    },
    async stockedProduct(sku, priceMinor, onHand, category = 'books') {
      await commerce.registerProduct(handler, context(), { sku, name: `Product ${sku}`, category, price: { minor: priceMinor, currency: 'TRY' } });
      if (onHand > 0) await commerce.receiveStock(handler, context(), { sku, warehouseId: 'main', quantity: onHand, reference: 'initial' });
    },
    async basketFor(customerId, basketId, balance, lines) {
      await commerce.openWallet(handler, context(), { customerId, currency: 'TRY' });
      if (balance > 0) {
        await commerce.creditWallet(handler, context(), { customerId, amount: { minor: balance, currency: 'TRY' }, reason: 'top-up', reference: 'test' });
      }
      await commerce.openBasket(handler, context(), { basketId, customerId, currency: 'TRY' });
      for (const line of lines) await commerce.addItem(handler, context(), { basketId, ...line, warehouseId: 'main' });
    },
  };
}
