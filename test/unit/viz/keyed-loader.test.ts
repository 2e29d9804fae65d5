/**
 * KeyedLoader, the request mechanics of the pages' data controllers: fetches are stand-ins that
 * record the keys asked for and answer when the test says (the controllers' own tests run it
 * against the real app over HTTP: variant-data.test.ts, report-data.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { KeyedLoader } from '../../../frontend/api/keyed-loader.ts';

/** A fetch of several keys that answers, or fails, when told; `asked` lists each call's keys. */
function server() {
  const asked: string[][] = [];
  const pending: { keys: string[]; resolve: (values: Map<string, string>) => void; reject: (error: Error) => void }[] = [];
  return {
    asked,
    fetchMany: (keys: string[]) =>
      new Promise<Map<string, string>>((resolve, reject) => {
        asked.push(keys);
        pending.push({ keys, resolve, reject });
      }),
    /** Answers the oldest call with each key's value `key!` (leaving out `omit`). */
    answer(omit?: string) {
      const { keys, resolve } = pending.shift()!;
      resolve(new Map(keys.filter((key) => key !== omit).map((key) => [key, `${key}!`])));
    },
    fail() {
      pending.shift()!.reject(new Error('offline'));
    },
  };
}

describe('KeyedLoader', () => {
  it('fetches a key once: a second asker waits for the first request, later ones get the cached value', async () => {
    const loader = new KeyedLoader<string, string>(4);
    const fake = server();
    const fetchOne = (key: string) => () => fake.fetchMany([key]).then((values) => values.get(key)!);
    const first = loader.get('a', fetchOne('a'));
    const second = loader.get('a', fetchOne('a'));
    expect([loader.isLoading('a'), loader.loading, loader.has('a')]).toEqual([true, true, false]);
    fake.answer();
    expect(await Promise.all([first, second])).toEqual(['a!', 'a!']);
    expect(await loader.get('a', fetchOne('a'))).toBe('a!');
    expect(fake.asked).toEqual([['a']]);
    expect([loader.peek('a'), loader.isLoading('a'), loader.loading]).toEqual(['a!', false, false]);
  });

  it('keeps nothing of a failed request: the key is fetched again', async () => {
    const loader = new KeyedLoader<string, string>(4);
    const fake = server();
    const failed = loader.getMany(['a'], fake.fetchMany);
    fake.fail();
    await expect(failed).rejects.toThrow('offline');
    expect([loader.has('a'), loader.isLoading('a')]).toEqual([false, false]);
    const retried = loader.getMany(['a'], fake.fetchMany);
    fake.answer();
    expect(await retried).toEqual(new Map([['a', 'a!']]));
    expect(fake.asked).toEqual([['a'], ['a']]);
  });

  it('fetches the missing keys in one call, and waits for those on their way', async () => {
    const loader = new KeyedLoader<string, string>(4);
    const fake = server();
    const first = loader.getMany(['a', 'b'], fake.fetchMany);
    expect(loader.missing(['a', 'b', 'c'])).toEqual(['c']);
    const second = loader.getMany(['c', 'b', 'a'], fake.fetchMany);
    fake.answer();
    expect(await first).toEqual(
      new Map([
        ['a', 'a!'],
        ['b', 'b!'],
      ]),
    );
    fake.answer();
    expect([...(await second).entries()]).toEqual([
      ['c', 'c!'],
      ['b', 'b!'],
      ['a', 'a!'],
    ]);
    expect(fake.asked).toEqual([['a', 'b'], ['c']]);
    expect(loader.missing(['a', 'b', 'c', 'd'])).toEqual(['d']);
  });

  it('fails a key the answer leaves out, and caches the others', async () => {
    const loader = new KeyedLoader<string, string>(4);
    const fake = server();
    const request = loader.getMany(['a', 'b'], fake.fetchMany);
    fake.answer('b');
    await expect(request).rejects.toThrow('the answer has no value for b');
    expect([loader.has('a'), loader.has('b')]).toEqual([true, false]);
  });

  it('after clear(), an answer on its way is no longer cached and the key is fetched again', async () => {
    const loader = new KeyedLoader<string, string>(4);
    const fake = server();
    const stale = loader.getMany(['a'], fake.fetchMany);
    loader.clear();
    expect([loader.isLoading('a'), loader.loading]).toEqual([false, false]);
    const fresh = loader.getMany(['a'], fake.fetchMany);
    fake.answer();
    expect(await stale).toEqual(new Map([['a', 'a!']]));
    expect(loader.has('a')).toBe(false);
    fake.answer();
    await fresh;
    expect([loader.has('a'), loader.isLoading('a')]).toEqual([true, false]);
    expect(fake.asked).toEqual([['a'], ['a']]);
  });

  it('forgets the least recently used value beyond its capacity', async () => {
    const loader = new KeyedLoader<string, string>(2);
    const fake = server();
    const request = loader.getMany(['a', 'b', 'c'], fake.fetchMany);
    fake.answer();
    await request;
    expect(loader.missing(['a', 'b', 'c'])).toEqual(['a']);
  });
});
