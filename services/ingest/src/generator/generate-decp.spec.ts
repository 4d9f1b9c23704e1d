import { Readable, Writable } from 'node:stream';
import { readRecords } from '../domain/read/read-records';
import { normaliseRecord } from '../domain/normalise/normalise-record';
import { generateDecp, type GenerateOptions } from './generate-decp';

class Sink extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

async function generate(opts: GenerateOptions): Promise<string> {
  const sink = new Sink();
  await generateDecp(opts, sink);
  return sink.text();
}

describe('generateDecp', () => {
  it('is deterministic: the same seed writes the same bytes, another seed other bytes', async () => {
    const a = await generate({ contracts: 200, seed: 7, shape: 'decp-2022-json' });
    expect(await generate({ contracts: 200, seed: 7, shape: 'decp-2022-json' })).toBe(a);
    expect(await generate({ contracts: 200, seed: 8, shape: 'decp-2022-json' })).not.toBe(a);
  });

  it.each(['decp-2022-json', 'decp-info-csv'] as const)('writes %s that the readers detect and normalise, every record marked synthetic', async (shape) => {
    const text = await generate({ contracts: 500, seed: 42, shape });
    const outcomes = [];
    for await (const raw of readRecords({ name: `synthetic.${shape}`, open: () => Readable.from([Buffer.from(text)]) })) {
      expect(raw.format).toBe(shape);
      outcomes.push(normaliseRecord(raw, { source: 'synthetic', today: '2026-11-28' }));
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(500);
    expect(outcomes.filter((o) => o.status === 'quarantined')).toHaveLength(0);
    for (const o of outcomes) if (o.status !== 'quarantined') expect(o.contract.objet).toMatch(/^\[SYNTHÉTIQUE\]/);
    const flagged = outcomes.filter((o) => o.status === 'flagged').length;
    expect(flagged).toBeGreaterThan(0); // ~2 % messy records
    expect(flagged / outcomes.length).toBeLessThan(0.1);
    expect(text).toContain('synthetic');
  });

  it('respects backpressure: a slow consumer never receives more than the batch in flight', async () => {
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        setImmediate(done);
      },
    });
    const summary = await generateDecp({ contracts: 3000, seed: 1, shape: 'decp-2022-json' }, slow);
    expect(summary.records).toBeGreaterThanOrEqual(3000);
    expect(maxBuffered).toBeLessThan(512 * 1024);
  });
});
