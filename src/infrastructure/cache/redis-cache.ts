import { Redis } from 'ioredis';
import { MemoryQueryCache, type QueryCache } from './query-cache.js';

/** Where `RedisQueryCache` reports that it falls back or recovers. */
export type CacheLog = (message: string) => void;

/**
 * Query answers in Redis (`SET key value PX ttl`), shared by every instance. While Redis
 * does not answer (not started, restarting, network), reads and writes go to an
 * in-process cache instead and the service keeps answering; ioredis reconnects in the
 * background and Redis is used again once it is ready.
 */
export class RedisQueryCache implements QueryCache {
  private readonly redis: Redis;
  private readonly fallback = new MemoryQueryCache();
  private warned = false;

  constructor(
    url: string,
    private readonly log: CacheLog = () => undefined,
    private readonly prefix = 'commerce-core:query:',
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.redis.on('error', () => this.degraded('redis unreachable'));
    this.redis.on('ready', () => {
      if (this.warned) this.log('query cache: redis is back');
      this.warned = false;
    });
    this.redis.connect().catch(() => this.degraded('redis unreachable'));
  }

  private degraded(reason: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log(`query cache: ${reason}; using the in-process cache until it answers`);
  }

  private get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** @inheritdoc */
  kind = () => (this.ready ? ('redis' as const) : ('memory' as const));

  /** Resolves once Redis is ready (true) or after `timeoutMs` without it (false). */
  async whenReady(timeoutMs = 1000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.ready;
  }

  /** @inheritdoc */
  async get(key: string): Promise<string | undefined> {
    if (!this.ready) return this.fallback.get(key);
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch {
      this.degraded('redis read failed');
      return this.fallback.get(key);
    }
  }

  /** @inheritdoc */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (!this.ready) return this.fallback.set(key, value, ttlMs);
    try {
      await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
    } catch {
      this.degraded('redis write failed');
      await this.fallback.set(key, value, ttlMs);
    }
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    this.redis.disconnect();
    await this.fallback.close();
  }
}
