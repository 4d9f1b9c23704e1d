import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import request from 'supertest';
import { sampleContractEvent } from '../event-bus/event-bus.conformance';
import { EmbeddedEventLog } from '../event-bus/embedded/embedded-event-log';
import type { DeliveredEvent } from '../event-bus/event-bus.port';
import { loadConfig } from '../config/config';
import { InstrumentedEventBus, type ConsumerLogger } from '../ops/instrumented-event-bus';
import { Metrics } from '../ops/metrics';
import { OpsModule } from '../ops/ops.module';
import { ApiExceptionFilter, DomainError } from './error-codes';
import { consume, EventBusTransport } from './event-bus.transport';
import { PlatformModule } from './platform.module';

const TOPIC = 'transport.test.contracts';
const GROUP = 'transport-test';
const KEY = 'transport-key';

/** What the handler does with each event, set by each test. */
const behaviour = { fail: (_d: DeliveredEvent): void => undefined };

@Controller()
class FailingConsumer {
  @EventPattern(consume(TOPIC, GROUP))
  async onContracts(batch: DeliveredEvent[]) {
    for (const d of batch) behaviour.fail(d);
  }
}

/** The composition of apps/observatoire: global HTTP filter, microservice connected with inheritAppConfig. */
async function app(): Promise<{ app: INestApplication; bus: InstrumentedEventBus; transport: EventBusTransport; logs: { level: string; msg: string; obj: Record<string, unknown> }[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obs-transport-'));
  const logs: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const logger: ConsumerLogger = {
    info: (obj, msg) => void logs.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
    warn: (obj, msg) => void logs.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
    error: (obj, msg) => void logs.push({ level: 'error', msg, obj: obj as Record<string, unknown> }),
  };
  const metrics = new Metrics();
  const bus = new InstrumentedEventBus(new EmbeddedEventLog(join(dataDir, 'events')), metrics, logger);
  const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dataDir, OBSERVATOIRE_ADMIN_TOKENS: KEY });
  @Module({ imports: [PlatformModule.forRoot({ bus, config }), OpsModule.forRoot({ bus, metrics, dataDir, groups: { [GROUP]: [TOPIC] } })], controllers: [FailingConsumer] })
  class TransportTestModule {}
  const nest = await NestFactory.create(TransportTestModule as Type<unknown>, { logger: false });
  nest.setGlobalPrefix('api');
  nest.useGlobalFilters(new ApiExceptionFilter());
  const transport = new EventBusTransport(bus);
  nest.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await nest.init();
  await nest.startAllMicroservices();
  return { app: nest, bus, transport, logs };
}

describe('EventBusTransport error reporting', () => {
  let h: Awaited<ReturnType<typeof app>>;
  beforeEach(async () => {
    h = await app();
  });
  afterEach(async () => {
    await h.app.close();
    await h.bus.close();
  });

  it("records the failing handler's own error as the dead-letter reason, not the HTTP filter's TypeError", async () => {
    behaviour.fail = (d) => {
      if (d.event.aggregateId === 'POISON') throw new DomainError('CONTRACT_REJECTED', `le contrat ${d.event.aggregateId} est invalide`);
    };
    await h.bus.publish(TOPIC, [sampleContractEvent('GOOD'), sampleContractEvent('POISON')]);
    await h.transport.drain(60_000);
    const dead = await h.bus.deadLetters(TOPIC, GROUP);
    expect(dead).toHaveLength(1);
    expect(dead[0].reason).toBe('DomainError [CONTRACT_REJECTED]: le contrat POISON est invalide');
    expect(dead[0].reason).not.toMatch(/x-correlation-id/);
    expect(dead[0].errorCode).toBe('CONTRACT_REJECTED');
    expect(dead[0].errorStack).toMatch(/FailingConsumer|event-bus\.transport\.spec/);
    const logged = h.logs.find((l) => l.obj.event === 'consumer.dead_lettered');
    expect(logged).toMatchObject({ level: 'error', obj: { group: GROUP, topic: TOPIC, partition: 0, offset: '1', correlationId: 'corr-test', eventId: expect.any(String) } });
  });

  it('pauses on a transient error of the handler, reports it in readiness and the admin view, and resumes by itself', async () => {
    let down = true;
    behaviour.fail = () => {
      if (down) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    };
    await h.bus.publish(TOPIC, [sampleContractEvent('WAITS')]);
    await vi.waitFor(() => expect(h.bus.paused()).toHaveLength(1), { timeout: 10_000 });
    const health = await request(h.app.getHttpServer()).get('/api/health').expect(503);
    expect(health.body.checks.consumers).toMatchObject({ ok: false, detail: expect.stringContaining('sqlite unavailable') });
    const consumers = await request(h.app.getHttpServer()).get('/api/admin/consumers').set('Authorization', `Bearer ${KEY}`).expect(200);
    expect(consumers.body.groups[0]).toMatchObject({ group: GROUP, paused: [{ topic: TOPIC, partition: 0, offset: '0', dependency: 'sqlite', reason: 'Error [SQLITE_BUSY]: database is locked' }] });
    const metrics = await request(h.app.getHttpServer()).get('/api/metrics').expect(200);
    expect(metrics.text).toMatch(new RegExp(`observatoire_consumer_paused_partitions\\{topic="${TOPIC.replace(/\./g, '\\.')}",group="${GROUP}"\\} 1`));
    down = false;
    await h.transport.drain(60_000);
    expect(h.bus.paused()).toEqual([]);
    await request(h.app.getHttpServer()).get('/api/health').expect(200);
    expect(await h.bus.deadLetters(TOPIC, GROUP)).toEqual([]);
    const after = await request(h.app.getHttpServer()).get('/api/metrics').expect(200);
    expect(after.text).toMatch(/observatoire_consumer_retries_total\{topic="transport\.test\.contracts",group="transport-test",kind="transient"\} [1-9]/);
    expect(after.text).toMatch(/observatoire_consumer_paused_seconds_total\{topic="transport\.test\.contracts",group="transport-test"\} 0\.[0-9]*[1-9]|observatoire_consumer_paused_seconds_total\{[^}]*\} [1-9]/);
    expect(h.logs.map((l) => l.obj.event).filter((e) => e !== 'consumer.retry')).toEqual(['consumer.paused', 'consumer.resumed']);
  });
});
