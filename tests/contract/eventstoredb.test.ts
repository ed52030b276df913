/**
 * The event store contract against EventStoreDB, when `EVENTSTORE_URL` names a server
 * (e.g. `EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false'` with docker-compose.yml's
 * `eventstore` service). Without it the suite is skipped, saying why.
 */
import { describe, it } from 'node:test';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, ({ upcasters }) => {
    const store = EventStoreDbEventStore.connect(url, upcasters ? { upcasters } : {});
    return Promise.resolve({ store, close: () => store.close() });
  });
} else {
  const reason = 'EVENTSTORE_URL is not set: start EventStoreDB (docker compose up eventstore) and set EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false';
  console.log(`event store contract: EventStoreDB skipped (${reason})`);
  describe('event store contract: EventStoreDB', () => {
    it('runs against a server named by EVENTSTORE_URL', { skip: reason }, () => undefined);
  });
}
