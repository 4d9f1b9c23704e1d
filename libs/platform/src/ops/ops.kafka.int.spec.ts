import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { sampleContractEvent } from '../event-bus/event-bus.conformance';
import type { DeliveredEvent } from '../event-bus/event-bus.port';
import { KafkaEventBus } from '../event-bus/kafka/kafka-event-bus';
import { BusOperations, type OpsLogger } from './bus-operations';
import { InstrumentedEventBus } from './instrumented-event-bus';
import { Metrics } from './metrics';
import { redriveCursorGroup } from './redrive-cursor.store';

const brokers = inject('engines').kafka.brokers;
const silent: OpsLogger = { info: () => undefined, warn: () => undefined };

describe('ops on real Kafka', () => {
  it('re-drives dead letters once to a fixed consumer, then replays its group from the beginning', async () => {
    const run = randomUUID().slice(0, 8);
    const topic = 'ops.contracts';
    const group = 'ops-projection';
    const metrics = new Metrics();
    const bus = new InstrumentedEventBus(new KafkaEventBus({ brokers, clientId: `ops-int-${run}`, namespace: `ops-${run}`, partitions: 2 }), metrics);
    const ops = new BusOperations(bus, { metrics, logger: silent, groups: { [group]: [topic] } });
    let broken = true;
    const seen: string[] = [];
    try {
      await bus.ensureTopics([topic], [group]);
      const sub = await bus.subscribe({
        group,
        topics: [topic],
        maxAttempts: 2,
        retryBackoffMs: 10,
        handler: async (batch: DeliveredEvent[]) => {
          for (const d of batch) if (broken && d.event.aggregateId.startsWith('POISON')) throw new Error(`cannot project ${d.event.aggregateId}`);
          seen.push(...batch.map((d) => d.event.aggregateId));
        },
      });
      await bus.publish(topic, [sampleContractEvent('OK-1'), sampleContractEvent('POISON-1')]);
      await sub.drain(60_000);
      expect(seen).toEqual(['OK-1']);

      const dead = await ops.inspectDeadLetters(topic, group, 10, { via: 'test' });
      expect(dead).toEqual([expect.objectContaining({ key: 'POISON-1', reason: 'Error: cannot project POISON-1', eventType: 'ContractPublished', redriven: false })]);

      broken = false;
      const first = await ops.redrive(topic, group, { via: 'test' });
      expect(first.redriven).toBe(1);
      await sub.drain(60_000);
      expect(seen.sort()).toEqual(['OK-1', 'POISON-1']);
      const second = await ops.redrive(topic, group, { via: 'test' });
      expect(second.redriven).toBe(0);

      const replay = await ops.replay(group, { via: 'test' });
      expect(replay.mode).toBe('restarted');
      await sub.drain(60_000);
      expect(seen.filter((s) => s === 'OK-1')).toHaveLength(2);
      expect(seen.filter((s) => s === 'POISON-1')).toHaveLength(3); // the original and its re-driven copy, both in the log
      const text = await metrics.exposition();
      expect(text).toMatch(/observatoire_events_consumed_total\{topic="ops.contracts",group="ops-projection",outcome="dead_lettered"\} 1/);
    } finally {
      await bus.close();
    }
  });

  it('shares the re-drive cursor between processes through the log: the second re-drives nothing after the first', async () => {
    const run = randomUUID().slice(0, 8);
    const topic = 'ops.contracts';
    const group = 'ops-projection';
    const namespace = `ops2-${run}`;
    const groups = { [group]: [topic] };
    // Two "processes": each its own Kafka client, metrics and BusOperations, and no data directory at all.
    const processes = [1, 2].map((n) => {
      const metrics = new Metrics();
      const bus = new InstrumentedEventBus(new KafkaEventBus({ brokers, clientId: `ops-int-${run}-p${n}`, namespace, partitions: 2 }), metrics);
      return { bus, ops: new BusOperations(bus, { metrics, logger: silent, groups }) };
    });
    const [a, b] = processes;
    const seen: string[] = [];
    let broken = true;
    try {
      await a.bus.ensureTopics([topic], [group]);
      const sub = await a.bus.subscribe({
        group,
        topics: [topic],
        maxAttempts: 1,
        retryBackoffMs: 10,
        handler: async (batch: DeliveredEvent[]) => {
          for (const d of batch) if (broken && d.event.aggregateId.startsWith('POISON')) throw new Error(`cannot project ${d.event.aggregateId}`);
          seen.push(...batch.map((d) => d.event.aggregateId));
        },
      });
      await a.bus.publish(topic, [sampleContractEvent('POISON-1'), sampleContractEvent('POISON-2')]);
      await sub.drain(60_000);
      expect(await b.ops.inspectDeadLetters(topic, group, 10, { via: 'test' })).toHaveLength(2);
      broken = false;

      const first = await a.ops.redrive(topic, group, { via: 'test' });
      expect(first).toMatchObject({ redriven: 2, cursor: '2' });
      const second = await b.ops.redrive(topic, group, { via: 'test' });
      expect(second).toMatchObject({ redriven: 0, offsets: [], cursor: '2' });
      expect((await b.ops.inspectDeadLetters(topic, group, 10, { via: 'test' })).map((d) => d.redriven)).toEqual([true, true]);
      const status = (await b.ops.consumers({ via: 'test' })).find((c) => c.group === group)!;
      expect(status.topics).toEqual([expect.objectContaining({ topic, deadLetters: 2, redriveCursor: '2' })]);
      expect(await b.bus.readCursor(redriveCursorGroup(group), `${topic}.dlq.${group}`)).toBe(2n);
      await sub.drain(60_000);
      expect(seen.sort()).toEqual(['POISON-1', 'POISON-2']);

      // A new dead letter; both processes re-drive at the very same moment: at least once, and the cursor ends past it.
      broken = true;
      await a.bus.publish(topic, [sampleContractEvent('POISON-3')]);
      await sub.drain(60_000);
      broken = false;
      const race = await Promise.all([a.ops.redrive(topic, group, { via: 'test' }), b.ops.redrive(topic, group, { via: 'test' })]);
      expect(race.map((r) => r.redriven).reduce((x, y) => x + y)).toBeGreaterThanOrEqual(1);
      expect(race.map((r) => r.cursor)).toEqual(['3', '3']);
      expect((await b.ops.redrive(topic, group, { via: 'test' })).redriven).toBe(0);
      await sub.drain(60_000);
      expect(seen).toContain('POISON-3');
    } finally {
      for (const p of processes) await p.bus.close();
    }
  });
});
