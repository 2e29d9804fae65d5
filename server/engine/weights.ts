/**
 * The trainable weights of the 1-layer modular-addition transformer, with TransformerLens
 * `HookedTransformer` shapes and state-dict names (docs/ARCHITECTURE.md §5.2, §4.4).
 *
 * Every bias (b_Q, b_K, b_V, b_O, b_in, b_out, b_U) is frozen at zero, so the weights hold only
 * the W_ tensors; biases appear as zeros when a state dict is written, and a state dict whose
 * biases are not zero is refused when read (the engine's kernels assume zero biases).
 */
import type { Architecture } from '../../shared/family-schema.ts';
import type { Tensor, TensorMap } from '../storage/safetensors.ts';

/** Sizes of one model: the family architecture plus the variant's prime. */
export interface ModelDims {
  p: number;
  /** p + 1: tokens 0…p−1 are numbers, token p is "=". */
  dVocab: number;
  nCtx: number;
  nHeads: number;
  dModel: number;
  dHead: number;
  dMlp: number;
}

export function modelDims(arch: Pick<Architecture, 'n_heads' | 'd_model' | 'd_head' | 'd_mlp'>, p: number): ModelDims {
  return { p, dVocab: p + 1, nCtx: 3, nHeads: arch.n_heads, dModel: arch.d_model, dHead: arch.d_head, dMlp: arch.d_mlp };
}

/** Row-major float32 weights, TransformerLens shapes. */
export interface ModelWeights {
  /** embed.W_E [dVocab, dModel] */
  W_E: Float32Array;
  /** pos_embed.W_pos [nCtx, dModel] */
  W_pos: Float32Array;
  /** blocks.0.attn.W_Q [nHeads, dModel, dHead] */
  W_Q: Float32Array;
  /** blocks.0.attn.W_O [nHeads, dHead, dModel] */
  W_O: Float32Array;
  /** blocks.0.attn.W_K [nHeads, dModel, dHead] */
  W_K: Float32Array;
  /** blocks.0.attn.W_V [nHeads, dModel, dHead] */
  W_V: Float32Array;
  /** blocks.0.mlp.W_in [dModel, dMlp] */
  W_in: Float32Array;
  /** blocks.0.mlp.W_out [dMlp, dModel] */
  W_out: Float32Array;
  /** unembed.W_U [dModel, p] */
  W_U: Float32Array;
}

export type WeightName = keyof ModelWeights;

/** TransformerLens parameter registration order: the order of the seeded init draws. */
export const WEIGHT_NAMES: readonly WeightName[] = ['W_E', 'W_pos', 'W_Q', 'W_O', 'W_K', 'W_V', 'W_in', 'W_out', 'W_U'];

export const STATE_DICT_NAMES: Record<WeightName, string> = {
  W_E: 'embed.W_E',
  W_pos: 'pos_embed.W_pos',
  W_Q: 'blocks.0.attn.W_Q',
  W_O: 'blocks.0.attn.W_O',
  W_K: 'blocks.0.attn.W_K',
  W_V: 'blocks.0.attn.W_V',
  W_in: 'blocks.0.mlp.W_in',
  W_out: 'blocks.0.mlp.W_out',
  W_U: 'unembed.W_U',
};

export function weightShapes(d: ModelDims): Record<WeightName, number[]> {
  return {
    W_E: [d.dVocab, d.dModel],
    W_pos: [d.nCtx, d.dModel],
    W_Q: [d.nHeads, d.dModel, d.dHead],
    W_O: [d.nHeads, d.dHead, d.dModel],
    W_K: [d.nHeads, d.dModel, d.dHead],
    W_V: [d.nHeads, d.dModel, d.dHead],
    W_in: [d.dModel, d.dMlp],
    W_out: [d.dMlp, d.dModel],
    W_U: [d.dModel, d.p],
  };
}

