import { RedisQueryCache, type CacheLog } from './redis-cache.js';
import { MemoryQueryCache, type QueryCache } from './query-cache.js';

export { MemoryQueryCache, type QueryCache } from './query-cache.js';
export { RedisQueryCache, type CacheLog } from './redis-cache.js';

/**
 * The query cache for a configuration: Redis at `redisUrl` (with the in-process cache
 * standing in while Redis does not answer), or the in-process cache when no URL is set.
 */
export function createQueryCache(redisUrl: string | undefined, log?: CacheLog): QueryCache {
  return redisUrl ? new RedisQueryCache(redisUrl, log) : new MemoryQueryCache();
}
