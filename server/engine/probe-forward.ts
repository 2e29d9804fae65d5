/**
 * The forward pass over the full p×p grid in grid order (row i = a·p + b, tokens [a, b, p]), for
 * analysis: the last-position logits, the MLP activations there, and the full causal attention
 * pattern (queries 0, 1 and 2). It reads inputs only, so it serves every operation; only
 * `probeLoss` needs the family's labels.
 */
import type { Architecture } from '../../shared/family-schema.ts';
import { MODULAR_OPERATIONS, type ModularOperation } from '../../shared/modular-operations.ts';
import { selectGemm, type Gemm } from './gemm/gemm.ts';
import { crossEntropy } from './loss.ts';
import { attend, computeTables, createActivations, createTables, forward, tableRowCount, type Inputs, type Tables } from './model.ts';
import { modelDims, type ModelDims, type ModelWeights } from './weights.ts';

export interface ProbeResult {
  /** logits[i][c] at the last position. [p², p] */
  logits: Float32Array;
  /** mlpPost[i][m] = ReLU(pre) at the last position. [p², d_mlp] */
  mlpPost: Float32Array;
  /** attnPattern[i][head][query][key], zero above the diagonal. [p², n_heads, 3, 3] */
  attnPattern: Float32Array;
}

export type ProbeArchitecture = Pick<Architecture, 'n_heads' | 'd_model' | 'd_head' | 'd_mlp'>;

function gridInputs(p: number): Inputs {
  const n = p * p;
  const inputs: Inputs = { n, a: new Int32Array(n), b: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    inputs.a[i] = Math.floor(i / p);
    inputs.b[i] = i % p;
  }
  return inputs;
}

export function probeForward(weights: ModelWeights, arch: ProbeArchitecture, p: number, gemm: Gemm = selectGemm()): ProbeResult {
  const d = modelDims(arch, p);
  const batch = gridInputs(p);
  const tables = createTables(d);
  computeTables(weights, d, gemm, tables);
  const act = createActivations(d, batch.n);
  forward(batch, d, tables, gemm, act);
  const attnPattern = fullAttentionPattern(weights, d, batch, tables, act.pattern, gemm);
  return { logits: act.logits, mlpPost: act.post, attnPattern };
}

/** The attention side of the probe and what the MLP reads: enough for any one neuron's grid. */
export interface AttentionProbe {
  /** attnPattern[i][head][query][key], as ProbeResult's. [p², n_heads, 3, 3] */
  readonly attnPattern: Float32Array;
  /** The engine's pattern of the query at "=": patternAtEquals[i][head][key]. [p², n_heads, 3] */
  patternAtEquals: Float32Array;
  /** z1[i] = [attention output at "=" (heads concatenated), 1]. [p², n_heads·d_head + 1] */
  z1: Float32Array;
  /** A_in = [W_O; x2]·W_in, so that pre[i][m] = z1[i]·A_in[:, m]. [n_heads·d_head + 1, d_mlp] */
  A_in: Float32Array;
}

/**
 * The probe up to the MLP's input, without the MLP itself or the unembedding: about a tenth of
 * probeForward's work. The read API draws one neuron at a time (neuronPreActivationGrid) and
 * attention slices from it.
 */
export function probeAttention(weights: ModelWeights, arch: ProbeArchitecture, p: number, gemm: Gemm = selectGemm()): AttentionProbe {
  const d = modelDims(arch, p);
  const batch = gridInputs(p);
  const tables = createTables(d);
  computeTables(weights, d, gemm, tables);
  const z1 = new Float32Array(batch.n * (d.nHeads * d.dHead + 1)).fill(1);
  const patternAtEquals = new Float32Array(batch.n * d.nHeads * 3);
  attend(batch, 0, batch.n, d, tables, z1, patternAtEquals);
  // The other two queries' patterns take half the time again: computed on first read, for neuron grids never.
  let attnPattern: Float32Array | undefined;
  return {
    get attnPattern() {
      return (attnPattern ??= fullAttentionPattern(weights, d, batch, tables, patternAtEquals, gemm));
    },
    patternAtEquals,
    z1,
    A_in: tables.A_in,
  };
}

