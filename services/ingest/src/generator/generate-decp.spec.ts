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

describe('synthetic objets from real ones', () => {
  it('draws objets from the real vocabulary, varied and deterministic, so a text query matches a realistic share', async () => {
    const { readRealObjets } = await import('./objets/real-objets');
    const real = readRealObjets();
    const vocabulary = new Set(real.all.flatMap((o) => o.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter(Boolean));
    const text = await generate({ contracts: 3000, seed: 42, shape: 'decp-2022-json' });
    expect(await generate({ contracts: 3000, seed: 42, shape: 'decp-2022-json' })).toBe(text);
    const objets = [...text.matchAll(/"objet":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(objets.length).toBeGreaterThanOrEqual(3000);
    expect(new Set(objets).size).toBeGreaterThan(1500); // not ten phrases repeated
    const unknownWords = new Set<string>();
    for (const o of objets) {
      if (!o.startsWith('[SYNTHÉTIQUE] ')) unknownWords.add(`(unmarked) ${o}`);
      const words = o.replace(/^\[SYNTHÉTIQUE\] /, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      for (const w of words) if (!/^\d+$/.test(w) && w !== 'lot' && !vocabulary.has(w)) unknownWords.add(w);
    }
    expect([...unknownWords]).toEqual([]);
    // A common word of public procurement matches a minority of contracts, not 10 % by construction of 10 titles.
    const share = (w: RegExp) => objets.filter((o) => w.test(o)).length / objets.length;
    expect(share(/voirie/i)).toBeGreaterThan(0.002);
    expect(share(/voirie/i)).toBeLessThan(0.1);
    expect(share(/restauration scolaire/i)).toBeLessThan(0.05);
  });
});
