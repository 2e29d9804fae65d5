/**
 * The real app over HTTP for the pages' data controllers (VariantData, ReportData): synthetic
 * p = 11 variants of the modulo-addition family (random weights, three checkpoints, a short
 * training record, some analyzers run), served on a free port with every path asked for recorded,
 * and a stand-in for the page hosting a controller.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiClient } from '../../../frontend/api/client.ts';
import { analyzeVariant } from '../../../server/analysis/pipeline.ts';
import { createApp } from '../../../server/app.ts';
import type { Registry } from '../../../server/registry/registry.ts';
import { resolvePaths } from '../../../server/config.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from '../analysis/fixtures.ts';

export const EPOCHS = [0, 10, 20];
export const ANALYZERS = ['dominant_frequencies', 'neuron_freq_norm', 'parameter_trajectory'];

export interface ServedVariants {
  family: string;
  /** One variant per seed, in the order of the seeds. */
  variants: string[];
  client: ApiClient;
  /** Paths (with query) the server was asked for, in order. */
  asked: string[];
  /** Where the variants' folders are. */
  resultsDir: string;
  /** The app's registry (a test can make a variant appear in training with setActiveJobs). */
  registry: Registry;
  close(): Promise<void>;
}

/** Writes and analyzes a variant per seed, then serves the app on them. */
export async function serveSyntheticVariants(seeds: readonly number[]): Promise<ServedVariants> {
  const modulo = await moduloFamily();
  const resultsDir = await tempDir('served-variants-');
  const variants: string[] = [];
  for (const seed of seeds) {
    const synthetic = await writeSyntheticVariant(resultsDir, modulo, 11, EPOCHS, seed);
    await writeFile(
      synthetic.paths.metadata,
      JSON.stringify({
        train_losses: [2.4, 2.3, 2.2],
        test_losses: [2.5, 2.45, 2.4],
        num_epochs: 21,
        checkpoint_epochs: EPOCHS,
        data_seed: 598,
        training_fraction: 0.5,
        backend: 'native',
      }),
    );
    await analyzeVariant({ resultsDir, family: modulo, variant: synthetic.variant, analyzers: ANALYZERS });
    variants.push(synthetic.variant);
  }
  const { app, registry } = createApp({ paths: resolvePaths({ resultsDir }) });
  const asked: string[] = [];
  const counted = (request: Request) => {
    const url = new URL(request.url);
    asked.push(`${url.pathname}${url.search}`);
    return app.fetch(request);
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: counted, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  return {
    family: modulo.name,
    variants,
    client: new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    asked,
    resultsDir,
    registry,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The page's part for a controller under test: it counts the renders asked for, and can leave. */
export class TestHost implements ReactiveControllerHost {
  updates = 0;
  readonly updateComplete = Promise.resolve(true);
  private readonly controllers = new Set<ReactiveController>();

  addController(controller: ReactiveController): void {
    this.controllers.add(controller);
  }

  removeController(controller: ReactiveController): void {
    this.controllers.delete(controller);
  }

  requestUpdate(): void {
    this.updates++;
  }

  /** The page leaves the document. */
  disconnect(): void {
    for (const controller of this.controllers) controller.hostDisconnected?.();
  }
}
