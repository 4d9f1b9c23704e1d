import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module, Param, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { sampleContractEvent } from '../event-bus/event-bus.conformance';
import { EmbeddedEventLog } from '../event-bus/embedded/embedded-event-log';
import type { DeliveredEvent, EventBus, Subscription } from '../event-bus/event-bus.port';
import { ApiExceptionFilter } from '../nest/error-codes';
import { PlatformModule } from '../nest/platform.module';
import { loadConfig } from '../config/config';
import { InstrumentedEventBus } from './instrumented-event-bus';
import { Metrics } from './metrics';
import { OpsModule, redriveCursorFile } from './ops.module';
import { BusOperations, type OpsLogger } from './bus-operations';
import { redriveCursorGroup } from './redrive-cursor.store';

const TOPIC = 'ops.test.contracts';
const GROUP = 'ops-test-projection';
const DLQ = `${TOPIC}.dlq.${GROUP}`;
const KEY = 'ops-secret-key';
const auth = { Authorization: `Bearer ${KEY}` };

@Controller('things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

interface Harness {
  app: INestApplication;
  bus: InstrumentedEventBus;
  raw: EmbeddedEventLog;
  metrics: Metrics;
  logs: Record<string, unknown>[];
  /** The projection's consumer: fails on aggregates starting with POISON while `broken`. */
  consumer: { broken: boolean; seen: string[]; sub: Subscription | null };
  dataDir: string;
}

async function harness(opts: { dataDir?: string; busForOps?: (h: { raw: EmbeddedEventLog; bus: InstrumentedEventBus }) => EventBus } = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'obs-ops-'));
  const raw = new EmbeddedEventLog(join(dataDir, 'events'));
  const metrics = new Metrics();
  const bus = new InstrumentedEventBus(raw, metrics);
  const logs: Record<string, unknown>[] = [];
  const logger: OpsLogger = { info: (o, msg) => void logs.push({ level: 'info', msg, ...o }), warn: (o, msg) => void logs.push({ level: 'warn', msg, ...o }) };
  const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dataDir, OBSERVATOIRE_ADMIN_TOKENS: KEY });

  @Module({
    imports: [PlatformModule.forRoot({ bus, config }), OpsModule.forRoot({ bus: opts.busForOps?.({ raw, bus }) ?? bus, metrics, dataDir, logger, groups: { [GROUP]: [TOPIC] } })],
    controllers: [ThingsController],
  })
  class TestModule {}

  const app = await NestFactory.create(TestModule as Type<unknown>, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.init();
  const consumer: Harness['consumer'] = { broken: true, seen: [], sub: null };
  consumer.sub = await bus.subscribe({
    group: GROUP,
    topics: [TOPIC],
    maxAttempts: 2,
    retryBackoffMs: 5,
    handler: async (batch: DeliveredEvent[]) => {
      for (const d of batch) if (consumer.broken && d.event.aggregateId.startsWith('POISON')) throw new Error(`cannot project ${d.event.aggregateId}`);
      consumer.seen.push(...batch.map((d) => d.event.aggregateId));
    },
  });
  return { app, bus, raw, metrics, logs, consumer, dataDir };
}

async function close(h: Harness) {
  await h.app.close();
  await h.bus.close();
}

