import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { ensureLive, projections, readRegistry, rebuild, type Projection } from '../../src/projections/index.js';
import type { Executor } from '../../src/projections/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { appendSyntheticHistory } from './synthetic.js';

/** Names of the indexes in a build's schema, sorted. */
async function indexesOf(db: Executor, schema: string): Promise<string[]> {
  const { rows } = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = ${schema} order by indexname`.execute(db);
  return rows.map((r) => r.indexname);
}

/** The index names a projection's `indexes` statements create. */
const queryIndexes = (p: Projection) => (p.indexes ?? []).map((s) => /if not exists (\w+)/.exec(s)![1]!).sort();

describe('query indexes of a rebuild', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  before(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    await appendSyntheticHistory(store, { orders: 60, tenants: ['acme'] });
  });
  after(() => database.drop());

  it('every projection but segmentation declares query indexes', () => {
    for (const p of projections) assert.equal(queryIndexes(p).length > 0, p.name !== 'segmentation', p.name);
  });

  it('a live build gets them with its tables; a rebuild builds without them, creates them before the switch, and goes live with them', async () => {
    for (const p of projections) {
      const live = await ensureLive(database.db, p);
      const found = await indexesOf(database.db, live.liveSchema!);
      for (const name of queryIndexes(p)) assert.ok(found.includes(name), `${p.name}: live build lacks ${name}`);
    }
    // What the build has while it catches up: seen from inside the first batch applied to it.
    const during = new Map<string, string[]>();
    const watched = projections.map((p): Projection => ({
      ...p,
      apply: async (trx, events) => {
        if (!during.has(p.name)) {
          const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(trx);
          during.set(p.name, await indexesOf(trx, rows[0]!.schema));
        }
        await p.apply(trx, events);
      },
    }));
    const beforeSwitch = new Map<string, string[]>();
    const result = await rebuild(database.db, store, watched, {
      batchSize: 50,
      beforeSwitch: async () => {
        for (const p of projections) beforeSwitch.set(p.name, await indexesOf(database.db, (await readRegistry(database.db, p.name))!.buildingSchema!));
      },
    });
    for (const p of projections) {
      for (const name of queryIndexes(p)) {
        assert.ok(!during.get(p.name)!.includes(name), `${p.name}: ${name} exists while the build catches up`);
        assert.ok(beforeSwitch.get(p.name)!.includes(name), `${p.name}: ${name} missing before the switch`);
      }
      assert.deepEqual(await indexesOf(database.db, result.live[p.name]!), beforeSwitch.get(p.name), `${p.name}: the live build is the one indexed`);
    }
  });

  it('refuses an index statement a resumed rebuild could not run again', async () => {
    const careless: Projection = { ...projections[0]!, name: 'careless', indexes: ['create index careless_x on catalogue_products (name)'] };
    await assert.rejects(ensureLive(database.db, careless), /must be 'create \[unique\] index if not exists/);
    assert.equal((await readRegistry(database.db, 'careless'))?.liveSchema ?? null, null, 'nothing was registered as live');
  });
});
