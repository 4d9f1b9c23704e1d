import { deadLetterTopic, parseEvent } from '@observatoire/contracts';
import { EmbeddedEventLog } from '../event-bus/embedded/embedded-event-log';
import type { EventBus } from '../event-bus/event-bus.port';
import { KafkaEventBus } from '../event-bus/kafka/kafka-event-bus';

export interface RawMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** A bus that hides another one (the instrumented wrapper): ops reach the adapter through it. */
export interface WrappingEventBus extends EventBus {
  unwrapBus(): EventBus;
}

export function adapterOf(bus: EventBus): EventBus {
  let b = bus;
  while ('unwrapBus' in b && typeof (b as WrappingEventBus).unwrapBus === 'function') b = (b as WrappingEventBus).unwrapBus();
  return b;
}

/**
 * Re-publish messages byte for byte (the re-drive keeps the original value and headers, so an event
 * a fixed consumer can now parse is re-driven as it was). Falls back to parse + publish on other adapters.
 */
export async function publishRaw(bus: EventBus, topic: string, messages: RawMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const adapter = adapterOf(bus);
  if (adapter instanceof EmbeddedEventLog) return adapter.appendRaw(topic, messages);
  if (adapter instanceof KafkaEventBus) return adapter.publishRaw(topic, messages);
  await adapter.publish(topic, messages.map((m) => parseEvent(m.value)));
}

/** Messages in the dead-letter topic of a group (cheap: end offsets, no read). 0 when the topic does not exist yet. */
export async function deadLetterCount(bus: EventBus, topic: string, group: string): Promise<number> {
  const adapter = adapterOf(bus);
  const dlq = deadLetterTopic(topic, group);
  if (adapter instanceof EmbeddedEventLog) {
    const log = adapter.log(dlq);
    await log.open();
    return log.nextOffset;
  }
  if (adapter instanceof KafkaEventBus) {
    try {
      const ends = await adapter.topicEndOffsets(dlq);
      return [...ends.values()].reduce((a, b) => a + Number(b), 0);
    } catch {
      return 0;
    }
  }
  return (await adapter.deadLetters(topic, group, 100_000)).length;
}