function metricValue(text: string, name: string, labels: Record<string, string>): number | null {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe('ops: metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => close(h));

  it('counts published, handled and dead-lettered events and exposes them at /api/metrics', async () => {
    await h.bus.publish(TOPIC, [sampleContractEvent('OK-1'), sampleContractEvent('OK-2')]);
    await h.consumer.sub!.drain(10_000);
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1')]);
    await h.consumer.sub!.drain(10_000);

    const res = await request(h.app.getHttpServer()).get('/api/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(metricValue(res.text, 'observatoire_events_published_total', { topic: TOPIC })).toBe(3);
    expect(metricValue(res.text, 'observatoire_events_consumed_total', { topic: TOPIC, group: GROUP, outcome: 'handled' })).toBe(2);
    expect(metricValue(res.text, 'observatoire_events_consumed_total', { topic: TOPIC, group: GROUP, outcome: 'dead_lettered' })).toBe(1);
    expect(metricValue(res.text, 'observatoire_consumer_lag', { topic: TOPIC, group: GROUP })).toBe(0);
    expect(metricValue(res.text, 'observatoire_dlq_size', { topic: TOPIC, group: GROUP })).toBe(1);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('times HTTP requests by route template, not by raw URL', async () => {
    await request(h.app.getHttpServer()).get('/api/things/abc').expect(200);
    await request(h.app.getHttpServer()).get('/api/things/def').expect(200);
    const res = await request(h.app.getHttpServer()).get('/api/metrics').expect(200);
    expect(metricValue(res.text, 'observatoire_http_request_duration_seconds_count', { method: 'GET', route: '/api/things/:id', status: '200' })).toBe(2);
    expect(res.text).not.toContain('/api/things/abc');
  });

  it('offers a generic counter for ingested records', async () => {
    h.metrics.ingestRecords('quarantined', 3);
    h.metrics.ingestRecords('accepted');
    const text = await h.metrics.exposition();
    expect(metricValue(text, 'observatoire_ingest_records_total', { outcome: 'quarantined' })).toBe(3);
    expect(metricValue(text, 'observatoire_ingest_records_total', { outcome: 'accepted' })).toBe(1);
  });
});

describe('ops: admin endpoints', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => close(h));

  it('refuses every admin operation without an admin key', async () => {
    const server = h.app.getHttpServer();
    for (const [method, path] of [
      ['get', '/api/admin/consumers'],
      ['get', `/api/admin/dlq/${TOPIC}/${GROUP}`],
      ['post', `/api/admin/dlq/${TOPIC}/${GROUP}/redrive`],
      ['post', `/api/admin/replay/${GROUP}`],
    ] as const) {
      const res = await request(server)[method](path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    await request(server).get('/api/admin/consumers').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('lists the consumer groups with their lag and dead letters', async () => {
    await h.bus.publish(TOPIC, [sampleContractEvent('OK-1'), sampleContractEvent('POISON-1')]);
    await h.consumer.sub!.drain(10_000);
    const res = await request(h.app.getHttpServer()).get('/api/admin/consumers').set(auth).expect(200);
    const g = (res.body.groups as { group: string; local: string; topics: { topic: string; lag: number; deadLetters: number }[] }[]).find((x) => x.group === GROUP)!;
    expect(g.local).toBe('running');
    expect(g.topics).toEqual([expect.objectContaining({ topic: TOPIC, lag: 0, deadLetters: 1 })]);
  });

  it('shows a poison event in the dead letters with the reason it failed', async () => {
    const poison = sampleContractEvent('POISON-7');
    await h.bus.publish(TOPIC, [poison]);
    await h.consumer.sub!.drain(10_000);
    const res = await request(h.app.getHttpServer()).get(`/api/admin/dlq/${TOPIC}/${GROUP}?limit=10`).set(auth).set('x-correlation-id', 'corr-ops-1').expect(200);
    expect(res.body.count).toBe(1);
    expect(res.body.deadLetters[0]).toMatchObject({
      offset: '0',
      key: 'POISON-7',
      reason: 'Error: cannot project POISON-7',
      attempts: 2,
      originalTopic: TOPIC,
      eventType: 'ContractPublished',
      eventId: poison.eventId,
      redriven: false,
    });
    expect(h.logs).toContainEqual(expect.objectContaining({ operation: 'dlq.inspect', correlationId: 'corr-ops-1', topic: TOPIC, group: GROUP, count: 1 }));
    const metrics = await h.metrics.exposition();
    expect(metricValue(metrics, 'observatoire_admin_operations_total', { operation: 'dlq.inspect' })).toBe(1);
  });

  it('re-drives dead letters once, and the fixed consumer handles them', async () => {
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1')]);
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-2')]);
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toEqual([]);
    h.consumer.broken = false; // the fix is deployed

    const first = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(first.body).toMatchObject({ redriven: 2, offsets: ['0', '1'], cursor: '2' });
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen.sort()).toEqual(['POISON-1', 'POISON-2']);

    const second = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(second.body).toMatchObject({ redriven: 0, offsets: [], cursor: '2' });
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toHaveLength(2);

    const dlq = await request(h.app.getHttpServer()).get(`/api/admin/dlq/${TOPIC}/${GROUP}`).set(auth).expect(200);
    expect(dlq.body.deadLetters.map((d: { redriven: boolean }) => d.redriven)).toEqual([true, true]);
    expect(h.logs).toContainEqual(expect.objectContaining({ operation: 'dlq.redrive', via: 'admin-api', actor: 'api-key:ops-…', redriven: 2 }));
  });

  it('keeps the re-drive cursor across restarts of the process', async () => {
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1')]);
    await h.consumer.sub!.drain(10_000);
    h.consumer.broken = false;
    await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    await h.consumer.sub!.drain(10_000);
    const { dataDir } = h;
    await close(h);
    h = await harness({ dataDir }); // same data directory, new process
    const again = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(again.body).toMatchObject({ redriven: 0, cursor: '1' });
    // The cursor lives in the event log (the `<group>.redrive` group's position on the DLQ), not in a file of the data directory.
    expect(await h.raw.readCursor(redriveCursorGroup(GROUP), DLQ)).toBe(1n);
    expect(existsSync(redriveCursorFile(dataDir))).toBe(false);
  });

  it('migrates a legacy cursor file once: used while the log has no cursor, then left alone', async () => {
    const { dataDir } = h;
    await close(h);
    const legacy = JSON.stringify({ [DLQ]: '1', 'other.dlq.group': '7' }, null, 2);
    mkdirSync(join(dataDir, 'ops'), { recursive: true });
    writeFileSync(redriveCursorFile(dataDir), legacy);
    h = await harness({ dataDir });
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1')]);
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-2')]);
    await h.consumer.sub!.drain(10_000);
    h.consumer.broken = false;

    const before = await request(h.app.getHttpServer()).get(`/api/admin/dlq/${TOPIC}/${GROUP}`).set(auth).expect(200);
    expect(before.body.deadLetters.map((d: { redriven: boolean }) => d.redriven)).toEqual([true, false]);
    const first = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(first.body).toMatchObject({ redriven: 1, offsets: ['1'], cursor: '2' }); // POISON-1 was re-driven before the migration
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toEqual(['POISON-2']);
    expect(await h.raw.readCursor(redriveCursorGroup(GROUP), DLQ)).toBe(2n);
    expect(readFileSync(redriveCursorFile(dataDir), 'utf8')).toBe(legacy);

    // From now on the log's cursor rules, whatever the file says.
    writeFileSync(redriveCursorFile(dataDir), JSON.stringify({ [DLQ]: '0' }));
    const second = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(second.body).toMatchObject({ redriven: 0, cursor: '2' });
  });

  it('moves a legacy cursor into the log even when nothing is left to re-drive', async () => {
    const { dataDir } = h;
    await close(h);
    mkdirSync(join(dataDir, 'ops'), { recursive: true });
    writeFileSync(redriveCursorFile(dataDir), JSON.stringify({ [DLQ]: '5' })); // beyond the DLQ: capped at its size
    h = await harness({ dataDir });
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1')]);
    await h.consumer.sub!.drain(10_000);
    const res = await request(h.app.getHttpServer()).post(`/api/admin/dlq/${TOPIC}/${GROUP}/redrive`).set(auth).expect(200);
    expect(res.body).toMatchObject({ redriven: 0, cursor: '1' });
    expect(await h.raw.readCursor(redriveCursorGroup(GROUP), DLQ)).toBe(1n);
  });

  it('re-drives at least once when two operations race on one DLQ, and the cursor ends past every letter', async () => {
    await h.bus.publish(TOPIC, [sampleContractEvent('POISON-1'), sampleContractEvent('POISON-2')]);
    await h.consumer.sub!.drain(10_000);
    h.consumer.broken = false;
    // Two BusOperations do not share their in-process serialisation: like two processes on one log.
    const logger: OpsLogger = { info: () => undefined, warn: (o, msg) => void h.logs.push({ level: 'warn', msg, ...o }) };
    const [ops, other] = [1, 2].map(() => new BusOperations(h.bus, { metrics: h.metrics, logger, groups: { [GROUP]: [TOPIC] } }));
    const [a, b] = await Promise.all([ops.redrive(TOPIC, GROUP, { via: 'test' }), other.redrive(TOPIC, GROUP, { via: 'test' })]);
    expect(a.redriven + b.redriven).toBeGreaterThanOrEqual(2);
    expect([a.cursor, b.cursor]).toEqual(['2', '2']);
    // The one whose conditional write lost says so (when both sent the letters).
    const warnings = h.logs.filter((l) => l.level === 'warn' && /at the same time/.test(String(l.msg)));
    expect(warnings).toHaveLength(a.redriven + b.redriven > 2 ? 1 : 0);
    await h.consumer.sub!.drain(10_000);
    expect(new Set(h.consumer.seen)).toEqual(new Set(['POISON-1', 'POISON-2']));
    expect(await h.raw.readCursor(redriveCursorGroup(GROUP), DLQ)).toBe(2n);
    expect((await ops.redrive(TOPIC, GROUP, { via: 'test' })).redriven).toBe(0);
  });

  it('replays a group: its consumer is stopped, reset and restarted, and sees everything again', async () => {
    h.consumer.broken = false;
    await h.bus.publish(TOPIC, [sampleContractEvent('A'), sampleContractEvent('B')]);
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toEqual(['A', 'B']);

    const res = await request(h.app.getHttpServer()).post(`/api/admin/replay/${GROUP}`).set(auth).expect(202);
    expect(res.body).toMatchObject({ group: GROUP, topics: [TOPIC], mode: 'restarted' });
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toEqual(['A', 'B', 'A', 'B']);

    await h.bus.publish(TOPIC, [sampleContractEvent('C')]);
    await h.consumer.sub!.drain(10_000);
    expect(h.consumer.seen).toEqual(['A', 'B', 'A', 'B', 'C']);
  });

  it('answers 409 OPS_CONSUMER_RUNNING when the group runs where it cannot be stopped', async () => {
    await close(h);
    // The admin API sees the bare adapter: the consumer runs, but not through this process's instrumented bus.
    h = await harness({ busForOps: ({ raw }) => raw });
    const res = await request(h.app.getHttpServer()).post(`/api/admin/replay/${GROUP}`).set(auth).expect(409);
    expect(res.body).toMatchObject({ code: 'OPS_CONSUMER_RUNNING' });
    expect(res.body.message).toMatch(/observatoire replay --group/);
    expect(res.body.correlationId).toBeTruthy();
  });

  it('answers 404 for a group it does not know', async () => {
    const res = await request(h.app.getHttpServer()).get('/api/admin/dlq/x/unknown-group').set(auth).expect(404);
    expect(res.body.code).toBe('OPS_UNKNOWN_GROUP');
  });
});
