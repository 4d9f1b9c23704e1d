import { join } from 'node:path';
import { EmbeddedEventLog, KafkaEventBus, type EventBus, type ObservatoireConfig } from '@observatoire/platform';

export function createEventBus(config: ObservatoireConfig, clientId: string, log?: (level: string, msg: string) => void): EventBus {
  if (config.kafka) {
    return new KafkaEventBus({
      brokers: config.kafka.brokers,
      clientId,
      partitions: config.kafka.partitions,
      replicationFactor: config.kafka.replicationFactor,
      namespace: config.kafka.namespace,
      ssl: config.kafka.ssl,
      sasl: config.kafka.sasl,
      log: log ? (l, m) => log(l, m) : undefined,
    });
  }
  if (config.profile === 'distributed') throw new Error('KAFKA_BROKERS is required in the distributed profile');
  return new EmbeddedEventLog(join(config.dataDir, 'events'));
}
