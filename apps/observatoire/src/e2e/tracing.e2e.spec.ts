import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { fileInput, IngestFilesHandler } from '@observatoire/ingest';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Observatoire } from '../compose/observatoire';
import { BRETON_CSV, createDatabases, distributedConfig, embeddedConfig, startServices } from './support';
import { registerInMemoryTracing, SpanGraph, spanId, traceId } from './tracing-support';

// Registered before any observatory exists: the bus, the ingest handler and the consumers all use the global provider.
const tracing = registerInMemoryTracing();

const CONTRACTS_PUBLISH = `${TOPICS.contracts} publish`;
const CONTRACTS_PROCESS = `${TOPICS.contracts} process`;
const GROUPS = [CONSUMER_GROUPS.catalog, CONSUMER_GROUPS.search, CONSUMER_GROUPS.analytics];

const groupOf = (s: ReadableSpan) => String(s.attributes['messaging.consumer.group.name'] ?? '');
const linksTo = (consumer: ReadableSpan, producer: ReadableSpan) =>
  consumer.links.some((l) => l.context.traceId === traceId(producer) && l.context.spanId === spanId(producer));

/** Ingest the Breton CSV in the ingest app, wait for every consumer, and return the spans recorded meanwhile. */
async function ingestAndCollect(ingestApp: Observatoire, all: Observatoire[]): Promise<SpanGraph> {
  tracing.exporter.reset();
  const summary = await ingestApp.app.get(IngestFilesHandler).run([fileInput(BRETON_CSV)], { source: 'e2e-tracing', trigger: 'test' });
  expect(summary.published).toBeGreaterThan(0);
  for (const o of all) await o.drain(180_000);
  await tracing.provider.forceFlush();
  return new SpanGraph(tracing.exporter.getFinishedSpans());
}

/** Spans recorded below a group's contracts process spans, as "group > span name". */
function workInside(g: SpanGraph): Map<string, string[]> {
  const out = new Map<string, string[]>(GROUPS.map((gr) => [gr, []]));
  for (const p of g.named(CONTRACTS_PROCESS)) out.get(groupOf(p))?.push(...g.descendants(p).map((d) => d.name));
  return out;
}

