/**
 * Stands in for mnemonist's LRUCache (`mnemonist/lru-cache`, with obliterator under it, ≈ 7 KB) in
 * the Lambda bundles (infra/constructs/function-bundle.ts aliases it). The AWS SDK's endpoint
 * cache is its one user: every DynamoDB client builds one (endpoint discovery), using `get`,
 * `set`, `has`, `peek` and `clear`. This is the same least-recently-used cache on a Map (whose
 * iteration order is insertion order: a read or a write moves the key to the end, and the first
 * key is the one evicted). tests/infra/bundle-aliases.test.ts runs both on generated operations.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error("LRUCache: capacity should be a positive number");
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, without making the key the most recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