/** The frozen zero biases, by state-dict name, in TransformerLens order. */
function biasShapes(d: ModelDims): Record<string, number[]> {
  return {
    'blocks.0.attn.b_Q': [d.nHeads, d.dHead],
    'blocks.0.attn.b_K': [d.nHeads, d.dHead],
    'blocks.0.attn.b_V': [d.nHeads, d.dHead],
    'blocks.0.attn.b_O': [d.dModel],
    'blocks.0.mlp.b_in': [d.dMlp],
    'blocks.0.mlp.b_out': [d.dModel],
    'unembed.b_U': [d.p],
  };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function zeroWeights(d: ModelDims): ModelWeights {
  const shapes = weightShapes(d);
  return Object.fromEntries(WEIGHT_NAMES.map((name) => [name, new Float32Array(size(shapes[name]))])) as unknown as ModelWeights;
}

export function cloneWeights(w: ModelWeights): ModelWeights {
  return Object.fromEntries(WEIGHT_NAMES.map((name) => [name, w[name].slice()])) as unknown as ModelWeights;
}

export function trainableParameterCount(d: ModelDims): number {
  const shapes = weightShapes(d);
  return WEIGHT_NAMES.reduce((total, name) => total + size(shapes[name]), 0);
}

/**
 * The full TransformerLens state dict: weights, zero biases, and the attention buffers
 * `mask` (lower-triangular bool [nCtx, nCtx]) and `IGNORE` (float32 scalar −∞), in module order.
 */
export function toStateDict(w: ModelWeights, d: ModelDims): TensorMap {
  const shapes = weightShapes(d);
  const biases = biasShapes(d);
  const weight = (name: WeightName): Tensor => ({ dtype: 'F32', shape: shapes[name], data: w[name] });
  const zeros = (name: string): Tensor => ({ dtype: 'F32', shape: biases[name]!, data: new Float32Array(size(biases[name]!)) });
  const mask = new Uint8Array(d.nCtx * d.nCtx);
  for (let q = 0; q < d.nCtx; q++) for (let k = 0; k <= q; k++) mask[q * d.nCtx + k] = 1;
  return {
    'embed.W_E': weight('W_E'),
    'pos_embed.W_pos': weight('W_pos'),
    'blocks.0.attn.W_Q': weight('W_Q'),
    'blocks.0.attn.W_O': weight('W_O'),
    'blocks.0.attn.b_Q': zeros('blocks.0.attn.b_Q'),
    'blocks.0.attn.b_O': zeros('blocks.0.attn.b_O'),
    'blocks.0.attn.W_K': weight('W_K'),
    'blocks.0.attn.W_V': weight('W_V'),
    'blocks.0.attn.b_K': zeros('blocks.0.attn.b_K'),
    'blocks.0.attn.b_V': zeros('blocks.0.attn.b_V'),
    'blocks.0.attn.mask': { dtype: 'BOOL', shape: [d.nCtx, d.nCtx], data: mask },
    'blocks.0.attn.IGNORE': { dtype: 'F32', shape: [], data: new Float32Array([-Infinity]) },
    'blocks.0.mlp.W_in': weight('W_in'),
    'blocks.0.mlp.b_in': zeros('blocks.0.mlp.b_in'),
    'blocks.0.mlp.W_out': weight('W_out'),
    'blocks.0.mlp.b_out': zeros('blocks.0.mlp.b_out'),
    'unembed.W_U': weight('W_U'),
    'unembed.b_U': zeros('unembed.b_U'),
  };
}

/**
 * Reads weights from a TransformerLens state dict (e.g. a checkpoint). Every W_ tensor must be
 * present, float32 and of the expected shape; biases may be absent but, when present, must be zero.
 * Other entries (buffers) are ignored.
 */
export function fromStateDict(tensors: TensorMap, d: ModelDims): ModelWeights {
  const shapes = weightShapes(d);
  const weights = {} as ModelWeights;
  for (const name of WEIGHT_NAMES) {
    const key = STATE_DICT_NAMES[name];
    const tensor = tensors[key];
    if (!tensor) throw new Error(`state dict has no ${key}`);
    if (tensor.dtype !== 'F32') throw new Error(`${key} is ${tensor.dtype}; expected F32`);
    if (tensor.shape.join(',') !== shapes[name].join(',')) {
      throw new Error(`${key} has shape [${tensor.shape}]; expected [${shapes[name]}] for p = ${d.p}`);
    }
    weights[name] = (tensor.data as Float32Array).slice();
  }
  for (const key of Object.keys(biasShapes(d))) {
    const bias = tensors[key];
    if (bias && (bias.data as Float32Array).some((v) => v !== 0)) {
      throw new Error(`${key} is not zero; this model keeps every bias frozen at zero`);
    }
  }
  return weights;
}
