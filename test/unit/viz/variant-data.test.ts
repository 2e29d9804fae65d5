/**
 * The Visualization page's data layer against the real app over HTTP (a synthetic p = 11 variant
 * with three checkpoints, some analyzers run): a deep link's preload is used rather than asked
 * again, each view's payloads are cached and fetched once, a superseded request never lands,
 * neighbours are prefetched, a missing result is null, another variant aborts the first's, and a
 * variant in training is asked for again until it no longer trains.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VariantData } from '../../../frontend/api/variant-data.ts';
import { POSITION_PAIRS, type ViewId } from '../../../frontend/plots/index.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { EPOCHS, serveSyntheticVariants, TestHost, type ServedVariants } from './served-variants.ts';

let served: ServedVariants;
let family: string;
let variant: string;

beforeAll(async () => {
  served = await serveSyntheticVariants([1]);
  ({ family } = served);
  [variant] = served.variants as [string];
}, 60_000);

afterAll(() => served.close());

let data: VariantData;
/** The views whose data arrived, and the errors reported, as the page is told them. */
let changed: ViewId[];
let errors: string[];
const base = () => `/api/variants/${family}/${variant}`;
const times = (path: string) => served.asked.filter((p) => p === path).length;
const at = (epoch: number, neuron = 0, pair = 0) => ({ epoch, neuron, pair });

beforeEach(() => {
  served.asked.length = 0;
  changed = [];
  errors = [];
  data = new VariantData(new TestHost(), {
    api: () => served.client,
    onViews: (views) => changed.push(...views),
    onError: (message) => errors.push(message),
  });
});

