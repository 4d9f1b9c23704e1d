import type { TestProject } from 'vitest/node';

/**
 * Starts the real engines (Kafka, PostgreSQL, OpenSearch) once for the whole run, through the
 * project's own scripts (deploy/local/stack.mjs), and stops those this run started.
 * Connection info reaches test files through `inject('engines')`.
 */
let stop: (() => Promise<void>) | undefined;

export default async function setup(project: TestProject) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engines = await import('./engines.mjs');
  const info = await engines.startEngines();
  project.provide('engines', info);
  stop = engines.stopEngines;
  return async () => {
    await stop?.();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    engines: {
      kafka: { brokers: string[] };
      opensearch: { url: string };
      postgres: { url: string; host: string; port: number; user: string; password: string };
    };
  }
}
