/**
 * The read API's side of the probe process (probe-worker.ts): one child process per server,
 * started on first use (or by `warm`), restarted on the next request if it dies. It keeps the
 * server alive only while requests are pending.
 */
import type { Architecture } from '../../shared/family-schema.ts';
import { RpcChild } from '../workers/child-rpc.ts';
import type { ProbeRequest } from './probe-worker.ts';

export class ProbeProcess {
  private child: RpcChild<ProbeRequest, Float32Array> | undefined;

  /**
   * Starts the process now. Its start-up (a Node process loading the engine and OpenBLAS, ~0.3 s of
   * CPU) would otherwise come with a page's first recomputed grid, while the page loads Plotly.
   */
  warm(): void {
    this.live();
  }

  /** Neuron `neuron`'s activation at "=" for every (a, b), as [a][b]; rejects with code ENOENT when the checkpoint is missing. */
  neuronGrid(checkpointPath: string, arch: Architecture, p: number, neuron: number): Promise<Float32Array> {
    return this.live().request({ checkpointPath, arch, p, view: { kind: 'neuron', neuron } });
  }

  /** Every head's attention from position `query` to position `key`, as [head][a][b]. */
  attentionSlice(checkpointPath: string, arch: Architecture, p: number, query: number, key: number): Promise<Float32Array> {
    return this.live().request({ checkpointPath, arch, p, view: { kind: 'attention', query, key } });
  }

  private live(): RpcChild<ProbeRequest, Float32Array> {
    if (!this.child || this.child.exited) {
      // One OpenBLAS thread: the probe's products are small, and a second thread spinning against the
      // browser and the server on a two-core machine made a neuron grid 2× slower to arrive.
      this.child = new RpcChild(new URL('./probe-worker.ts', import.meta.url), {
        label: 'the probe process',
        env: { OPENBLAS_NUM_THREADS: '1' },
        unrefWhenIdle: true,
      });
    }
    return this.child;
  }
}
