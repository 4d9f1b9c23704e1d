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
