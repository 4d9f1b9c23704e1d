import type { TestProject } from 'vitest/node';

/**
 * Development only, until tools/test/engines.mjs exists: provides `inject('engines')` from
 * CATALOG_TEST_PG_URL (a PostgreSQL you started yourself, see services/catalog/docs/catalog.md).
 */
export default function setup(project: TestProject): void {
  const url = process.env.CATALOG_TEST_PG_URL ?? 'postgres://observatoire:observatoire@127.0.0.1:54330/postgres';
  const parsed = new URL(url);
  project.provide('engines', {
    kafka: { brokers: [] },
    opensearch: { url: '' },
    postgres: { url, host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) },
  });
}
