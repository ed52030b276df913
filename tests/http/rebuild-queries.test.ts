import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { comparePositions, parsePosition } from '../../src/application/ports/event-store.js';
import { Projector, projections, readAllRegistry, rebuild } from '../../src/projections/index.js';
import { appendSyntheticHistory } from '../projections/synthetic.js';
import { createHarness, json, type Harness } from './harness.js';

interface Answer<T = unknown> {
  position: string;
  data: T;
}

describe('queries keep answering during a blue/green rebuild', { timeout: 300_000 }, () => {
  let h: Harness;
  let admin: string;
  let live: Projector[];

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    await appendSyntheticHistory(h.store, { orders: 300, tenants: ['acme'] });
    live = projections.map((p) => new Projector(h.store, h.database.db, p));
    for (const p of live) await p.catchUp();
  });
  after(() => h.close());

  const PATHS = ['catalogue?limit=20', 'reports/sales', 'analytics/sales?limit=50', 'analytics/top-sellers?limit=5', 'orders?limit=10&status=delivered', 'catalogue/categories'];

  async function answers(): Promise<Record<string, Answer>> {
    const out: Record<string, Answer> = {};
    await Promise.all(
      PATHS.map(async (path) => {
        const response = await h.query(admin, path);
        assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
        out[path] = json<Answer>(response);
      }),
    );
    return out;
  }

  it('answers from the old version while the new one builds, and from the new one after the atomic switch', async () => {
    const before = await answers();
    const schemasBefore = (await readAllRegistry(h.database.db)).map((r) => r.liveSchema);
    let release!: () => void;
    const switchAllowed = new Promise<void>((resolve) => (release = resolve));
    let during = 0;
    let registered = '';
    const rebuilding = rebuild(h.database.db, h.store, projections, {
      batchSize: 40,
      onProgress: () => {
        during++;
      },
      beforeSwitch: async () => {
        // Built but not switched: queries still read the old version, which the live
        // projector keeps following (a product registered now shows up there).
        const now = await answers();
        for (const path of PATHS) assert.deepEqual(now[path]!.data, before[path]!.data, path);
        const created = await h.command(admin, 'products/register', { sku: 'NEW-1', name: 'Brand new', category: 'office', price: { minor: 5, currency: 'TRY' } });
        assert.equal(created.statusCode, 200, created.body);
        registered = String(json(created).position);
        await live[0]!.catchUp();
        const seen = await h.query(admin, `catalogue/NEW-1?position=${registered}`);
        assert.equal(seen.statusCode, 200, seen.body);
        await switchAllowed;
      },
    });
    // Queries while batches are being applied to the new version.
    const started = Date.now();
    while (during < 5 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 5; i++) {
      const now = await answers();
      for (const path of PATHS) assert.deepEqual(now[path]!.data, before[path]!.data, `${path} during the build`);
    }
    await new Promise((r) => setTimeout(r, 200));
    release();
    const result = await rebuilding;
    assert.deepEqual([...result.projections].sort(), projections.map((p) => p.name).sort());

    const afterSwitch = await answers();
    for (const path of PATHS.filter((p) => !p.startsWith('catalogue'))) assert.deepEqual(afterSwitch[path]!.data, before[path]!.data, `${path} after the switch`);
    const product = await h.query(admin, `catalogue/NEW-1?position=${registered}`);
    assert.equal(product.statusCode, 200, 'the switch applied what arrived during the build');
    const position = parsePosition(json<Answer>(product).position)!;
    assert.ok(comparePositions(position, parsePosition(registered)!) >= 0);
    const schemasAfter = (await readAllRegistry(h.database.db)).map((r) => r.liveSchema);
    assert.ok(schemasAfter.every((s, i) => s !== schemasBefore[i]), 'every projection switched to a new version');
  });
});