/**
 * Neuron m's activation at "=" for every (a, b), from an AttentionProbe: post[i] = ReLU(z1[i]·A_in[:, m]),
 * summed in float64 (probeForward's GEMM sums in float32, so the two agree to float32 rounding). [p²]
 */
export function neuronActivationGrid({ z1, A_in }: AttentionProbe, dMlp: number, neuron: number): Float32Array {
  const K = A_in.length / dMlp;
  const column = new Float64Array(K);
  for (let k = 0; k < K; k++) column[k] = A_in[k * dMlp + neuron]!;
  const grid = new Float32Array(z1.length / K);
  for (let i = 0; i < grid.length; i++) {
    let pre = 0;
    for (let k = 0, base = i * K; k < K; k++) pre += z1[base + k]! * column[k]!;
    grid[i] = pre > 0 ? pre : 0;
  }
  return grid;
}

/**
 * attnPattern[i][head][query][key] for all three queries (zero above the diagonal), given the
 * engine's pattern of the query at "=", patternAtEquals[i][head][key]. [p², n_heads, 3, 3]
 */
function fullAttentionPattern(
  weights: ModelWeights,
  d: ModelDims,
  batch: Inputs,
  tables: Tables,
  patternAtEquals: Float32Array,
  gemm: Gemm,
): Float32Array {
  const { p, nHeads: H, dHead: E, dModel: D } = d;
  const R = tableRowCount(d);
  // Query 1 attends to keys 0 and 1 with its own query x1·W_Q[h], one per second token b:
  // query1[h][b] = rows[p + b]·W_Q[h]
  const query1 = new Float32Array(H * p * E);
  for (let h = 0; h < H; h++) {
    gemm.sgemm(
      false,
      false,
      p,
      E,
      D,
      1,
      tables.rows.subarray(p * D, 2 * p * D),
      D,
      weights.W_Q.subarray(h * D * E, (h + 1) * D * E),
      E,
      0,
      query1.subarray(h * p * E, (h + 1) * p * E),
      E,
    );
  }
  const scale = 1 / Math.sqrt(E);
  const attnPattern = new Float32Array(batch.n * H * 9);
  for (let i = 0; i < batch.n; i++) {
    const a = batch.a[i]!;
    const b = batch.b[i]!;
    for (let h = 0; h < H; h++) {
      const out = (i * H + h) * 9;
      attnPattern[out] = 1; // query 0 sees only key 0
      let s0 = 0;
      let s1 = 0;
      for (let e = 0; e < E; e++) {
        const q = query1[(h * p + b) * E + e]!;
        s0 += q * tables.keys[(h * R + a) * E + e]!;
        s1 += q * tables.keys[(h * R + p + b) * E + e]!;
      }
      s0 = Math.fround(s0) * scale;
      s1 = Math.fround(s1) * scale;
      const top = Math.max(s0, s1);
      const e0 = Math.exp(s0 - top);
      const e1 = Math.exp(s1 - top);
      attnPattern[out + 3] = e0 / (e0 + e1);
      attnPattern[out + 4] = e1 / (e0 + e1);
      attnPattern.set(patternAtEquals.subarray((i * H + h) * 3, (i * H + h + 1) * 3), out + 6);
    }
  }
  return attnPattern;
}

/**
 * Mean float64 cross-entropy of grid logits [p², p] over the given grid indices (all when omitted),
 * labelled by `operation`: the same loss training records.
 */
export function probeLoss(logits: Float32Array, p: number, operation: ModularOperation, indices?: ArrayLike<number>): number {
  const label = MODULAR_OPERATIONS[operation];
  const rows = indices ? Array.from(indices) : Array.from({ length: p * p }, (_, i) => i);
  const picked = new Float32Array(rows.length * p);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, k) => {
    picked.set(logits.subarray(row * p, (row + 1) * p), k * p);
    labels[k] = label(Math.floor(row / p), row % p, p);
  });
  return crossEntropy(picked, labels, rows.length, p);
}
