import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../frontend/api/lru-cache.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
  });

  it('keeps stored nulls apart from absent keys, and replaces on set', () => {
    const cache = new LruCache<string, number | null>(2);
    cache.set('missing', null);
    expect([cache.has('missing'), cache.get('missing'), cache.has('other')]).toEqual([true, null, false]);
    cache.set('missing', 5);
    cache.set('x', 1);
    cache.set('y', 2);
    expect(cache.has('missing')).toBe(false);
    cache.clear();
    expect(cache.has('y')).toBe(false);
  });
});
