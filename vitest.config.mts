import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Test tiers by file suffix:
 *  - `*.spec.ts`      pure units (no I/O beyond temp files), fast;
 *  - `*.int.spec.ts`  integration against real engines (Kafka, PostgreSQL, OpenSearch) and the embedded stores;
 *  - `*.e2e.spec.ts`  end-to-end flows across services, and browser tests in Chromium.
 * The engines are started once per run by tools/test/global-engines.ts (never per file).
 */
const swcPlugin = swc.vite({
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'es6' },
});

const exclude = ['**/node_modules/**', '**/dist/**', '.stack/**', 'data/**'];

export default defineConfig({
  plugins: [swcPlugin],
  test: {
    globals: true,
    reporters: ['default'],
    projects: [
      {
        plugins: [swcPlugin],
        test: {
          name: 'unit',
          globals: true,
          include: ['{libs,services,apps,tools}/**/*.spec.ts'],
          exclude: [...exclude, '**/*.int.spec.ts', '**/*.e2e.spec.ts'],
        },
      },
      {
        plugins: [swcPlugin],
        test: {
          name: 'integration',
          globals: true,
          include: ['{libs,services,apps,tools}/**/*.int.spec.ts'],
          exclude,
          globalSetup: ['tools/test/global-engines.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        plugins: [swcPlugin],
        test: {
          name: 'e2e',
          globals: true,
          include: ['{libs,services,apps,tools}/**/*.e2e.spec.ts'],
          exclude,
          globalSetup: ['tools/test/global-engines.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
