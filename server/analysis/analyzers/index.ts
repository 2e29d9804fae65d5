/**
 * Every per-checkpoint analyzer this server implements, by the name family.json uses, as a factory:
 * each analysis run gets its own instances (landscape_flatness keeps its directions and helper
 * processes for the run).
 */
import type { Analyzer } from '../analyzer.ts';
import { attentionFreq } from './attention-freq.ts';
import { attentionPatterns } from './attention-patterns.ts';
import { coarseness } from './coarseness.ts';
import { dominantFrequencies } from './dominant-frequencies.ts';
import { effectiveDimensionality } from './effective-dimensionality.ts';
import { landscapeFlatness } from './landscape-flatness.ts';
import { neuronActivations } from './neuron-activations.ts';
import { neuronFreqNorm } from './neuron-freq-norm.ts';
import { parameterSnapshot } from './parameter-snapshot.ts';

export const ANALYZERS: ReadonlyMap<string, () => Analyzer> = new Map(
  [
    () => attentionFreq,
    () => attentionPatterns,
    () => dominantFrequencies,
    () => neuronActivations,
    () => neuronFreqNorm,
    () => parameterSnapshot,
    () => effectiveDimensionality,
    () => landscapeFlatness(),
    () => coarseness,
  ].map((create) => [create().name, create]),
);
