/**
 * A cache of query answers (JSON text by key). Keys carry the read-model position the
 * answer reflects, so a projection moving on invalidates every answer it feeds (their
 * keys are never asked for again); the TTL only bounds memory.
 */
export interface QueryCache {
  /** `redis`, or `memory` (in-process) when no Redis is configured or reachable. */
  readonly kind: () => 'redis' | 'memory';
  /** The cached text, or undefined. Never throws: a broken Redis reads as a miss. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`. Never throws. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/**
 * An in-process LRU cache with expiry: at most `maxEntries` answers, least recently used
 * evicted first.
 */
export class MemoryQueryCache implements QueryCache {
  private readonly entries = new Map<string, { value: string; expires: number }>();
  constructor(private readonly maxEntries = 1000) {}

  /** @inheritdoc */
  kind = () => 'memory' as const;

  /** @inheritdoc */
  get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    this.entries.delete(key);
    if (entry.expires < Date.now()) return Promise.resolve(undefined);
    this.entries.set(key, entry);
    return Promise.resolve(entry.value);
  }

  /** @inheritdoc */
  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return Promise.resolve();
  }

  /** Entries held (tests). */
  get size(): number {
    return this.entries.size;
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
