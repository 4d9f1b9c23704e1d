import type { TestProject } from 'vitest/node';
import type { EngineInfo } from './engines.mjs';

/**
 * Provides the real engines (Kafka, PostgreSQL, OpenSearch) to integration and end-to-end tests.
 * `npm test` (tools/test/run-all.mjs) starts them once and passes their addresses in
 * OBSERVATOIRE_TEST_ENGINES; a test file run alone starts them here through the project's own
 * scripts (deploy/local/stack.mjs) and stops what it started.
 */
export default async function setup(project: TestProject) {
  const given = process.env.OBSERVATOIRE_TEST_ENGINES;
  if (given) {
    project.provide('engines', JSON.parse(given) as EngineInfo);
    return;
  }
  const engines = await import('./engines.mjs');
  const info = await engines.startEngines();
  project.provide('engines', info);
  return async () => {
    await engines.stopEngines();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineInfo;
  }
}
