/**
 * The probe process: recomputes neuron grids and attention slices for the read API from the
 * checkpoints, off the HTTP event loop, with a ProbeCache of recent checkpoints. Started by
 * ProbeProcess (probe-process.ts) through startChild; only the requested p×p values travel back.
 */
import type { Architecture } from '../../shared/family-schema.ts';
import { selectGemm } from '../engine/gemm/gemm.ts';
import { neuronActivationGrid, probeAttention } from '../engine/probe-forward.ts';
import { modelDims } from '../engine/weights.ts';
import { readCheckpoint } from '../training/variant-files.ts';
import { serveRpc } from '../workers/child-rpc.ts';
import { attentionGrid } from './analyzers/attention-patterns.ts';
import { ProbeCache } from './probe-cache.ts';

/** Which p×p values to send: one neuron's activations, or every head's (query, key) attention slice. */
export type ProbeView = { kind: 'neuron'; neuron: number } | { kind: 'attention'; query: number; key: number };

export interface ProbeRequest {
  checkpointPath: string;
  arch: Architecture;
  p: number;
  view: ProbeView;
}

const gemm = selectGemm();
/** 16 checkpoints ≈ 150 MB at p = 113: the epochs around the one on screen, and a few visited ones. */
const cache = new ProbeCache(16, async (path, arch, p) => probeAttention(await readCheckpoint(path, modelDims(arch, p)), arch, p, gemm));

// A missing checkpoint fails with its errno code (ENOENT), which the read API turns into a 404.
serveRpc<ProbeRequest, Float32Array>(async ({ checkpointPath, arch, p, view }) => {
  const probe = await cache.get(checkpointPath, arch, p);
  return view.kind === 'neuron'
    ? neuronActivationGrid(probe, arch.d_mlp, view.neuron)
    : attentionGrid(probe, arch.n_heads, p, view.query, view.key);
});
