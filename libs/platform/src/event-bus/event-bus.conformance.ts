import { aCanonicalContract, createEvent, deadLetterTopic, type ContractPublishedV1, type ObservatoireEvent } from '@observatoire/contracts';
import type { ConsumerObserver, DeliveredEvent, EventBus } from './event-bus.port';
import { transientError } from './error-classification';

/** A small valid ContractPublished event for bus tests. */
export function sampleContractEvent(uid: string, revision = 1, objet = 'Travaux de voirie'): ContractPublishedV1 {
  const acheteur = { id: '20004217400019', typeIdentifiant: 'SIRET', siretValide: true, denominationSociale: null };
  return createEvent(
    'ContractPublished',
    {
      contentHash: `${uid}-${revision}`,
      supersedes: revision > 1 ? revision - 1 : null,
      contract: aCanonicalContract({
        uid,
        id: uid.slice(14) || 'X',
        acheteur,
        objet,
        codeCPV: '45233141',
        lieuExecution: null,
        formePrix: null,
        // Revision n raises the current montant; the initial award stays at 100 000.
        montant: 100000 * revision,
        montantInitial: 100000,
        dateNotification: '2024-07-01',
        datePublicationDonnees: '2024-07-15',
        titulaires: [],
        attributionAvance: null,
        marcheInnovant: null,
        sousTraitanceDeclaree: null,
        provenance: [{ source: 'test', file: 'test.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
      }),
    },
    { source: 'observatoire/test', aggregateId: uid, aggregateVersion: revision, correlationId: 'corr-test' },
  );
}

export interface BusFactory {
  /** A bus over storage that survives `reopen` (same directory / same cluster). */
  create(): Promise<EventBus>;
  /** Unique names so tests never share topics or groups. */
  unique(prefix: string): string;
}

/**
 * One behavioural suite for both event-bus adapters (embedded log and Kafka).
 * Call it inside a vitest file: `describeEventBusConformance('embedded', factory)`.
 */
export function describeEventBusConformance(name: string, factory: BusFactory) {
  describe(`event bus conformance: ${name}`, () => {
    const open: EventBus[] = [];
    const bus = async () => {
      const b = await factory.create();
      open.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of open.splice(0)) await b.close();
    });

    it('delivers published events in order per aggregate, with envelope and correlation headers', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      const events = [sampleContractEvent('A1', 1), sampleContractEvent('B1', 1), sampleContractEvent('A1', 2)];
      await b.publish(topic, events);
      const got: DeliveredEvent[] = [];
      const sub = await b.subscribe({ group, topics: [topic], handler: async (batch) => void got.push(...batch) });
      await sub.drain(60_000);
      await sub.stop();
      expect(got).toHaveLength(3);
      const a = got.filter((d) => d.event.aggregateId === 'A1').map((d) => d.event.aggregateVersion);
      expect(a).toEqual([1, 2]);
      expect(got[0].headers['x-correlation-id']).toBe('corr-test');
      expect(got.map((d) => d.event.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    });

    it('resumes after a restart at the committed position without losing events', async () => {
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      const b1 = await bus();
      await b1.ensureTopics([topic], [group]);
      await b1.publish(topic, [sampleContractEvent('R1'), sampleContractEvent('R2')]);
      const first: string[] = [];
      const s1 = await b1.subscribe({ group, topics: [topic], handler: async (batch) => void first.push(...batch.map((d) => d.event.aggregateId)) });
      await s1.drain(60_000);
      await s1.stop();
      await b1.close();
      open.splice(open.indexOf(b1), 1);

      const b2 = await bus();
      await b2.publish(topic, [sampleContractEvent('R3')]);
      const second: string[] = [];
      const s2 = await b2.subscribe({ group, topics: [topic], handler: async (batch) => void second.push(...batch.map((d) => d.event.aggregateId)) });
      await s2.drain(60_000);
      await s2.stop();
      expect(first.sort()).toEqual(['R1', 'R2']);
      expect(second).toEqual(['R3']);
    });

    it('retries a transient failure and then delivers the batch', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.publish(topic, [sampleContractEvent('T1')]).catch(async () => {
        await b.ensureTopics([topic], [group]);
        await b.publish(topic, [sampleContractEvent('T1')]);
      });
      let calls = 0;
      const handled: string[] = [];
      const sub = await b.subscribe({
        group,
        topics: [topic],
        retryBackoffMs: 10,
        handler: async (batch) => {
          calls++;
          if (calls < 3) throw new Error('database restarting');
          handled.push(...batch.map((d) => d.event.aggregateId));
        },
      });
      await sub.drain(60_000);
      await sub.stop();
      expect(handled).toEqual(['T1']);
      expect(calls).toBe(3);
      expect(await b.deadLetters(topic, group)).toEqual([]);
    });

    it('holds a batch paused while its dependency is down, far past maxAttempts, then resumes without a dead letter', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      // One aggregate, so one partition (and one batch) in Kafka too.
      await b.publish(topic, [sampleContractEvent('D1', 1), sampleContractEvent('D1', 2)]);
      let calls = 0;
      const handled: string[] = [];
      const seen: string[] = [];
      const observer: ConsumerObserver = {
        paused: (i) => seen.push(`paused ${i.dependency} ${i.offset}`),
        resumed: (i) => seen.push(`resumed ${i.retries} ${i.recovered}`),
        deadLettered: (i) => seen.push(`dead ${i.offset}`),
      };
      const sub = await b.subscribe({
        group,
        topics: [topic],
        maxAttempts: 2,
        retryBackoffMs: 5,
        maxBackoffMs: 20,
        observer,
        handler: async (batch) => {
          calls++;
          if (calls <= 8) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54329'), { code: 'ECONNREFUSED' });
          handled.push(...batch.map((d) => d.event.aggregateId));
        },
      });
      await sub.drain(60_000);
      await sub.stop();
      expect(handled).toEqual(['D1', 'D1']);
      expect(calls).toBe(9);
      expect(seen).toEqual(['paused network 0', 'resumed 8 true']);
      expect(await b.deadLetters(topic, group)).toEqual([]);
    });

    it('dead-letters a permanent failure with the error code, message and a stack summary', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      await b.publish(topic, [sampleContractEvent('BAD')]);
      const sub = await b.subscribe({
        group,
        topics: [topic],
        maxAttempts: 2,
        retryBackoffMs: 5,
        handler: async () => {
          throw Object.assign(new Error('montant must be positive'), { name: 'DomainError', code: 'INVALID_MONTANT' });
        },
      });
      await sub.drain(60_000);
      await sub.stop();
      const dead = await b.deadLetters(topic, group);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ key: 'BAD', reason: 'DomainError [INVALID_MONTANT]: montant must be positive', errorCode: 'INVALID_MONTANT', attempts: 2 });
      expect(dead[0].errorStack).toMatch(/^at /);
    });

    it('lets a handler mark its own error transient: it is retried until it passes', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      await b.publish(topic, [sampleContractEvent('M1')]);
      let calls = 0;
      const sub = await b.subscribe({
        group,
        topics: [topic],
        maxAttempts: 1,
        retryBackoffMs: 5,
        maxBackoffMs: 10,
        handler: async () => {
          if (++calls < 5) throw transientError(new Error('the referential is being rebuilt'));
        },
      });
      await sub.drain(60_000);
      await sub.stop();
      expect(calls).toBe(5);
      expect(await b.deadLetters(topic, group)).toEqual([]);
    });

    it('sends a poison event to the dead-letter topic with its reason and keeps consuming the others', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      await b.publish(topic, [sampleContractEvent('OK1'), sampleContractEvent('POISON'), sampleContractEvent('OK2')]);
      const handled: string[] = [];
      const sub = await b.subscribe({
        group,
        topics: [topic],
        maxAttempts: 2,
        retryBackoffMs: 5,
        handler: async (batch) => {
          if (batch.some((d) => d.event.aggregateId === 'POISON')) throw new Error('cannot apply POISON');
          handled.push(...batch.map((d) => d.event.aggregateId));
        },
      });
      await sub.drain(60_000);
      await sub.stop();
      expect(handled.sort()).toEqual(['OK1', 'OK2']);
      const dead = await b.deadLetters(topic, group);
      expect(dead).toHaveLength(1);
      expect(dead[0].key).toBe('POISON');
      expect(dead[0].reason).toContain('cannot apply POISON');
      expect(dead[0].originalTopic).toBe(topic);
    });

    it('dead-letters a message that is not a valid event instead of crashing the consumer', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      const broken = { ...sampleContractEvent('BROKEN'), data: { nope: true } } as unknown as ObservatoireEvent;
      await b.publish(topic, [broken, sampleContractEvent('FINE')]);
      const handled: string[] = [];
      const sub = await b.subscribe({ group, topics: [topic], handler: async (batch) => void handled.push(...batch.map((d) => d.event.aggregateId)) });
      await sub.drain(60_000);
      await sub.stop();
      expect(handled).toEqual(['FINE']);
      const dead = await b.deadLetters(topic, group);
      expect(dead.map((d) => d.key)).toEqual(['BROKEN']);
      expect(dead[0].reason).toMatch(/invalid ContractPublished event/);
    });

    it('replays a topic from the beginning after the group is reset', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      await b.publish(topic, [sampleContractEvent('P1'), sampleContractEvent('P2')]);
      const seen: string[] = [];
      const s1 = await b.subscribe({ group, topics: [topic], handler: async (batch) => void seen.push(...batch.map((d) => d.event.aggregateId)) });
      await s1.drain(60_000);
      await s1.stop();
      expect(await b.lag(group, [topic])).toEqual({ [topic]: 0 });
      await b.resetGroup(group, topic);
      expect((await b.lag(group, [topic]))[topic]).toBe(2);
      const s2 = await b.subscribe({ group, topics: [topic], handler: async (batch) => void seen.push(...batch.map((d) => d.event.aggregateId)) });
      await s2.drain(60_000);
      await s2.stop();
      expect(seen.sort()).toEqual(['P1', 'P1', 'P2', 'P2']);
    });

    it('refuses to reset a group while it has running consumers, and nothing moves', async () => {
      const b = await bus();
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      await b.ensureTopics([topic], [group]);
      await b.publish(topic, [sampleContractEvent('R1')]);
      const s = await b.subscribe({ group, topics: [topic], handler: async () => undefined });
      await s.drain(60_000);
      await expect(b.resetGroup(group, topic)).rejects.toThrow(/running instances|stop the consumer group/);
      expect(await b.lag(group, [topic])).toEqual({ [topic]: 0 });
      await s.stop();
    });

    /** A dead-letter topic (one partition) holding `n` messages, and a fresh cursor group. */
    const cursorFixture = async (b: EventBus, n: number) => {
      const topic = factory.unique('contracts');
      const group = factory.unique('g');
      const dlq = deadLetterTopic(topic, group);
      await b.ensureTopics([topic], [group]);
      await b.publish(dlq, Array.from({ length: n }, (_, i) => sampleContractEvent(`D${i}`)));
      return { dlq, cursorGroup: `${group}.cursor` };
    };

    it('keeps a cursor in the log: 0 until written, then the same for every bus instance', async () => {
      const b1 = await bus();
      const { dlq, cursorGroup } = await cursorFixture(b1, 3);
      expect(await b1.readCursor(cursorGroup, factory.unique('never-created'))).toBe(0n);
      expect(await b1.readCursor(cursorGroup, dlq)).toBe(0n);
      expect(await b1.moveCursor(cursorGroup, dlq, { from: 0n, to: 2n })).toEqual({ moved: true, cursor: 2n });
      expect(await b1.readCursor(cursorGroup, dlq)).toBe(2n);

      const b2 = await bus(); // another process of the deployment
      expect(await b2.readCursor(cursorGroup, dlq)).toBe(2n);
      expect(await b2.moveCursor(cursorGroup, dlq, { from: 2n, to: 3n })).toEqual({ moved: true, cursor: 3n });
      expect(await b1.readCursor(cursorGroup, dlq)).toBe(3n);
    });

    it('moves a cursor only from the value it was read at, one writer winning a race', async () => {
      const b = await bus();
      const { dlq, cursorGroup } = await cursorFixture(b, 2);
      await b.moveCursor(cursorGroup, dlq, { from: 0n, to: 1n });
      expect(await b.moveCursor(cursorGroup, dlq, { from: 0n, to: 2n })).toEqual({ moved: false, cursor: 1n }); // stale read: nothing written
      expect(await b.readCursor(cursorGroup, dlq)).toBe(1n);

      const race = await Promise.all([b.moveCursor(cursorGroup, dlq, { from: 1n, to: 2n }), b.moveCursor(cursorGroup, dlq, { from: 1n, to: 0n })]);
      expect(race.filter((r) => r.moved)).toHaveLength(1);
      expect(await b.readCursor(cursorGroup, dlq)).toBe(race.find((r) => r.moved)!.cursor);
    });

    it('a cursor is the group position: a subscription of that group starts there', async () => {
      const b = await bus();
      const { dlq, cursorGroup } = await cursorFixture(b, 3);
      await b.moveCursor(cursorGroup, dlq, { from: 0n, to: 2n });
      const seen: string[] = [];
      const sub = await b.subscribe({ group: cursorGroup, topics: [dlq], handler: async (batch) => void seen.push(...batch.map((d) => d.event.aggregateId)) });
      await sub.drain(60_000);
      await sub.stop();
      expect(seen).toEqual(['D2']);
    });

    it('refuses to move a cursor past the end of its topic, or of a group that has consumers', async () => {
      const b = await bus();
      const { dlq, cursorGroup } = await cursorFixture(b, 2);
      await expect(b.moveCursor(cursorGroup, dlq, { from: 0n, to: 3n })).rejects.toThrow(/outside the topic/);
      expect(await b.readCursor(cursorGroup, dlq)).toBe(0n);

      const consumed = factory.unique('g');
      const sub = await b.subscribe({ group: consumed, topics: [dlq], handler: async () => undefined });
      try {
        await sub.drain(60_000);
        await expect(b.moveCursor(consumed, dlq, { from: 2n, to: 0n })).rejects.toThrow(/running consumers/);
      } finally {
        await sub.stop();
      }
    });
  });
}
