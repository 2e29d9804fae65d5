/**
 * The read API's side of the probe process (probe-worker.ts): one child process per server,
 * started on first use (or by `warm`), restarted on the next request if it dies. It keeps the
 * server alive only while requests are pending.
 */
import type { ChildProcess } from 'node:child_process';
import type { Architecture } from '../../shared/family-schema.ts';
import { startChild } from '../workers/child-process.ts';
import type { ProbeReply, ProbeRequest, ProbeView } from './probe-worker.ts';

interface LiveProcess {
  child: ChildProcess;
  pending: Map<number, (reply: ProbeReply) => void>;
}

export class ProbeProcess {
  private live: LiveProcess | undefined;
  private nextId = 1;

  /**
   * Starts the process now. Its start-up (a Node process loading the engine and OpenBLAS, ~0.3 s of
   * CPU) would otherwise come with a page's first recomputed grid, while the page loads Plotly.
   */
  warm(): void {
    this.live ??= this.start();
  }

  /** Neuron `neuron`'s activation at "=" for every (a, b), as [a][b]; rejects with code ENOENT when the checkpoint is missing. */
  neuronGrid(checkpointPath: string, arch: Architecture, p: number, neuron: number): Promise<Float32Array> {
    return this.request(checkpointPath, arch, p, { kind: 'neuron', neuron });
  }

  /** Every head's attention from position `query` to position `key`, as [head][a][b]. */
  attentionSlice(checkpointPath: string, arch: Architecture, p: number, query: number, key: number): Promise<Float32Array> {
    return this.request(checkpointPath, arch, p, { kind: 'attention', query, key });
  }

  private request(checkpointPath: string, arch: Architecture, p: number, view: ProbeView): Promise<Float32Array> {
    const { child, pending } = (this.live ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, (reply) => {
        if ('error' in reply) reject(Object.assign(new Error(reply.error), { code: reply.code }));
        else resolve(reply.values);
      });
      child.channel?.ref();
      child.send({ id, checkpointPath, arch, p, view } satisfies ProbeRequest);
    });
  }

  private start(): LiveProcess {
    // One OpenBLAS thread: the probe's products are small, and a second thread spinning against the
    // browser and the server on a two-core machine made a neuron grid 2× slower to arrive.
    const live: LiveProcess = {
      child: startChild(new URL('./probe-worker.ts', import.meta.url), { env: { OPENBLAS_NUM_THREADS: '1' } }),
      pending: new Map(),
    };
    const { child, pending } = live;
    child.unref();
    child.channel?.unref();
    child.on('message', (reply: ProbeReply) => {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
      if (pending.size === 0) child.channel?.unref();
    });
    const fail = (message: string) => {
      if (this.live === live) this.live = undefined;
      for (const [id, settle] of pending) settle({ id, error: message });
      pending.clear();
    };
    child.on('error', (error) => fail(`the probe process failed: ${error.message}`));
    child.on('exit', (code, signal) => fail(`the probe process exited (${signal ?? `code ${code}`})`));
    return live;
  }
}
