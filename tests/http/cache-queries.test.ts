import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MemoryQueryCache, RedisQueryCache, createQueryCache } from '../../src/infrastructure/cache/index.js';
import { Projector, projections } from '../../src/projections/index.js';
import { given } from '../projections/support.js';
import { createHarness, json, type Harness } from './harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether a Redis server answers PING at `url` within 500 ms. */
async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

describe('query cache', () => {
  it('in-process: least recently used evicted first, entries expire', async () => {
    const cache = new MemoryQueryCache(2);
    await cache.set('a', '1', 60_000);
    await cache.set('b', '2', 60_000);
    assert.equal(await cache.get('a'), '1'); // a is now the most recent
    await cache.set('c', '3', 60_000);
    assert.equal(await cache.get('b'), undefined);
    assert.deepEqual([await cache.get('a'), await cache.get('c')], ['1', '3']);
    await cache.set('d', '4', 1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await cache.get('d'), undefined);
    assert.equal(createQueryCache(undefined).kind(), 'memory');
  });

  it('falls back to the in-process cache while Redis does not answer', async () => {
    const logs: string[] = [];
    const cache = new RedisQueryCache('redis://127.0.0.1:1', (m) => logs.push(m));
    assert.equal(await cache.whenReady(300), false);
    assert.equal(cache.kind(), 'memory');
    await cache.set('k', 'v', 60_000);
    assert.equal(await cache.get('k'), 'v');
    assert.ok(logs.some((l) => /in-process cache/.test(l)), logs.join('; '));
    await cache.close();
  });

  it('uses Redis when it answers', async (t) => {
    if (!(await redisAnswers(REDIS_URL))) {
      console.log(`# skipped: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL to point at one)`);
      t.skip(`no Redis at ${REDIS_URL}`);
      return;
    }
    const cache = new RedisQueryCache(REDIS_URL, () => undefined, `commerce-core-test:${process.pid}:`);
    assert.equal(await cache.whenReady(2000), true);
    assert.equal(cache.kind(), 'redis');
    await cache.set('answer', '{"x":1}', 5000);
    assert.equal(await cache.get('answer'), '{"x":1}');
    const other = new RedisQueryCache(REDIS_URL, () => undefined, `commerce-core-test:${process.pid}:`);
    await other.whenReady(2000);
    assert.equal(await other.get('answer'), '{"x":1}', 'shared by instances');
    await cache.close();
    await other.close();
  });
});

describe('HTTP queries cached in Redis', () => {
  let h: Harness | undefined;
  let available = false;
  before(async () => {
    available = await redisAnswers(REDIS_URL);
    if (!available) return;
    h = await createHarness({ env: { REDIS_URL } });
    await given(h.store, 'product-acme:X', 'ProductRegistered', { sku: 'X', name: 'X', category: 'c', price: { minor: 1, currency: 'TRY' } }, '2026-03-01T09:00:00.000+03:00');
    for (const p of projections) await new Projector(h.store, h.database.db, p).catchUp();
  });
  after(() => h?.close());

  it('answers a repeated query from Redis', async (t) => {
    if (!available || !h) {
      console.log(`# skipped: no Redis answers at ${REDIS_URL}`);
      t.skip(`no Redis at ${REDIS_URL}`);
      return;
    }
    const admin = h.token('acme', `admin-${process.pid}-${Date.now()}`, ['admin']);
    // A query key unique to this run (tenant + params), so an earlier run's entries cannot answer it.
    const path = `catalogue?q=x&limit=${1 + (Date.now() % 400)}`;
    const first = await h.query(admin, path);
    await new Promise((r) => setTimeout(r, 300)); // the plugin's Redis connection gets ready
    const second = await h.query(admin, path);
    const third = await h.query(admin, path);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-cache'], 'miss');
    assert.equal(third.headers['x-cache'], 'hit');
    assert.deepEqual(json(third), json(first));
    assert.ok([second.headers['x-cache'], third.headers['x-cache']].includes('hit'));
  });
});