describe('VariantData', () => {
  it('opens a variant from its deep-link preload, then loads only the analyzed summaries and the trajectory', async () => {
    data.preload(family, variant);
    expect(await data.open(family, variant)).toBe('opened');
    expect(data.detail?.analyzedEpochs).toEqual(EPOCHS);
    data.loadSeries();
    await expect.poll(() => changed.length).toBe(7);
    expect(new Set(changed)).toEqual(
      new Set(['spec-trajectory', 'spec-freq', 'trajectory', 'trajectory-3d', 'trajectory-pc1-pc3', 'trajectory-pc2-pc3', 'velocity']),
    );
    expect(data.summaries.get('neuron_freq_norm')?.epochs).toEqual(EPOCHS);
    expect(data.trajectory?.epochs).toEqual(EPOCHS);
    // Every request went out once, at preload time; the analyzers not run were asked (404) but never again.
    expect(times(base())).toBe(1);
    expect(times(`${base()}/summaries/neuron_freq_norm`)).toBe(1);
    expect(times(`${base()}/cross-epoch/parameter_trajectory`)).toBe(1);
    expect([data.hasData('spec-freq'), data.hasData('dim-trajectory'), data.hasData('freq')]).toEqual([true, false, false]);
    expect(errors).toEqual([]);
  });

  it('says when the variant does not exist, and drops a preload of another variant', async () => {
    data.preload(family, variant);
    expect(await data.open(family, `${family}_p11_seed404`)).toBe('not-found');
    expect(data.detail).toBeNull();
    expect(times(`/api/variants/${family}/${family}_p11_seed404`)).toBe(1);
  });

  it('caches each payload: a second load of the same view and point asks nothing, another neuron asks again', async () => {
    await data.open(family, variant);
    await data.loadEpochView('freq', at(10));
    expect(data.epochData.get('freq')?.epoch).toBe(10);
    expect(data.isLoading('freq')).toBe(false);
    await data.loadEpochView('freq', at(10));
    expect(times(`${base()}/artifacts/dominant_frequencies/epochs/10`)).toBe(1);

    await data.loadEpochView('activation', at(10, 3));
    await data.loadEpochView('activation', at(10, 4));
    await data.loadEpochView('activation', at(10, 3));
    expect(times(`${base()}/neurons/3/epochs/10`)).toBe(1);
    expect(times(`${base()}/neurons/4/epochs/10`)).toBe(1);
    expect(data.epochData.get('activation')?.payload).toMatchObject({ neuron: 3 });
    expect(changed.filter((id) => id === 'activation')).toHaveLength(3);
  });

  it('a later request for a view supersedes an earlier one, which never lands', async () => {
    await data.open(family, variant);
    const first = data.loadEpochView('attention', at(0, 0, 0));
    expect(data.isLoading('attention')).toBe(true);
    const second = data.loadEpochView('attention', at(20, 0, 1));
    await Promise.all([first, second]);
    const { to, from } = POSITION_PAIRS[1]!;
    expect(data.epochData.get('attention')).toMatchObject({ epoch: 20, payload: { query: to, key: from } });
    expect(changed.filter((id) => id === 'attention')).toHaveLength(1);
    expect(data.isLoading('attention')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a result that does not exist is null, and cached as such', async () => {
    await data.open(family, variant);
    await data.loadEpochView('perturbation', at(10));
    await data.loadEpochView('perturbation', at(0));
    await data.loadEpochView('perturbation', at(10));
    expect(data.epochData.get('perturbation')).toEqual({ epoch: 10, payload: null });
    expect(times(`${base()}/artifacts/landscape_flatness/epochs/10`)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('prefetches the neighbouring checkpoints, the recomputed ones once the epoch stays put', async () => {
    await data.open(family, variant);
    await data.loadEpochView('freq', at(10));
    await data.loadEpochView('activation', at(10));
    data.prefetchNeighbours(['freq', 'activation'], at(10));
    await expect.poll(() => [0, 20].map((epoch) => times(`${base()}/neurons/0/epochs/${epoch}`))).toEqual([1, 1]);
    expect([0, 20].map((epoch) => times(`${base()}/artifacts/dominant_frequencies/epochs/${epoch}`))).toEqual([1, 1]);
    await data.loadEpochView('freq', at(20));
    await data.loadEpochView('activation', at(20));
    expect(times(`${base()}/artifacts/dominant_frequencies/epochs/20`)).toBe(1);
    expect(times(`${base()}/neurons/0/epochs/20`)).toBe(1);
  });

  it('an epoch change before the delay cancels the recomputed prefetch', async () => {
    await data.open(family, variant);
    await data.loadEpochView('activation', at(10));
    data.prefetchNeighbours(['activation'], at(10));
    data.abortPrefetches(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(served.asked.filter((path) => path.includes('/neurons/'))).toEqual([`${base()}/neurons/0/epochs/10`]);
  });

  it('opening another variant aborts the first: its detail never lands', async () => {
    const first = data.open(family, variant);
    data.close();
    expect(await first).toBe('superseded');
    expect(data.detail).toBeNull();
  });
});

describe('VariantData following a variant in training', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const variantsPath = () => `/api/families/${family}/variants`;
  let training: boolean;
  let states: string[];
  let host: TestHost;

  beforeEach(() => {
    training = true;
    states = [];
    served.registry.setActiveJobs({ activeJobKind: (f, v) => (training && f === family && v === variant ? 'train' : undefined) });
    host = new TestHost();
    data = new VariantData(host, {
      api: () => served.client,
      onViews: (views) => changed.push(...views),
      onError: (message) => errors.push(message),
      onVariants: (variants) => states.push(variants.find((v) => v.name === variant)?.state ?? 'gone'),
      refreshMs: 20,
    });
  });

  afterEach(() => data.close());

  it('asks for the detail again while the variant trains, so the loss curve grows, then once more when it no longer does', async () => {
    const { metadata } = variantPaths(served.resultsDir, family, variant);
    const record = JSON.parse(await readFile(metadata, 'utf8')) as { train_losses: number[]; test_losses: number[] };
    try {
      await data.open(family, variant);
      data.followTraining();
      await expect.poll(() => changed).toContain('loss');
      expect(times(base())).toBeGreaterThanOrEqual(2);
      expect(host.updates).toBeGreaterThan(0);
      // The run reaches another checkpoint.
      await writeFile(
        metadata,
        JSON.stringify({ ...record, train_losses: [...record.train_losses, 2.1], test_losses: [...record.test_losses, 2.3] }),
      );
      await expect.poll(() => data.detail?.trainLosses).toEqual([2.4, 2.3, 2.2, 2.1]);
      training = false;
      await expect.poll(() => states.at(-1)).not.toBe('training');
      await sleep(100);
      const [details, lists] = [times(base()), times(variantsPath())];
      await sleep(100);
      expect([times(base()), times(variantsPath())]).toEqual([details, lists]);
      expect(states.filter((state) => state !== 'training')).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await writeFile(metadata, JSON.stringify(record));
    }
  });

  it('stops when another variant is opened or the page leaves', async () => {
    await data.open(family, variant);
    data.followTraining();
    await data.open(family, variant);
    data.followTraining();
    host.disconnect();
    await sleep(100);
    expect(times(variantsPath())).toBe(0);
    expect(times(base())).toBe(2);
    expect(errors).toEqual([]);
  });
});
