import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom, isObservable } from 'rxjs';
import type { DeliveredEvent, EventBus, Subscription } from '../event-bus/event-bus.port';

/** The pattern a consumer declares: `@EventPattern(consume(TOPICS.contracts, CONSUMER_GROUPS.catalog))`. */
export interface ConsumerPattern {
  topic: string;
  group: string;
  maxBatchSize?: number;
}

export function consume(topic: string, group: string, maxBatchSize?: number): ConsumerPattern {
  return maxBatchSize ? { topic, group, maxBatchSize } : { topic, group };
}

/**
 * A NestJS custom transport over the EventBus port (Kafka or the embedded log), so each service is
 * one hybrid process: HTTP plus its consumers, declared with `@EventPattern`. Unlike Nest's built-in
 * Kafka server, handlers receive whole batches (one ORM context and one transaction per batch), and a
 * failing handler meets the bus's error policy (retry-policy.ts): while a dependency is down the batch
 * is retried until it passes; an event that fails for good is dead-lettered with the handler's own error.
 */
export class EventBusTransport extends Server implements CustomTransportStrategy {
  private readonly subs: Subscription[] = [];

  constructor(private readonly bus: EventBus) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const byGroup = new Map<string, { topics: Map<string, MessageHandler>; maxBatchSize?: number }>();
      for (const [pattern, handler] of this.getHandlers()) {
        const p = parsePattern(pattern);
        if (!p) continue;
        const g = byGroup.get(p.group) ?? { topics: new Map<string, MessageHandler>(), maxBatchSize: p.maxBatchSize };
        if (g.topics.has(p.topic)) throw new Error(`two handlers for ${p.topic} in group ${p.group}`);
        g.topics.set(p.topic, handler);
        byGroup.set(p.group, g);
      }
      for (const [group, g] of byGroup) {
        await this.bus.ensureTopics([...g.topics.keys()], [group]);
        const sub = await this.bus.subscribe({
          group,
          topics: [...g.topics.keys()],
          maxBatchSize: g.maxBatchSize,
          handler: async (batch: DeliveredEvent[]) => {
            const byTopic = new Map<string, DeliveredEvent[]>();
            for (const d of batch) byTopic.set(d.topic, [...(byTopic.get(d.topic) ?? []), d]);
            for (const [topic, events] of byTopic) {
              try {
                const result = await g.topics.get(topic)!(events);
                if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
              } catch (err) {
                throw handlerError(err, group, topic);
              }
            }
          },
        });
        this.subs.push(sub);
      }
      callback();
    } catch (e) {
      callback(e);
    }
  }

  /** Wait until every consumer has handled what was published so far (tests, seeding, replays). */
  async drain(timeoutMs = 120_000): Promise<void> {
    for (const s of this.subs) await s.drain(timeoutMs);
  }

  subscriptions(): readonly Subscription[] {
    return this.subs;
  }

  async close(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.stop();
  }

  on(): never {
    throw new Error('EventBusTransport does not support event listeners');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

/**
 * The error the error policy records. A handler's own error passes unchanged (the HTTP filters rethrow
 * it outside HTTP). Nest's default RPC filter replaces an unknown error by `{ status: 'error', message:
 * 'Internal server error' }` (when no filter of the app sees it): that object becomes an Error saying so,
 * rather than a dead letter with an empty reason.
 */
export function handlerError(err: unknown, group: string, topic: string): unknown {
  if (err instanceof Error) return err;
  const o = err as { status?: unknown; message?: unknown } | null;
  const message = o && typeof o === 'object' && typeof o.message === 'string' ? o.message : String(err);
  const e = new Error(`event handler of ${group} on ${topic} failed, and Nest's RPC exception filter hid its error (${message}); connect the microservice with the platform's filters (inheritAppConfig: true and HTTP-scoped filters)`);
  e.name = 'HiddenHandlerError';
  return e;
}

function parsePattern(pattern: string): ConsumerPattern | null {
  try {
    const p = JSON.parse(pattern) as Partial<ConsumerPattern>;
    return typeof p.topic === 'string' && typeof p.group === 'string' ? (p as ConsumerPattern) : null;
  } catch {
    return null;
  }
}
