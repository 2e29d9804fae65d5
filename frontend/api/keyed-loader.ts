/**
 * Values fetched by key, the request mechanics the pages' data controllers share (VariantData's
 * per-epoch payloads, ReportData's curves; docs/ARCHITECTURE.md §7.4, §11.3): each value is kept in
 * an LRU cache, a key on its way is never asked for twice (a second asker waits for the first
 * request), and where the API takes several keys at once the missing ones go out in one request.
 *
 * Aborting stays the caller's, whose fetch holds its own signal: an aborted or failed request
 * leaves nothing behind, so the key is fetched again when next asked for. `clear()` forgets every
 * value and every request on its way, whose answers then land nowhere: the values of a superseded
 * scope (another variant, family or plot width) never reach the cache.
 */
import { LruCache } from './lru-cache.ts';

export class KeyedLoader<K, V> {
  private readonly cache: LruCache<K, V>;
  private readonly inflight = new Map<K, Promise<V>>();

  constructor(capacity: number) {
    this.cache = new LruCache(capacity);
  }

  /** Whether the key's value is cached. */
  has(key: K): boolean {
    return this.cache.has(key);
  }

  /** The cached value, now the most recently used; undefined when it is not cached. */
  peek(key: K): V | undefined {
    return this.cache.get(key);
  }

  /** Whether the key's value is on its way. */
  isLoading(key: K): boolean {
    return this.inflight.has(key);
  }

  /** Whether any value is on its way. */
  get loading(): boolean {
    return this.inflight.size > 0;
  }

  /** The keys neither cached nor on their way: those a request would fetch. */
  missing(keys: readonly K[]): K[] {
    return keys.filter((key) => !this.cache.has(key) && !this.inflight.has(key));
  }

  /** The key's value: cached, on its way, or fetched now by `fetch`. */
  async get(key: K, fetch: () => Promise<V>): Promise<V> {
    const values = await this.getMany([key], async () => new Map([[key, await fetch()]]));
    return values.get(key) as V;
  }

  /**
   * The keys' values: those cached, those on their way, and the missing ones fetched by one call of
   * `fetchMany`, which answers with each key it is given and its value (a key it leaves out fails).
   */
  async getMany(keys: readonly K[], fetchMany: (missing: K[]) => Promise<ReadonlyMap<K, V>>): Promise<Map<K, V>> {
    const missing = this.missing(keys);
    if (missing.length > 0) {
      const answer = fetchMany(missing);
      for (const key of missing) {
        this.track(
          key,
          answer.then((values) => {
            if (!values.has(key)) throw new Error(`the answer has no value for ${String(key)}`);
            return values.get(key) as V;
          }),
        );
      }
    }
    const values = await Promise.all(keys.map((key) => this.inflight.get(key) ?? (this.cache.get(key) as V)));
    return new Map(keys.map((key, i) => [key, values[i] as V]));
  }

  /** Forgets every value, and every request on its way: their answers are no longer cached. */
  clear(): void {
    this.cache.clear();
    this.inflight.clear();
  }

  /** Caches the request's value when it arrives, unless clear() came first. */
  private track(key: K, request: Promise<V>): void {
    const tracked: Promise<V> = request
      .then((value) => {
        if (this.inflight.get(key) === tracked) this.cache.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.inflight.get(key) === tracked) this.inflight.delete(key);
      });
    this.inflight.set(key, tracked);
  }
}
