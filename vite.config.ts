/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

/** Page elements built as stable, embeddable entries: dist/elements/<tag>.js. */
export const ELEMENT_ENTRIES = ['site-nav', 'training-page', 'analysis-run-page', 'viz-page', 'reports-page'] as const;

const elementSources: Record<(typeof ELEMENT_ENTRIES)[number], string> = {
  'site-nav': 'frontend/components/site-nav.ts',
  'training-page': 'frontend/pages/training-page.ts',
  'analysis-run-page': 'frontend/pages/analysis-run-page.ts',
  'viz-page': 'frontend/pages/viz-page.ts',
  'reports-page': 'frontend/pages/reports-page.ts',
};

export default defineConfig({
  root: 'frontend',
  base: '/',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: 'frontend/index.html', ...elementSources },
      // Element entries must keep their side effects (customElements.define) and a stable URL.
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) =>
          (ELEMENT_ENTRIES as readonly string[]).includes(chunk.name) ? 'elements/[name].js' : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8787', changeOrigin: true } },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: { name: 'unit', root: '.', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: '.',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
