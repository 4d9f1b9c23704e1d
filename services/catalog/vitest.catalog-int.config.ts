import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Development config: the catalog's integration tests against a PostgreSQL given by CATALOG_TEST_PG_URL
 * (the repository's run uses vitest.config.ts at the root and tools/test/global-engines.ts).
 *   npx vitest run -c services/catalog/vitest.catalog-int.config.ts
 */
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
      module: { type: 'es6' },
    }),
  ],
  test: {
    globals: true,
    root: __dirname,
    include: ['**/*.int.spec.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/support/local-engines.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
