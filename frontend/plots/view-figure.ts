/**
 * Each view's figure from the data loaded for its variant: which keys of which file it reads and
 * which controls it follows. Pure; `VariantData` (frontend/api/variant-data.ts) is what loads the data.
 */
import type {
  AttentionSliceResponse,
  Decoded,
  EpochArtifactResponse,
  NeuronGridResponse,
  SummaryResponse,
  VariantDetail,
} from '../../shared/artifacts.ts';
import { attentionFrequencySpec, attentionHeadsSpec, attentionSpecializationSpec } from './attention.ts';
import { dimensionalityTrajectorySpec, singularValueSpectrumSpec } from './dimensionality.ts';
import { flatnessTrajectorySpec, perturbationSpec, type FlatnessMetric } from './flatness.ts';
import { dominantFrequenciesSpec } from './fourier.ts';
import { lossSpec } from './loss.ts';
import { activationSpec, frequencyClustersSpec, specializationByFrequencySpec, specializationTrajectorySpec } from './neurons.ts';
import { trajectory2dSpec, trajectory3dSpec, velocitySpec } from './trajectory.ts';
import {
  ATTENTION_FREQ_KEYS,
  ATTENTION_FREQ_SUMMARY_KEYS,
  DOMINANT_FREQUENCIES_KEYS,
  EFFECTIVE_DIMENSIONALITY_KEYS,
  EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS,
  LANDSCAPE_FLATNESS_KEYS,
  LANDSCAPE_FLATNESS_SUMMARY_KEYS,
  NEURON_FREQ_NORM_KEYS,
  NEURON_FREQ_NORM_SUMMARY_KEYS,
  pickEpochArrays,
  pickSeriesArrays,
  type CrossEpochTrajectory,
  type PlotSpec,
  type TrajectoryGroup,
  type WeightMatrixName,
} from './types.ts';
import type { ViewId } from './views.ts';

/** A per-epoch view's payload: an analyzer's epoch file, or a grid the server recomputed. */
export type EpochPayload = EpochArtifactResponse | Decoded<NeuronGridResponse> | Decoded<AttentionSliceResponse>;

/** What a per-epoch view shows: its payload (null: none at that epoch) and the epoch it belongs to. */
export interface EpochData {
  readonly epoch: number;
  readonly payload: EpochPayload | null;
}

/** Everything loaded for one variant; a summary or trajectory of null has no results. */
export interface ViewData {
  readonly detail: VariantDetail | null;
  readonly summaries: ReadonlyMap<string, SummaryResponse | null>;
  readonly trajectory: CrossEpochTrajectory | null;
  readonly epochData: ReadonlyMap<ViewId, EpochData>;
}

/** The selection's parts that figures follow (the page's VizSelection has them all). */
export interface FigureControls {
  readonly epoch: number | null;
  readonly neuron: number;
  readonly group: TrajectoryGroup;
  readonly sv: WeightMatrixName;
  readonly head: number;
  readonly metric: FlatnessMetric;
}

/**
 * The view's figure from what is loaded now. Time series carry the marker at the selected epoch;
 * per-epoch views are titled with their payload's epoch, which lags the selection while loading.
 */
export function viewFigure(id: ViewId, data: ViewData, controls: FigureControls): PlotSpec {
  const { epoch, neuron, group, sv, head, metric } = controls;
  const loaded = data.epochData.get(id);
  const shown = loaded?.epoch ?? 0;
  const arrays = (loaded?.payload as EpochArtifactResponse | null | undefined)?.arrays;
  const summary = (analyzer: string) => data.summaries.get(analyzer);
  switch (id) {
    case 'loss':
      return lossSpec(data.detail, data.detail?.analyzedEpochs ?? [], epoch);
    case 'freq':
      return dominantFrequenciesSpec(pickEpochArrays(arrays, DOMINANT_FREQUENCIES_KEYS), shown);
    case 'activation': {
      const grid = loaded?.payload as Decoded<NeuronGridResponse> | null | undefined;
      return activationSpec(grid ? { activations: grid.activations } : null, grid?.neuron ?? neuron, shown);
    }
    case 'clusters':
      return frequencyClustersSpec(pickEpochArrays(arrays, NEURON_FREQ_NORM_KEYS), shown);
    case 'spec-trajectory':
      return specializationTrajectorySpec(pickSeriesArrays(summary('neuron_freq_norm'), NEURON_FREQ_NORM_SUMMARY_KEYS), epoch);
    case 'spec-freq':
      return specializationByFrequencySpec(pickSeriesArrays(summary('neuron_freq_norm'), NEURON_FREQ_NORM_SUMMARY_KEYS), epoch);
    case 'attention': {
      const slice = loaded?.payload as Decoded<AttentionSliceResponse> | null | undefined;
      return attentionHeadsSpec(slice ? { patterns: slice.patterns } : null, { to: slice?.query ?? 2, from: slice?.key ?? 0 }, shown);
    }
    case 'attn-freq':
      return attentionFrequencySpec(pickEpochArrays(arrays, ATTENTION_FREQ_KEYS), shown);
    case 'attn-spec':
      return attentionSpecializationSpec(pickSeriesArrays(summary('attention_freq'), ATTENTION_FREQ_SUMMARY_KEYS), epoch);
    case 'trajectory':
    case 'trajectory-pc1-pc3':
    case 'trajectory-pc2-pc3':
      return trajectory2dSpec(id, data.trajectory, group, epoch);
    case 'trajectory-3d':
      return trajectory3dSpec(data.trajectory, group, epoch);
    case 'velocity':
      return velocitySpec(data.trajectory, epoch);
    case 'dim-trajectory':
      return dimensionalityTrajectorySpec(
        pickSeriesArrays(summary('effective_dimensionality'), EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS),
        epoch,
      );
    case 'sv-spectrum':
      return singularValueSpectrumSpec(pickEpochArrays(arrays, EFFECTIVE_DIMENSIONALITY_KEYS), sv, head, shown);
    case 'flatness-trajectory':
      return flatnessTrajectorySpec(pickSeriesArrays(summary('landscape_flatness'), LANDSCAPE_FLATNESS_SUMMARY_KEYS), metric, epoch);
    case 'perturbation':
      return perturbationSpec(pickEpochArrays(arrays, LANDSCAPE_FLATNESS_KEYS), shown);
  }
}