function traceAssertions(profile: string, graph: () => SpanGraph, opts: { indexSpans: string[] }) {
  it(`${profile}: records the ingest file span and the producer spans of the contracts topic`, () => {
    const g = graph();
    expect(g.named('ingest file')).toHaveLength(1);
    const publishes = g.named(CONTRACTS_PUBLISH);
    expect(publishes.length).toBeGreaterThan(0);
    expect(publishes.every((s) => s.kind === SpanKind.PRODUCER)).toBe(true);
    console.log(`[${profile}] ${g.describe(g.named('ingest file')[0])}\n[${profile}] ${g.describe(publishes[0])}`);
    console.log(`[${profile}] inside the contracts process spans: ${JSON.stringify(Object.fromEntries([...workInside(g)].map(([k, v]) => [k, [...new Set(v)]])))}`);
  });

  it(`${profile}: the contracts producer spans are children of the "publish staged contracts" span of the run`, () => {
    const g = graph();
    const staged = g.named('publish staged contracts');
    expect(staged).toHaveLength(1);
    for (const pub of g.named(CONTRACTS_PUBLISH)) expect(g.isDescendant(pub, staged[0]), g.describe(pub)).toBe(true);
  });

  it(`${profile}: each consumer group's process span links to the contracts producer span`, () => {
    const g = graph();
    const publishes = g.named(CONTRACTS_PUBLISH);
    const processes = g.named(CONTRACTS_PROCESS);
    const producerIds = new Set(publishes.map(spanId));
    for (const group of GROUPS) {
      const mine = processes.filter((p) => groupOf(p) === group);
      expect(mine.length, `process spans of ${group}`).toBeGreaterThan(0);
      expect(mine.every((p) => p.kind === SpanKind.CONSUMER)).toBe(true);
      // every producer span is linked from one of the group's process spans, and every link points at a producer span
      for (const pub of publishes) expect(mine.some((p) => linksTo(p, pub)), `${group} links to ${spanId(pub)}`).toBe(true);
      for (const p of mine) {
        expect(p.links.length).toBeGreaterThan(0);
        for (const l of p.links) expect(producerIds.has(l.context.spanId), `${group} link ${l.context.spanId}`).toBe(true);
      }
    }
  });

  it(`${profile}: the catalog's work runs inside its process span (the organisations it resolves are published from it)`, () => {
    const g = graph();
    const catalog = g.named(CONTRACTS_PROCESS).filter((p) => groupOf(p) === CONSUMER_GROUPS.catalog);
    const orgPublishes = g.named(`${TOPICS.organisations} publish`);
    expect(orgPublishes.length).toBeGreaterThan(0);
    for (const o of orgPublishes) expect(catalog.some((p) => g.isDescendant(o, p)), g.describe(o)).toBe(true);
  });

  if (opts.indexSpans.length) {
    it(`${profile}: the search indexing requests (${opts.indexSpans.join(', ')}) are children of the search process span`, () => {
      const inside = new Set(workInside(graph()).get(CONSUMER_GROUPS.search));
      for (const name of opts.indexSpans) expect(inside.has(name), `search > ${name}`).toBe(true);
    });
  }

  /** One trace per ingest run: the file spans and the publication of the contracts share the `ingest run` root. */
  it(`${profile}: the contracts producer spans and the ingest file span belong to the same ingest run trace`, () => {
    const g = graph();
    const run = g.named('ingest run')[0];
    const file = g.named('ingest file')[0];
    expect(run, 'an ingest run span').toBeDefined();
    expect(g.isDescendant(file, run), g.describe(file)).toBe(true);
    for (const pub of g.named(CONTRACTS_PUBLISH)) {
      expect(traceId(pub), g.describe(pub)).toBe(traceId(file));
      expect(g.isDescendant(pub, run), g.describe(pub)).toBe(true);
    }
  });

  /** Each consumer records its database / index writes as a span below its `process` span. */
  it(`${profile}: every consumer group records its database / index writes as child spans of its process span`, () => {
    const inside = workInside(graph());
    for (const group of GROUPS) {
      const writes = (inside.get(group) ?? []).filter((name) => !name.endsWith(' publish'));
      expect(writes.length, `${group}: spans below process other than publishes`).toBeGreaterThan(0);
    }
  });
}

describe('one contract trace, from the ingest file to the consumers', () => {
  afterAll(async () => {
    await tracing.shutdown();
  });

  describe('embedded profile', () => {
    let obs: Observatoire;
    let graph: SpanGraph;

    beforeAll(async () => {
      const started = await startServices(embeddedConfig(), [['ingest', 'catalog', 'search', 'analytics']]);
      obs = started.apps[0];
      graph = await ingestAndCollect(obs, [obs]);
    });

    afterAll(async () => {
      await obs?.close();
    });

    traceAssertions('embedded', () => graph, { indexSpans: [] });

  });

  describe('distributed profile: Kafka (own namespace), PostgreSQL, OpenSearch', () => {
    let apps: Observatoire[] = [];
    let graph: SpanGraph;

    beforeAll(async () => {
      const engines = inject('engines');
      const ns = `trace${randomUUID().slice(0, 8)}`;
      const dbs = await createDatabases(engines.postgres.url, ns);
      const started = await startServices(distributedConfig(engines, dbs, ns), [['ingest'], ['catalog'], ['search'], ['analytics']]);
      apps = started.apps;
      expect(apps[0].bus.kind).toBe('kafka');
      graph = await ingestAndCollect(apps[0], apps);
    });

    afterAll(async () => {
      for (const a of apps) await a.close();
    });

    traceAssertions('distributed', () => graph, { indexSpans: ['bulk'] });

  });
});
