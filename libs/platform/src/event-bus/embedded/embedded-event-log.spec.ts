import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventBusConformance, sampleContractEvent } from '../event-bus.conformance';
import { EmbeddedEventLog } from './embedded-event-log';

const dir = mkdtempSync(join(tmpdir(), 'obs-bus-'));
let n = 0;
describeEventBusConformance('embedded log', {
  create: async () => new EmbeddedEventLog(dir),
  unique: (p) => `${p}-${++n}`,
});

describe('embedded event log files', () => {
  it('recovers from a torn last line left by a crash and keeps dense offsets', async () => {
    const d = mkdtempSync(join(tmpdir(), 'obs-bus-torn-'));
    const b1 = new EmbeddedEventLog(d);
    await b1.publish('t', [sampleContractEvent('X1')]);
    await b1.close();
    appendFileSync(join(d, 't.jsonl'), '{"o":1,"k":"X2","h":{},"v":"{\\"trunc');
    const b2 = new EmbeddedEventLog(d);
    await b2.publish('t', [sampleContractEvent('X3')]);
    await b2.close();
    const lines = readFileSync(join(d, 't.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { o: number; k: string });
    expect(lines.map((l) => [l.o, l.k])).toEqual([
      [0, 'X1'],
      [1, 'X3'],
    ]);
  });
});

describe('embedded event log consumer groups', () => {
  it('commits the positions of several topics of one group without losing any', async () => {
    const d = mkdtempSync(join(tmpdir(), 'obs-bus-multi-'));
    const bus = new EmbeddedEventLog(d);
    const topics = ['t1', 't2', 't3', 't4'];
    await bus.ensureTopics(topics, ['g']);
    await Promise.all(topics.map((t) => bus.publish(t, [sampleContractEvent(`${t}-A`), sampleContractEvent(`${t}-B`)])));
    const seen: string[] = [];
    const sub = await bus.subscribe({ group: 'g', topics, maxBatchSize: 1, handler: async (batch) => void seen.push(...batch.map((x) => x.event.aggregateId)) });
    await sub.drain(10_000);
    await sub.stop();
    expect(seen).toHaveLength(8);
    expect(await bus.lag('g', topics)).toEqual({ t1: 0, t2: 0, t3: 0, t4: 0 });
    await bus.close();
  });
});
