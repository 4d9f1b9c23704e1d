#!/usr/bin/env node
// Smoke test of the local stack against the real engines, with the clients the services use:
//   - kafkajs 2.2.4: create topic, idempotent producer, consumer group, explicit offset commit, rejoin;
//   - @elastic/elasticsearch 8.19 through a Transport subclass (productCheck/vendoredHeaders off)
//     against OpenSearch: info, french analyzer + elision/asciifolding/french_stem via _analyze,
//     index/bulk/search/aggregation;
//   - psql: a query as the `observatoire` role over TCP.
// Usage: node deploy/local/smoke.mjs   (starts missing engines with up(), stops only those it started)
//        node deploy/local/smoke.mjs --keep   (leave them running)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, up } from './stack.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(REPO, 'package.json'));
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');
const { Client, Transport } = require('@elastic/elasticsearch');

const keep = process.argv.includes('--keep');
const results = [];
const t = () => Date.now();
async function check(name, fn) {
  const t0 = t();
  try {
    const detail = await fn();
    results.push({ name, ok: true, ms: t() - t0, detail });
    console.log(`ok   ${name} (${t() - t0} ms)${detail ? ` — ${detail}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false, ms: t() - t0, error: String(e?.stack || e) });
    console.log(`FAIL ${name}: ${e?.stack || e}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const info = await up();
const started = Object.entries(info)
  .filter(([, v]) => v.started)
  .map(([k]) => k);

// ------------------------------------------------------------------ Kafka / kafkajs
await check('kafkajs round trip (idempotent producer, group commit, rejoin)', async () => {
  const kafka = new Kafka({ clientId: 'stack-smoke', brokers: info.kafka.brokers, logLevel: logLevel.ERROR });
  const topic = `smoke-${process.pid}-${Date.now()}`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const batch = (from, n) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
  await producer.send({ topic, acks: -1, messages: batch(0, 10) });

  const consume = async (want) => {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = [];
    await new Promise((resolveP, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${seen.length}/${want} messages`)), 30000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic: tp, partition, message }) => {
            seen.push(message.value.toString());
            await consumer.commitOffsets([{ topic: tp, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (seen.length >= want) {
              clearTimeout(timer);
              resolveP();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return seen;
  };
  const first = await consume(10);
  assert(first.length === 10, `first consumer got ${first.length}`);
  await producer.send({ topic, acks: -1, messages: batch(10, 5) });
  const second = await consume(5);
  const expected = ['v10', 'v11', 'v12', 'v13', 'v14'];
  assert(second.length === 5 && second.every((v) => expected.includes(v)), `rejoined consumer got ${JSON.stringify(second)} (committed offsets not honoured?)`);
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = offsets[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
  assert(committed === 15, `committed offsets sum ${committed}`);
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  return `15 messages, committed offsets sum ${committed}, rejoin resumed at the commit`;
});

// ------------------------------------------------------------------ OpenSearch / @elastic/elasticsearch
// The snippet documented in deploy/local/README.md:
class OpenSearchCompatibleTransport extends Transport {
  constructor(opts) {
    super({ ...opts, productCheck: undefined, vendoredHeaders: undefined });
  }
}
const es = new Client({ node: info.opensearch.url, Transport: OpenSearchCompatibleTransport });

await check('@elastic/elasticsearch info() against OpenSearch', async () => {
  const r = await es.info();
  return `${r.version.distribution ?? 'elasticsearch'} ${r.version.number}, cluster ${r.cluster_name}`;
});

await check('_analyze: french analyzer and elision/asciifolding/french_stem filters (analysis-common)', async () => {
  const a = await es.indices.analyze({ analyzer: 'french', text: "L'économie des marchés publics bretons" });
  const tokens = a.tokens.map((x) => x.token);
  assert(tokens.includes('econom') || tokens.includes('économ'), `french analyzer tokens ${JSON.stringify(tokens)}`);
  const b = await es.indices.analyze({
    tokenizer: 'standard',
    filter: [{ type: 'elision', articles_case: true, articles: ['l', 'd'] }, 'lowercase', 'asciifolding', { type: 'stemmer', language: 'light_french' }],
    text: "L'Hôpital d'Armor",
  });
  const c = await es.indices.analyze({ tokenizer: 'standard', filter: ['lowercase', 'french_stem'], text: 'fournitures' });
  return `french: ${JSON.stringify(tokens)}; elision+asciifolding: ${JSON.stringify(b.tokens.map((x) => x.token))}; french_stem: ${JSON.stringify(c.tokens.map((x) => x.token))}`;
});

await check('@elastic/elasticsearch index management, bulk, search, aggregation', async () => {
  const index = `smoke-${process.pid}-${Date.now()}`;
  await es.indices.create({
    index,
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      analysis: {
        analyzer: {
          fr: { tokenizer: 'standard', filter: ['fr_elision', 'lowercase', 'asciifolding', 'fr_stem'] },
        },
        filter: {
          fr_elision: { type: 'elision', articles_case: true, articles: ['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't'] },
          fr_stem: { type: 'stemmer', language: 'light_french' },
        },
      },
    },
    mappings: { properties: { objet: { type: 'text', analyzer: 'fr' }, acheteur: { type: 'keyword' }, montant: { type: 'double' } } },
  });
  await es.bulk({
    refresh: true,
    operations: [
      { index: { _index: index, _id: '1' } },
      { objet: "Travaux d'électricité de l'école", acheteur: 'Rennes', montant: 120000 },
      { index: { _index: index, _id: '2' } },
      { objet: 'Fourniture de repas', acheteur: 'Brest', montant: 50000 },
      { index: { _index: index, _id: '3' } },
      { objet: 'Electricite des batiments', acheteur: 'Rennes', montant: 30000 },
    ],
  });
  const r = await es.search({
    index,
    query: { match: { objet: 'électricité' } },
    aggs: { par_acheteur: { terms: { field: 'acheteur' }, aggs: { total: { sum: { field: 'montant' } } } } },
  });
  const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total.value;
  assert(total === 2, `expected 2 hits, got ${total}`);
  const bucket = r.aggregations.par_acheteur.buckets[0];
  assert(bucket.key === 'Rennes' && bucket.total.value === 150000, `aggregation ${JSON.stringify(bucket)}`);
  await es.indices.delete({ index });
  return `2 hits for "électricité", Rennes total ${bucket.total.value}`;
});

// ------------------------------------------------------------------ PostgreSQL / psql
await check('psql query as observatoire over TCP', async () => {
  const r = spawnSync('psql', [info.postgres.url, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', "select current_user || ' ' || version()"], { encoding: 'utf8' });
  assert(r.status === 0, `psql exited ${r.status}: ${r.stderr}`);
  assert(r.stdout.startsWith('observatoire PostgreSQL'), r.stdout);
  return r.stdout.trim().split(' on ')[0];
});

await es.close();
if (!keep && started.length) await down(started);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
