/** The request/response protocol every child process speaks (server/workers/child-rpc.ts), with a real child. */
import { afterEach, describe, expect, it } from 'vitest';
import { RpcChild } from '../../../server/workers/child-rpc.ts';

type Request = { kind: 'echo'; value: unknown } | { kind: 'count' } | { kind: 'fail' } | { kind: 'exit' };
const CHILD = new URL('../../fixtures/rpc-child.ts', import.meta.url);

let child: RpcChild<Request, unknown, number> | undefined;
afterEach(() => child?.kill());

describe('RpcChild and serveRpc', () => {
  it('answers each request with its own reply, typed arrays included, whatever the order', async () => {
    child = new RpcChild(CHILD, { label: 'the test child' });
    const values = [1, 'two', new Float32Array([3, 4])];
    expect(await Promise.all(values.map((value) => child!.request({ kind: 'echo', value })))).toEqual(values);
  });

  it('delivers notes before the reply, and an abort reaches the handler as its signal', async () => {
    child = new RpcChild(CHILD, { label: 'the test child' });
    const notes: number[] = [];
    const abort = new AbortController();
    const reply = child.request({ kind: 'count' }, { signal: abort.signal, onNote: (n) => notes.push(n) });
    while (notes.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    const answer = (await reply) as string;
    expect(notes).toEqual(Array.from({ length: notes.length }, (_, i) => i + 1));
    expect(answer).toBe(`stopped after ${notes.length}`);
  });

  it('rejects with the handler’s message and errno code', async () => {
    child = new RpcChild(CHILD, { label: 'the test child' });
    await expect(child.request({ kind: 'fail' })).rejects.toMatchObject({ message: 'no such file', code: 'ENOENT' });
    expect(await child.request({ kind: 'echo', value: 'still serving' })).toBe('still serving');
  });

  it('rejects pending and later requests when the child exits, naming it', async () => {
    child = new RpcChild(CHILD, { label: 'the test child' });
    await expect(child.request({ kind: 'exit' })).rejects.toMatchObject({
      message: 'the test child exited (code 3)',
      code: 'CHILD_EXITED',
    });
    expect(child.exited).toBe(true);
    await expect(child.request({ kind: 'echo', value: 1 })).rejects.toMatchObject({ code: 'CHILD_EXITED' });
  });
});
