import { Readable } from 'node:stream';
import { parsedItems, DEFAULT_PARSE_TUNING } from './parsed-items';
import type { ParsedItem } from './parsed-item';

/** A 2022 file: `n` small contracts, then one record with `modifications` modifications, then one broken record. */
function decpFile(n: number, modifications: number): Buffer {
  const item = (id: string, mods: number) => ({
    id,
    acheteur: { id: '21350238800019' },
    nature: 'Marché',
    objet: 'Travaux (synthétique)',
    codeCPV: '45000000',
    procedure: "Appel d'offres ouvert",
    dureeMois: 12,
    dateNotification: '2024-01-10',
    datePublicationDonnees: '2024-01-15',
    montant: 1000,
    titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '38024392300018' } }],
    ...(mods
      ? {
          modifications: Array.from({ length: mods }, (_, k) => ({
            modification: { id: k + 1, montant: 1000 + k, dateNotificationModification: '2024-02-01', datePublicationDonneesModification: '2024-02-02' },
          })),
        }
      : {}),
  });
  const items = [...Array.from({ length: n }, (_, i) => JSON.stringify(item(`S${i}`, 0))), JSON.stringify(item('HEAVY', modifications)), '{"id": "BROKEN", "montant": }'];
  return Buffer.from(`{"marches": [${items.join(',')}]}`);
}

/** Served in 64 KiB chunks, as a file or an HTTP body would be. */
function input(bytes: Buffer) {
  return { name: 'given.json', open: () => Readable.from(Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536))) };
}

async function collect(gen: AsyncGenerator<ParsedItem[]>): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const batch of gen) out.push(...batch);
  return out;
}

describe('parsing a file in the parse thread', () => {
  it('yields the same items, in the same order, as parsing in the calling thread', async () => {
    const bytes = decpFile(2500, 30);
    const inThread = await collect(parsedItems(input(bytes), 'test', { ...DEFAULT_PARSE_TUNING, batchSize: 100 }));
    const inline = await collect(parsedItems(input(bytes), 'test', { ...DEFAULT_PARSE_TUNING, worker: false }));
    expect(inThread).toHaveLength(2502);
    expect(inThread.map((i) => i.kind).slice(-2)).toEqual(['contract', 'quarantined']);
    // Only the time-dependent parts differ between two parses: none here (dates are in the past).
    expect(inThread).toEqual(inline);
  }, 60_000);

  it('keeps the calling thread free while a record with 50 000 modifications is normalised', async () => {
    const bytes = decpFile(0, 50_000);
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const items = await collect(parsedItems(input(bytes), 'test'));
    const took = performance.now() - started;
    worstGap = Math.max(worstGap, performance.now() - last);
    clearInterval(ticker);
    expect(items[0]).toMatchObject({ kind: 'contract', uid: '21350238800019HEAVY' });
    // In the calling thread the timer waits for the whole read and normalisation (6 s: the worst gap is all
    // of it); in the parse thread it keeps ticking (worst gap 90 ms on a loaded machine).
    expect(took).toBeGreaterThan(1000);
    expect(worstGap).toBeLessThan(Math.min(1000, took / 2));
  }, 60_000);

  it('ends cleanly when the consumer stops after the first batch, and parses the next file', async () => {
    const bytes = decpFile(5000, 0);
    let batches = 0;
    for await (const batch of parsedItems(input(bytes), 'test', { ...DEFAULT_PARSE_TUNING, batchSize: 100 })) {
      expect(batch).toHaveLength(100);
      if (++batches === 1) break;
    }
    expect(await collect(parsedItems(input(decpFile(3, 0)), 'test'))).toHaveLength(5);
  }, 60_000);
});
