// Real engines for the test runner (vitest globalSetup: tools/test/global-engines.ts).
//
//   startEngines() -> { kafka: { brokers }, opensearch: { url }, postgres: { url, host, port, user, password } }
//     starts (or reuses) Kafka, OpenSearch and PostgreSQL through deploy/local/stack.mjs and sets
//     OBSERVATOIRE_TEST_KAFKA_BROKERS (comma-separated), OBSERVATOIRE_TEST_OPENSEARCH_URL, OBSERVATOIRE_TEST_PG_URL.
//   stopEngines()
//     stops only the engines this process started: engines a developer started by hand
//     (`npm run stack:up`) keep running.
//
// Env:
//   OBSERVATOIRE_TEST_KEEP_ENGINES=1  leave the engines this process started running (faster re-runs)
//   OBSERVATOIRE_TEST_EXTERNAL_ENGINES=1  do not start anything: use the three OBSERVATOIRE_TEST_* URLs as given
//   plus every variable of deploy/local/stack.mjs (OBSERVATOIRE_STACK_DIR, KAFKA_PORT, OPENSEARCH_PORT, PG_PORT, …)
import { down, up } from '../../deploy/local/stack.mjs';

let startedHere = [];

function plain(info) {
  // only serializable connection data (vitest `provide` clones it into the workers)
  return {
    kafka: { brokers: [...info.kafka.brokers] },
    opensearch: { url: info.opensearch.url },
    postgres: {
      url: info.postgres.url,
      host: info.postgres.host,
      port: info.postgres.port,
      user: info.postgres.user,
      password: info.postgres.password,
    },
  };
}

function fromEnv() {
  const brokers = process.env.OBSERVATOIRE_TEST_KAFKA_BROKERS;
  const os = process.env.OBSERVATOIRE_TEST_OPENSEARCH_URL;
  const pg = process.env.OBSERVATOIRE_TEST_PG_URL;
  if (!brokers || !os || !pg) {
    throw new Error(
      'OBSERVATOIRE_TEST_EXTERNAL_ENGINES=1 needs OBSERVATOIRE_TEST_KAFKA_BROKERS, OBSERVATOIRE_TEST_OPENSEARCH_URL and OBSERVATOIRE_TEST_PG_URL',
    );
  }
  const u = new URL(pg);
  return {
    kafka: { brokers: brokers.split(',').map((s) => s.trim()).filter(Boolean) },
    opensearch: { url: os },
    postgres: {
      url: pg,
      host: u.hostname,
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    },
  };
}

/**
 * @param {{ timeoutMs?: number, parallel?: boolean, quiet?: boolean }} [opts] passed to stack.up()
 */
export async function startEngines(opts = {}) {
  if (process.env.OBSERVATOIRE_TEST_EXTERNAL_ENGINES === '1') return fromEnv();
  const t0 = Date.now();
  const info = await up(undefined, opts);
  startedHere = Object.entries(info)
    .filter(([, v]) => v.started)
    .map(([k]) => k);
  const result = plain(info);
  process.env.OBSERVATOIRE_TEST_KAFKA_BROKERS = result.kafka.brokers.join(',');
  process.env.OBSERVATOIRE_TEST_OPENSEARCH_URL = result.opensearch.url;
  process.env.OBSERVATOIRE_TEST_PG_URL = result.postgres.url;
  if (!opts.quiet) {
    const how = startedHere.length ? `started ${startedHere.join(', ')}` : 'reused running engines';
    process.stderr.write(`[engines] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${how})\n`);
  }
  return result;
}

export async function stopEngines(opts = {}) {
  const names = startedHere;
  startedHere = [];
  if (!names.length || process.env.OBSERVATOIRE_TEST_KEEP_ENGINES === '1') return;
  await down(names, opts);
}
