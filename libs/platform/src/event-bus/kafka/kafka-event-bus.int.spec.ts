import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { describeEventBusConformance, sampleContractEvent } from '../event-bus.conformance';
import { KafkaEventBus } from './kafka-event-bus';

const brokers = inject('engines').kafka.brokers;
const run = randomUUID().slice(0, 8);
let n = 0;

describeEventBusConformance('kafka', {
  create: async () => new KafkaEventBus({ brokers, clientId: `conformance-${run}`, partitions: 3 }),
  unique: (p) => `${p}-${run}-${++n}`,
});

describe('kafka event bus namespaces', () => {
  it('keeps two namespaces apart on one cluster while handlers see logical topic names', async () => {
    const a = new KafkaEventBus({ brokers, clientId: 'ns-a', namespace: `nsa-${run}` });
    const b = new KafkaEventBus({ brokers, clientId: 'ns-b', namespace: `nsb-${run}` });
    try {
      await a.ensureTopics(['shared.topic'], ['g']);
      await b.ensureTopics(['shared.topic'], ['g']);
      await a.publish('shared.topic', [sampleContractEvent('ONLY-IN-A')]);
      const seen: string[] = [];
      const sub = await b.subscribe({ group: 'g', topics: ['shared.topic'], handler: async (batch) => void seen.push(...batch.map((d) => `${d.topic}:${d.event.aggregateId}`)) });
      await b.publish('shared.topic', [sampleContractEvent('IN-B')]);
      await sub.drain(60_000);
      await sub.stop();
      expect(seen).toEqual(['shared.topic:IN-B']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
