import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { sampleContractEvent } from '../event-bus/event-bus.conformance';
import type { DeliveredEvent } from '../event-bus/event-bus.port';
import { KafkaEventBus } from '../event-bus/kafka/kafka-event-bus';
import { BusOperations, type OpsLogger } from './bus-operations';
import { InstrumentedEventBus } from './instrumented-event-bus';
import { Metrics } from './metrics';

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
});
